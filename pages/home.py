"""The facilitator's collectives and workshops: create, open, start, end."""

import streamlit as st

from core.domain import inputs
from core.domain.models import WorkshopStatus
from core.services import phases, privacy, transfer, workshops
from core.settings import get_settings
from core.text.i18n import N_
from ui import calls, downloads, identity, legacy_guard, render, screens, startup
from ui.i18n import _, lang

legacy_guard.page_setup()

STATUS_LABELS = {
    WorkshopStatus.DRAFT: (":material/edit_note:", N_("Not started")),
    WorkshopStatus.RUNNING: (":material/circle:", N_("In progress")),
    WorkshopStatus.ENDED: (":material/flag:", N_("Over")),
}

user = identity.require_user()
HOME = "home"
st.title(_("Collectives and workshops"))
templates = startup.templates()
collectives = calls.read(workshops.list_collectives)


def _act(service, workshop_id: int) -> None:
    calls.call(service, defer_error=HOME, workshop_id=workshop_id)


def _delete(collective_id: int) -> None:
    if calls.call(privacy.delete_collective, defer_error=HOME, collective_id=collective_id,
                  confirm=st.session_state.get(f"delete_confirm_{collective_id}", "")):
        st.toast(_("Collective deleted. An administrator can bring it back for {days} days.",
                   days=get_settings().purge_after_days), icon=":material/delete:")


def _retention(collective_id: int) -> None:
    days = st.session_state[f"retention_{collective_id}"]
    if calls.call(privacy.set_retention, defer_error=HOME, collective_id=collective_id,
                  days=int(days) if days else None):
        st.toast(_("Saved."), icon=":material/check_circle:")


def collective_data(collective) -> None:
    """The collective's data: its file for another Fabrique, how long names are kept,
    deleting it."""
    with st.popover(_("Data and privacy"), icon=":material/database:"):
        downloads.collective_button(collective.id, collective.name)
        st.number_input(
            _("Anonymise participants' names this many days after a workshop ends "
              "(0: keep them)"), min_value=0, max_value=privacy.RETENTION_MAX_DAYS, step=30,
            value=collective.retention_days or 0, key=f"retention_{collective.id}",
            on_change=_retention, args=(collective.id,))
        st.divider()
        st.text_input(_("To delete this collective, type its name"),
                      key=f"delete_confirm_{collective.id}", placeholder=collective.name)
        st.button(_("Delete the collective"), key=f"delete_{collective.id}",
                  icon=":material/delete:", on_click=_delete, args=(collective.id,))


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
            # The code whole, whatever the column's width (a metric cut it to "8RW…").
            cols[1].caption(_("Code"))
            cols[1].html(render.line(workshop.join_code, size="1.6rem", bold=True))
            cols[2].metric(_("Cards"), summary.cards,
                           help=_("{n} participants", n=summary.participants))
            with cols[3]:
                st.caption(_(status))
                if st.button(_("Open"), key=f"open_{workshop.id}", type="primary",
                             on_click=identity.open_workshop, args=(workshop.id,)):
                    screens.FACILITATE.go()
                if not summary.running:
                    label = _("Start") if summary.draft else _("Reopen")
                    st.button(label, key=f"start_{workshop.id}", on_click=_act,
                              args=(phases.start, workshop.id))
                else:
                    # Ending is not undone by a stray click under "Ouvrir": it asks first.
                    with st.popover(_("End"), icon=":material/flag:"):
                        st.write(_("Everyone's boards become read-only; the canvases and "
                                   "next steps go on through the collective's links. You "
                                   "can reopen it."))
                        st.button(_("Yes, end it"), key=f"end_{workshop.id}", type="primary",
                                  icon=":material/flag:", on_click=_act,
                                  args=(phases.end, workshop.id))
        collective_data(collective)

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


# --- a collective from another Fabrique; deleted collectives (admin) ---------------------
def _import() -> None:
    uploaded = st.session_state.get("import_collective_file")
    if uploaded is None:
        return
    done = calls.call(transfer.import_collective, defer_error=HOME, data=uploaded.getvalue())
    if done is not None:
        name = render.md(done.name)  # the file's text, shown as typed (st.success is Markdown)
        st.session_state["import_collective_done"] = (
            _("“{name}” was already here: nothing imported.", name=name)
            if done.already_here else _("“{name}” imported: {rows} rows.", name=name,
                                        rows=done.rows))


with st.expander(_("Import a collective from another Fabrique"), icon=":material/upload:"):
    st.file_uploader(_("The collective's file (JSON, from “Download the collective”)"),
                     type=["json"], key="import_collective_file", max_upload_size=200)
    st.button(_("Import"), key="import_collective", on_click=_import, type="primary")
    if "import_collective_done" in st.session_state:
        st.success(st.session_state.pop("import_collective_done"),
                   icon=":material/check_circle:")

if user.is_admin:
    deleted = calls.read(privacy.deleted_collectives)
    if deleted:
        with st.expander(_("Deleted collectives ({n})", n=len(deleted)),
                         icon=":material/restore_from_trash:"):
            for gone in deleted:
                name_col, button_col = st.columns([4, 1])
                name_col.html(render.line(gone.name))
                button_col.button(_("Bring back"), key=f"restore_collective_{gone.id}",
                                  on_click=lambda c=gone.id: calls.call(
                                      privacy.restore_collective, defer_error=HOME,
                                      collective_id=c))
