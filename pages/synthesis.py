"""Synthèse: what the room leaves with, for one workshop or the whole collective — at any
time, mid-workshop too. The facilitator picks the sections and whether names appear, reads
it here, and downloads the livrable (PDF, DOCX, Markdown)."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from core import charts, livrable
from core.livrable.text import (
    action_cells,
    action_headers,
    participation_lines,
    robustness_sentence,
    score_cells,
    score_headers,
)
from core.services import synthesis
from core.services.synthesis import Synthesis
from ui import calls, downloads, legacy_guard, render, startup
from ui.i18n import _, lang
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(_("Synthesis"), facilitator=True)
templates = startup.templates()
WORKSHOP, COLLECTIVE = "workshop", "collective"

scope_col, names_col = st.columns([2, 1])
scope = scope_col.radio(_("Synthesis of"), [WORKSHOP, COLLECTIVE], horizontal=True,
                        key="synthesis_scope",
                        format_func=lambda s: _("this workshop") if s == WORKSHOP
                        else _("the collective, all its workshops"))
named = names_col.toggle(_("Show participants' names"), value=False, key="synthesis_named",
                         help=_("Off: no participant's name appears (cards, next steps, "
                                "the list of who took part)."))
sections = st.multiselect(_("Sections"), list(synthesis.SECTIONS),
                          default=list(synthesis.SECTIONS), key="synthesis_sections",
                          format_func=lambda s: _(synthesis.SECTION_TITLES[s]),
                          placeholder=_("Choose the sections"))
if not sections:
    st.info(_("Choose at least one section."), icon=":material/arrow_upward:")
    st.stop()

found: Synthesis = calls.read(
    synthesis.build, templates=templates, lang=lang(), sections=tuple(sections),
    anonymous=not named, **({"workshop_id": screen.workshop_id} if scope == WORKSHOP else
                            {"collective_id": screen.workshop.collective_id}))

# --- downloads: built when clicked (the page itself stays quick) ---------------------------
slug = re.sub(r"[^a-z0-9]+", "-", found.title.lower()).strip("-")[:40] or "synthese"
pdf_col, docx_col, md_col = st.columns(3)
for column, fmt, label in ((pdf_col, "pdf", _("Download (PDF)")),
                           (docx_col, "docx", _("Download (Word, DOCX)")),
                           (md_col, "md", _("Download (Markdown)"))):
    column.download_button(label, data=lambda fmt=fmt: livrable.write(found, fmt),
                           file_name=f"synthese-{slug}.{fmt}", mime=livrable.MEDIA_TYPES[fmt],
                           key=f"synthesis_download_{fmt}", on_click="ignore",
                           icon=":material/download:")
if scope == WORKSHOP:
    downloads.sheets_zip_button(screen.workshop_id, named=named)

st.html(render.line(found.title, size="1.6rem", bold=True)
        + render.line(f"{found.subtitle} — {found.collective}", size="1rem"))


def table(headers: list[str], rows: list[list[str]]) -> None:
    st.dataframe(pd.DataFrame(rows, columns=headers), hide_index=True, width="stretch")


for section in found.sections:
    st.header(found.heading(section), divider="orange")
    if section == "participation":
        st.html(render.bullet_list(participation_lines(found)))
        if found.participation.names:
            st.html(render.line(", ".join(found.participation.names)))
    elif section == "needs":
        if not found.themes:
            st.caption(_("No need written yet."))
        for theme in found.themes:
            st.html(render.theme_header(theme.label, theme.color, len(theme.needs))
                    + render.bullet_list([
                        n.text + (f" ({n.source})" if n.source else "")
                        + (f" — +{n.supports}" if n.supports else "") for n in theme.needs]))
    elif section == "groups":
        if not found.groups:
            st.caption(_("No group yet."))
        for group in found.groups:
            st.html(render.group_block(group.name, "#b03a0a", group.cards))
    elif section == "ideas":
        if not found.ideas:
            st.caption(_("No idea yet."))
        for idea in found.ideas:
            st.html(render.line(idea.text, bold=True) + render.bullet_list(
                [need + (f" ({source})" if source else "") for need, source in idea.needs]))
    elif section == "scoring":
        if not found.scoring:
            st.caption(_("Nothing scored yet."))
        for block in found.scoring:
            if len(found.scoring) > 1:
                st.subheader(block.workshop)
            table(score_headers(found), [score_cells(found, line) for line in block.lines])
            if any(r.score is not None for r in block.results):
                st.altair_chart(charts.ranking(block.results, block.titles, lang()),
                                width="stretch", theme=None)
            sentence = robustness_sentence(found, block.robust)
            if sentence:
                st.caption(sentence)
    elif section == "projects":
        if not found.projects:
            st.caption(_("No canvas yet."))
        for project in found.projects:
            with st.expander(render.md(project.title), expanded=len(found.projects) == 1):
                for title, text in project.sections:
                    st.html(render.line(title, bold=True)
                            + render.line(text.strip() or "—"))
    elif section == "actions":
        if not found.actions:
            st.caption(_("No next step yet."))
        else:
            table(["#", *action_headers(found), _("Project")],
                  [[str(i), *action_cells(found, a), a.project or _("The collective")]
                   for i, a in enumerate(found.actions, start=1)])
