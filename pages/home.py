"""The facilitator's collectives and workshops: create, open, start, end."""

import streamlit as st

from core import inputs
from core.i18n import N_
from core.models import WorkshopStatus
from core.services import phases, workshops
from ui import calls, identity, legacy_guard, render, screens, startup
from ui.i18n import _, lang

legacy_guard.page_setup()

STATUS_LABELS = {
    WorkshopStatus.DRAFT: (":material/edit_note:", N_("Not started")),
    WorkshopStatus.RUNNING: (":material/circle:", N_("In progress")),
    WorkshopStatus.ENDED: (":material/flag:", N_("Over")),
}

identity.require_user()
HOME = "home"
st.title(_("Collectives and workshops"))
templates = startup.templates()
collectives = calls.read(workshops.list_collectives)


def _act(service, workshop_id: int) -> None:
    calls.call(service, defer_error=HOME, workshop_id=workshop_id)


calls.show_deferred_error(HOME)

if not collectives:
    st.info(_("No collective yet. Create the first one below: a village, a residency, "
              "a group of people carrying projects for their territory."), icon=":material/eco:")

for collective in collectives:
    with st.container(border=True):
        st.html(render.line(collective.name, size="1.5rem", bold=True))
        if collective.territory:
            st.html(render.line(collective.territory, size=".9rem"))
        summaries = calls.read(workshops.list_workshops, collective_id=collective.id)
        if not summaries:
            st.write(_("No workshop yet for this collective."))
        for summary in summaries:
            workshop = summary.workshop
            icon, status = STATUS_LABELS[workshop.status]
            cols = st.columns([5, 2, 2, 3])
            cols[0].html(render.line(workshop.title, icon_name=icon, size="1.15rem", bold=True))
            cols[1].metric(_("Code"), workshop.join_code)
            cols[2].metric(_("Cards"), summary.cards,
                           help=_("{n} participants", n=summary.participants))
            with cols[3]:
                st.caption(_(status))
                if st.button(_("Open"), key=f"open_{workshop.id}", type="primary",
                             on_click=identity.open_workshop, args=(workshop.id,)):
                    st.switch_page(screens.FACILITATE.path)
                if workshop.status != WorkshopStatus.RUNNING:
                    label = (_("Start") if workshop.status == WorkshopStatus.DRAFT
                             else _("Reopen"))
                    st.button(label, key=f"start_{workshop.id}", on_click=_act,
                              args=(phases.start, workshop.id))
                else:
                    st.button(_("End"), key=f"end_{workshop.id}", on_click=_act,
                              args=(phases.end, workshop.id))

st.divider()
left, right = st.columns(2)
with left, st.form("new_workshop"):
    st.header(_("New workshop"))
    if collectives:
        collective_id = st.selectbox(
            _("Collective"), [c.id for c in collectives], key="new_workshop_collective",
            format_func={c.id: c.name for c in collectives}.__getitem__,
        )
        formats = list(templates.formats.values())
        format_key = st.selectbox(
            _("Format"), [f.key for f in formats], key="new_workshop_format",
            format_func=lambda k: _("{name} ({minutes} min)",
                                    name=templates.formats[k].name(lang()),
                                    minutes=templates.formats[k].total_minutes),
        )
        title = st.text_input(_("Title"), key="new_workshop_title",
                              placeholder=_("e.g. Needs workshop — village hall"))
        if st.form_submit_button(_("Create the workshop"), type="primary"):
            created = calls.call(
                workshops.create_workshop, collective_id=collective_id,
                workshop_in=inputs.typed(inputs.WorkshopCreate, title=title),
                workshop_format=templates.formats[format_key], lang=lang(),
            )
            if created:
                calls.clear_after_success("new_workshop_title")
                st.toast(_("Workshop created. Its code: {code}", code=created.join_code),
                         icon=":material/check_circle:")
                st.rerun()
    else:
        st.caption(_("Create a collective first."))
        st.form_submit_button(_("Create the workshop"), disabled=True)

with right, st.form("new_collective"):
    st.header(_("New collective"))
    name = st.text_input(_("Name"), key="new_collective_name",
                         placeholder=_("e.g. Residency of Miallet"))
    territory = st.text_input(_("Territory"), key="new_collective_territory",
                              placeholder=_("Village, community of communes…"))
    description = st.text_area(_("Description (optional)"), key="new_collective_description")
    if st.form_submit_button(_("Create the collective"), type="primary") and calls.call(
        workshops.create_collective, collective_in=inputs.typed(
            inputs.CollectiveCreate, name=name, territory=territory, description=description)
    ):
        calls.clear_after_success("new_collective_name", "new_collective_territory",
                                    "new_collective_description")
        st.rerun()
