"""Prochaines étapes: who does what by when, with which support, for which project.

In the workshop, participants propose actions and take them ("je m'en occupe") during the
next-steps phase; the facilitator edits any; the list is live on every screen. Between
sessions, the collective's link opens the same list: an edit link updates a status and its
note, and "what changed since" shows the actions and canvases that moved."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import streamlit as st

from core.domain import inputs, policy
from core.domain.models import ActionStatus
from core.services import actions, canvas_links, canvases, participants, relation
from core.services.actions import ActionView
from core.services.synthesis import STATUS_LABELS
from core.text.i18n import N_
from ui import calls, client_keys, downloads, identity, legacy_guard, live, render, startup
from ui import relation as relation_panel
from ui.i18n import _, date_label, lang, moment_label
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

NOBODY, ME, SOMEONE = "", "me", "name"
COLLECTIVE = 0  # the project "the collective as a whole"

actor = identity.require_actor()
templates = startup.templates()
is_member = policy.is_link_member(actor)
is_facilitator = policy.facilitates(actor)
workshop_id: int | None = None
state = None
if is_member:
    st.html(render.BOARD_CSS)
    st.title(_("Next steps"))
else:
    screen = open_workshop_screen(_("Next steps"))
    workshop_id, state = screen.workshop_id, screen.state
form = actions.capture_view(actor, state)  # what the form offers this person now


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


def details(view: ActionView) -> list[str]:
    who = view.who or _("nobody yet")
    when = date_label(view.due_on) if view.due_on else ""
    supports = ", ".join(templates.support_label(s, lang()) for s in view.supports)
    return [f"#{view.id}", ":material/person: " + who,
            (":material/event: " + when) if when else "",
            (":material/handshake: " + supports) if supports else ""]


def list_html(views: list[ActionView]) -> str:
    if not views:
        return render.notice(_("No next step yet. Who does what, by when?"))
    groups: dict[str, list[str]] = {}
    for view in views:
        groups.setdefault(view.project or _("The collective"), []).append(render.action_card(
            view.what, status=view.status, status_label=status_label(view.status),
            details=details(view), note=view.note))
    return "".join(render.action_group(project, cards) for project, cards in groups.items())


def read_views() -> list[ActionView]:
    if is_member:
        return calls.read(actions.collective_actions)
    return calls.read(actions.workshop_actions, workshop_id=workshop_id)


def views_at(revision: int) -> list[ActionView]:
    """The steps as they are at the workshop's ``revision`` (read once per revision)."""
    cached = st.session_state.get("next_steps_views")
    if cached is None or cached[0] != revision:
        cached = (revision, read_views())
        st.session_state["next_steps_views"] = cached
    return cached[1]


def live_list(current: live.LiveState) -> str:
    """The list, redrawn when the workshop's boards change (cached by revision)."""
    key = (current.revision, lang())
    cached = st.session_state.get("next_steps_drawn")
    if cached is None or cached[0] != key:
        cached = (key, list_html(views_at(current.revision)))
        st.session_state["next_steps_drawn"] = cached
    return cached[1]


def project_options() -> dict[int, str]:
    if is_member or workshop_id is None:
        return {COLLECTIVE: _("The collective")}
    found = calls.read(canvases.list_canvases, workshop_id=workshop_id)
    own = {c.id: c.title for c in found if c.id}
    if form.own_project_only and own:
        # "Chacun son projet": a porteur's steps are their own project's.
        return own
    return {COLLECTIVE: _("The collective"), **own}


# --- capture ----------------------------------------------------------------------------


def send_action() -> None:
    """Store the step typed in the form (its "Ajouter" callback); empty the form only once
    it is stored."""
    state_ = st.session_state
    who, sent_key = state_.get("action_who"), client_keys.current("action_key")
    done = calls.call(
        actions.add_action, defer_error="action_capture", workshop_id=workshop_id,
        templates=templates, action_in=inputs.typed(
            inputs.ActionCreate, what=state_.get("action_what", ""), for_me=who == ME,
            who=state_.get("action_name", "") if who == SOMEONE else "",
            who_participant_id=who if isinstance(who, int) else None,
            due_on=state_.get("action_due"), supports=tuple(state_.get("action_supports", [])),
            canvas_id=state_.get("action_project") or None, client_key=sent_key))
    if done is None:
        state_["action_refused"] = state_.get("action_what", "")
        return
    client_keys.used("action_key", sent_key)
    state_["action_what"] = ""
    state_["action_name"] = ""
    state_["action_due"] = None
    state_["action_supports"] = []


def capture() -> None:
    """Write a next step (Enter adds it and keeps the cursor in the field)."""
    if not form.may_propose:
        if form.notice:
            st.info(_(form.notice), icon=":material/lock:")
        return
    projects = project_options()
    people = {} if not form.gives_to_anyone else {
        p.id: p.display_name for p in calls.read(participants.list_participants,
                                                 workshop_id=workshop_id)
        if p.removed_at is None and p.user_id is None and p.id}
    who_options = [NOBODY, *people, SOMEONE] if form.gives_to_anyone else [NOBODY, ME]
    calls.show_deferred_error("action_capture")
    # Emptied once stored, not when pressed (see ``ui/board.py``): a step whose sending
    # failed stays in the form, to send again with the same key.
    with st.form("action_capture", clear_on_submit=False, border=True):
        st.text_input(_("What"), key="action_what", max_chars=500,
                      placeholder=_("An action: meet, write, test…"))
        left, middle, right = st.columns(3)
        left.selectbox(_("Who"), who_options, key="action_who", format_func=lambda o: {
            NOBODY: _("Nobody yet"), ME: _("Me"), SOMEONE: _("Someone else (type the name)")}
            .get(o, people.get(o, "?")))
        if form.gives_to_anyone:
            left.text_input(_("Name (a member of the collective, a partner)"),
                            key="action_name", max_chars=80)
        middle.date_input(_("By when"), value=None, min_value=date.today(),
                          key="action_due", format="DD/MM/YYYY")
        right.selectbox(_("Project"), list(projects), key="action_project",
                        format_func=lambda k: projects[k])
        st.multiselect(_("Support wanted"), list(templates.supports),
                       key="action_supports",
                       format_func=lambda k: templates.support_label(k, lang()),
                       placeholder=_("Choose the support you would like"))
        st.form_submit_button(_("Add"), type="primary", icon=":material/add:", on_click=send_action)
        client_keys.place("action_key")
    refused = st.session_state.pop("action_refused", None)
    if refused:
        st.caption(_("Your text, to copy:"))
        st.code(refused, language=None, wrap_lines=True)
    if policy.is_participant(actor):
        named_choice()


def named_choice() -> None:
    """A participant's own choice: their name on the steps they do, in the synthesis."""
    me = calls.read(participants.own)
    st.checkbox(_("My name may appear in the synthesis"), value=me.named_in_synthesis,
                key="named_in_synthesis",
                help=_("Otherwise the steps you take show “a participant” in what the "
                       "local authority and the funders read."),
                on_change=lambda: calls.call(
                    participants.set_named, named=st.session_state["named_in_synthesis"]))


# --- acting on one action ---------------------------------------------------------------


def controls(views: list[ActionView]) -> None:
    """Take, follow or edit one action, chosen in a list."""
    mine = [v for v in views if v.may_update or v.may_take]
    if not mine:
        return
    by_id = {v.id: v for v in mine}
    st.header(_("Follow an action"))
    calls.show_deferred_error("action_controls")
    chosen = st.selectbox(_("Action"), list(by_id), key="action_chosen", index=None,
                          placeholder=_("Choose an action"),
                          format_func=lambda i: f"#{i} · {by_id[i].what[:80]}")
    if chosen is None:
        return
    view = by_id[chosen]
    # Anyone may take a step nobody does yet, their own proposal included.
    if view.may_take and not view.doing:
        st.button(_("I'll do it"), key=f"take_{view.id}",
                  icon=":material/front_hand:", on_click=calls.call,
                  args=(actions.take_action,),
                  kwargs={"action_id": view.id, "defer_error": "action_controls"})
    if view.may_update:
        with st.form(f"status_{view.id}", border=True):
            statuses = list(ActionStatus)
            status = st.radio(_("Status"), statuses, index=statuses.index(view.status),
                              horizontal=True, key=f"status_value_{view.id}",
                              format_func=status_label)
            note = st.text_input(_("Where it stands (a few words)"), value=view.note,
                                 max_chars=500, key=f"status_note_{view.id}")
            updated = st.form_submit_button(_("Update"), type="primary")
            if updated and calls.call(actions.set_status, defer_error="action_controls",
                                      action_id=view.id, status=status,
                                      note=note) is not None:
                st.rerun()
    if view.may_edit:
        edit(view)
    with st.expander(_("History")):
        for change in calls.read(actions.history, action_id=view.id):
            st.text(f"{moment_label(change.created_at)} · {change.author or '—'} · "
                    f"{_(CHANGES.get(change.change, change.change))} · "
                    f"{status_label(change.status)}"
                    + (f" · {change.note}" if change.note else ""))


CHANGES = {"created": N_("written"), "edited": N_("edited"), "taken": N_("taken"),
           "status": N_("status"), "deleted": N_("deleted"), "restored": N_("restored")}


def edit(view: ActionView) -> None:
    projects = project_options()
    with st.expander(_("Edit this action"), icon=":material/edit:"), st.form(f"edit_{view.id}"):
        what = st.text_input(_("What"), value=view.what, max_chars=500,
                             key=f"edit_what_{view.id}")
        who = st.text_input(_("Who"), value=view.who, max_chars=80, key=f"edit_who_{view.id}")
        due = st.date_input(_("By when"), value=view.due_on, key=f"edit_due_{view.id}",
                            format="DD/MM/YYYY")
        supports = st.multiselect(_("Support wanted"), list(templates.supports),
                                  default=[s for s in view.supports if s in templates.supports],
                                  key=f"edit_supports_{view.id}",
                                  format_func=lambda k: templates.support_label(k, lang()),
                                  placeholder=_("Choose…"))
        keys = list(projects)
        project = st.selectbox(_("Project"), keys, key=f"edit_project_{view.id}",
                               index=keys.index(view.canvas_id or COLLECTIVE)
                               if (view.canvas_id or COLLECTIVE) in keys else 0,
                               format_func=lambda k: projects[k])
        save, delete = st.columns(2)
        if save.form_submit_button(_("Save"), type="primary"):
            same_person = who == view.who and view.who_participant_id is not None
            if calls.call(actions.update_action, defer_error="action_controls",
                          action_id=view.id, templates=templates, action_in=inputs.typed(
                              inputs.ActionUpdate, what=what, who=who,
                              who_participant_id=view.who_participant_id if same_person
                              else None, due_on=due, supports=tuple(supports),
                              canvas_id=project or None)) is not None:
                st.rerun()
        deleted = delete.form_submit_button(_("Delete"), icon=":material/delete:")
        if deleted and calls.call(actions.delete_action, defer_error="action_controls",
                                  action_id=view.id) is not None:
            st.rerun()


def deleted_bin() -> None:
    if not is_facilitator or workshop_id is None:
        return
    gone = calls.read(actions.deleted_actions, workshop_id=workshop_id)
    if not gone:
        return
    with st.expander(_("Deleted actions ({n})", n=len(gone)), icon=":material/delete:"):
        for view in gone:
            text, button = st.columns([4, 1])
            text.text(view.what)
            button.button(_("Restore"), key=f"restore_action_{view.id}", on_click=calls.call,
                          args=(actions.restore_action,),
                          kwargs={"action_id": view.id, "defer_error": "action_controls"})


# --- since the last session ----------------------------------------------------------------


def since_last_session() -> None:
    """What moved since a chosen date: actions (with who changed what), then canvases."""
    if not (is_facilitator or is_member):
        return
    with st.expander(_("What changed since…"), icon=":material/history:"):
        collective_id = None if is_member else screen.workshop.collective_id
        held = calls.read(actions.sessions, collective_id=collective_id)
        choices = [None, *range(len(held))]
        picked = st.selectbox(
            _("Since the workshop"), choices, key="since_workshop",
            format_func=lambda i: _("a date I choose") if i is None
            else f"{held[i][0]} ({date_label(held[i][1])})")
        if picked is None:
            day = st.date_input(_("Since"), value=date.today().replace(day=1),
                                key="since_day", format="DD/MM/YYYY", max_value=date.today())
            since = datetime.combine(day, time.min, tzinfo=UTC)
        else:
            since = held[picked][1]
            since = since if since.tzinfo else since.replace(tzinfo=UTC)
        moved = calls.read(actions.changes_since, collective_id=collective_id, since=since)
        if not moved:
            st.caption(_("No next step changed since then."))
        for view, changes in moved:
            st.html(render.line(view.what, bold=True))
            for change in changes:
                st.text(f"{date_label(change.created_at)} · {change.author or '—'} · "
                        f"{_(CHANGES.get(change.change, change.change))} · "
                        f"{status_label(change.status)}"
                        + (f" · {change.note}" if change.note else ""))
        found = (calls.read(canvas_links.collective_canvases) if is_member else
                 [c for c in calls.read(canvases.list_canvases, workshop_id=workshop_id)])
        for canvas in found:
            changed = calls.read(canvases.changed_since, canvas_id=canvas.id, since=since)
            if changed:
                st.html(render.line(_("Canvas “{title}”: {n} sections changed",
                                      title=canvas.title, n=len(changed)), bold=True))
        gradient = relation_panel.gradient()
        for move in calls.read(relation.moves_since, collective_id=collective_id, since=since):
            st.html(render.line(_(
                "“{title}” with the local authority: {before} → {level}", title=move.title,
                before=relation_panel.level_label(gradient, move.before),
                level=relation_panel.level_label(gradient, move.level)), bold=True,
                icon_name="account_balance"))
            st.text(f"{date_label(move.created_at)} · {move.author or '—'}"
                    + (f" · {move.note}" if move.note else ""))


# --- the page ------------------------------------------------------------------------------

PICKED = "_next_steps_picker"  # what the picker offered when drawn


def picker_offers(views: list[ActionView]) -> tuple:
    """What the "follow an action" picker offers from ``views`` (what it is drawn from)."""
    return tuple((v.id, v.what, v.who, v.mine, v.doing) for v in views)


def follow_new_steps(current: live.LiveState) -> None:
    """A step written, taken or renamed on another screen reaches the picker: the page is
    drawn again when what it would offer changed (not at every change of the board)."""
    drawn = st.session_state.get(PICKED)
    if drawn is not None and drawn != picker_offers(views_at(current.revision)):
        st.rerun(scope="app")

views = read_views()
if is_member:
    st.html(list_html(views))

    @st.fragment
    def member_controls() -> None:
        controls(read_views())

    member_controls()
    since_last_session()
else:
    @st.fragment
    def act() -> None:
        found = read_views()
        st.session_state[PICKED] = picker_offers(found)
        capture()
        controls(found)

    act()
    assert state is not None and workshop_id is not None
    live.follow(workshop_id, state, content=live_list, each_tick=follow_new_steps)
    deleted_bin()
    since_last_session()
    if is_facilitator:
        downloads.sheet_button("actions", workshop_id, _("Download the next steps (CSV)"))
