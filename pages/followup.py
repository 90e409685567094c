"""Suivi des porteurs: the incubator's follow-up, across its workshops — every porteur's
project, where it stands, the support wanted, interest in the incubation programme, how
much of its canvas is written, a note and the next meeting; filters, counts by commune and
by stage, and the CSV export for a French spreadsheet."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from core.domain import inputs
from core.domain.models import ProjectStage
from core.outputs import exports
from core.services import projects
from core.services.projects import STAGE_LABELS
from ui import calls, identity, legacy_guard, startup
from ui import projects as project_panel
from ui import relation as relation_panel
from ui.i18n import _, date_label, lang, ngettext

legacy_guard.page_setup()
identity.require_user()
templates = startup.templates()

st.title(_("Porteurs' follow-up"))
st.caption(_("The projects of the porteurs met in your “everyone's own project” workshops. "
             "A contact shows only if its porteur left it and agreed to be contacted."))

# One reading, with the filters as they stand (the widgets below are drawn from it).
state = st.session_state
found = calls.read(projects.followup, templates=templates, commune=state.get("fu_commune", ""),
                   stage=state.get("fu_stage", ""), interest=state.get("fu_interest", ""),
                   query=state.get("fu_query", ""))
if not found.communes and not found.rows and not any(
        state.get(k) for k in ("fu_commune", "fu_stage", "fu_interest", "fu_query")):
    st.info(_("No porteur's project yet. They appear here once participants of an "
              "“Outille-toi — everyone's own project” workshop name theirs."),
            icon=":material/monitoring:")
    st.stop()

stages = [s.value for s in ProjectStage]
commune_col, stage_col, interest_col, query_col = st.columns(4)
communes = ["", *found.communes]
if state.get("fu_commune", "") not in communes:
    state["fu_commune"] = ""
commune_col.selectbox(_("Commune"), communes, key="fu_commune",
                      format_func=lambda c: c or _("All"))
stage_col.selectbox(_("Stage"), ["", *stages], key="fu_stage",
                    format_func=lambda s: _(STAGE_LABELS[ProjectStage(s)]) if s else _("All"))
interest_col.selectbox(_("Interested in the incubation programme"),
                       ["", "yes", "maybe", "no"], key="fu_interest",
                       format_func=lambda i: project_panel.interest_label(i) if i else _("All"))
query_col.text_input(_("Search"), key="fu_query", max_chars=80,
                     placeholder=_("A project, a name…"))

st.subheader(ngettext("{n} project", "{n} projects", len(found.rows)))
by_commune, by_stage, by_level = st.columns(3)
by_commune.dataframe([{_("Commune"): c or _("(not given)"), _("Projects"): n}
                      for c, n in found.by_commune], hide_index=True, width="stretch",
                     key="fu_by_commune")
by_stage.dataframe([{_("Stage"): _(STAGE_LABELS[ProjectStage(s)]), _("Projects"): n}
                    for s, n in found.by_stage], hide_index=True, width="stretch",
                   key="fu_by_stage")
gradient = relation_panel.gradient()
by_level.dataframe([{_("With the local authority"): relation_panel.level_label(gradient, k),
                     _("Projects"): n} for k, n in found.by_level],
                   hide_index=True, width="stretch", key="fu_by_level")

# A day's label made once per day (thousands of rows share a few dozen days).
day = functools.lru_cache(maxsize=None)(date_label)
stage_label = {s: _(STAGE_LABELS[ProjectStage(s)]) for s in stages}
support_label = functools.lru_cache(maxsize=None)(lambda k: templates.support_label(k, lang()))
st.dataframe([{
    _("Project"): r.project.pitch, _("Porteurs"): ", ".join(r.project.members),
    _("Commune"): r.project.commune, _("Stage"): stage_label[r.project.stage],
    _("Support wanted"): ", ".join(support_label(k) for k in r.project.supports),
    _("Interested"): project_panel.interest_label(r.project.interest),
    _("Canvas"): f"{r.filled} / {r.sections}",
    _("Last activity"): day(r.last_activity.date()) if r.last_activity else "—",
    _("Note"): r.followup_note,
    _("Next meeting"): day(r.next_meeting_on) if r.next_meeting_on else "",
    _("Contact"): r.project.contact, _("Workshop"): f"{r.workshop} · {day(r.held_on)}",
} for r in found.rows], hide_index=True, width="stretch", key="fu_table")

st.download_button(_("Export (CSV)"), lambda: exports.followup_csv(found, templates, lang()),
                   file_name=_("porteurs-follow-up") + ".csv", mime="text/csv",
                   icon=":material/download:", key="fu_export", on_click="ignore")

# --- what the incubator keeps about one project -------------------------------------------
st.subheader(_("Update a project"))
calls.show_deferred_error("followup")
labels = {r.project.id: f"{r.project.pitch} ({', '.join(r.project.members)})"
          for r in found.rows}
if labels:
    chosen = st.selectbox(_("Project"), list(labels), key="fu_project",
                          format_func=labels.__getitem__)
    row = next(r for r in found.rows if r.project.id == chosen)
    with st.form(f"fu_form_{chosen}"):
        new_stage = st.selectbox(_("Stage"), stages, index=stages.index(row.project.stage),
                                 format_func=lambda s: _(STAGE_LABELS[ProjectStage(s)]))
        note = st.text_area(_("Follow-up note"), value=row.followup_note, max_chars=2000)
        meeting = st.date_input(_("Next meeting"), value=row.next_meeting_on,
                                min_value=dt.date(2020, 1, 1), format="DD/MM/YYYY")
        if st.form_submit_button(_("Save"), type="primary", icon=":material/save:"):
            calls.call(projects.set_followup, defer_error="followup", project_id=chosen,
                       followup_in=inputs.typed(inputs.FollowUp, stage=new_stage, note=note,
                                                next_meeting_on=meeting or None))
            st.rerun()
