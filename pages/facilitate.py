"""Animer: lead the workshop — start, pause, move everyone from phase to phase, more time,
reveal private cards, lock a board; edit the agenda; see and manage the participants."""

from datetime import timedelta

import streamlit as st

from core.domain import inputs
from core.domain.models import PhaseKind, utcnow
from core.services import participants, phases, privacy, projects, workshops
from core.text.i18n import N_
from ui import calls, legacy_guard, links, live, render, startup
from ui import projects as project_panel
from ui.i18n import _, ngettext
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

KINDS = {
    PhaseKind.WELCOME: N_("Welcome"), PhaseKind.ROUND: N_("Round of introductions"),
    PhaseKind.EXPLORE: N_("Explore"), PhaseKind.IDEAS: N_("Ideas"),
    PhaseKind.GROUP: N_("Group"), PhaseKind.SCORE: N_("Score"),
    PhaseKind.FORMALISE: N_("Formalise"), PhaseKind.NEXT_STEPS: N_("Next steps"),
    PhaseKind.EXCHANGE: N_("Open discussion"), PhaseKind.PAIRS: N_("Swapping views"),
    PhaseKind.DIAGNOSTIC: N_("And the local authority?"),
}
TABLE_EVERY_SECONDS = 1.0  # a raised hand shows on the table within this (and a query)
ACTIVE_WITHIN = timedelta(seconds=90)

screen = open_workshop_screen(_("Lead the workshop"), facilitator=True)
workshop_id = screen.workshop_id


def _do(service, **kwargs):
    calls.call(service, defer_error="facilitate", workshop_id=workshop_id, **kwargs)


def _act(service, **kwargs):
    calls.call(service, defer_error="facilitate", **kwargs)


workshop, state = screen.workshop, screen.state
st.html(render.line(workshop.title, size="1.2rem", bold=True))
live.follow(workshop_id, state)
calls.show_deferred_error("facilitate")

# --- leading ------------------------------------------------------------------------------
if state.draft:
    st.button(_("Start the workshop"), type="primary",
              icon=":material/play_arrow:", key="start_workshop",
              on_click=_do, args=(phases.start,))
elif state.ended:
    st.button(_("Reopen the workshop"), icon=":material/sync:", key="reopen_workshop", on_click=_do,
              args=(phases.start,))
else:
    back, pause, more, forward = st.columns(4)
    back.button(_("Previous phase"), shortcut="Shift+Left",
                icon=":material/skip_previous:", key="previous_phase", width="stretch",
                disabled=not state.index, on_click=_do, args=(phases.previous_phase,),
                kwargs={"from_index": state.index})
    if state.clock is not None and state.clock.paused:
        pause.button(_("Resume"), shortcut="P",
                     icon=":material/play_arrow:", key="resume", width="stretch", on_click=_do,
                     args=(phases.resume,))
    else:
        pause.button(_("Pause"), shortcut="P",
                     icon=":material/pause:", key="pause", width="stretch", on_click=_do,
                     args=(phases.pause,))
    more.button(_("+5 min"), shortcut="T",
                icon=":material/timer:", key="more_time", width="stretch", on_click=_do,
                args=(phases.add_time,))
    last = state.index is not None and state.index >= state.phases - 1
    forward.button(_("Next phase"), icon=":material/skip_next:", key="next_phase", type="primary",
                   shortcut="Shift+Right", width="stretch", disabled=last, on_click=_do,
                   args=(phases.next_phase,), kwargs={"from_index": state.index})
    st.caption(_("Keys: Shift+→ next phase, Shift+← previous, P pause or resume, "
                 "T five more minutes (not while typing in a field)."))
    live.room_notice(workshop_id)
    if state.phase is not None:
        if state.phase.instructions:
            st.caption(render.md(state.phase.instructions))
        options = st.columns(3)
        if not state.projects:  # boards of cards: the room's funnel only
            options[0].toggle(_("Lock this board"), value=state.phase.locked,
                              key=f"lock_{state.phase.id}",
                              help=_("Participants can no longer add or change cards."),
                              on_change=lambda p=state.phase.id: _act(
                                  phases.set_locked, phase_id=p,
                                  locked=st.session_state[f"lock_{p}"]))
            options[1].button(_("Reveal the hidden cards"),
                              icon=":material/visibility:", key="reveal_cards",
                              help=_("Cards written privately become visible to everyone."),
                              on_click=_do, args=(phases.reveal_cards,))
        # Ending is not undone by a stray click: it asks first.
        with options[2].popover(_("End the workshop"), icon=":material/flag:"):
            st.write(_("Everyone's boards become read-only; the canvases and next steps "
                       "go on through the collective's links. You can reopen it."))
            st.button(_("Yes, end it"), icon=":material/flag:", key="end_workshop",
                      type="primary", on_click=_do, args=(phases.end,))

# --- "chacun son projet": every porteur's project, hands, pairs, the wall -------------------


if state.projects and not state.draft:
    st.fragment(run_every=TABLE_EVERY_SECONDS)(project_panel.accompagnateur_table)(
        workshop_id, lambda service, **kwargs: _act(service, **kwargs))
    everyone = calls.read(projects.board, workshop_id=workshop_id,
                          templates=startup.templates())
    pitches = {r.project.id: r.project.named for r in everyone}
    if state.pairing:
        project_panel.pairs_panel(workshop_id, pitches, _do)
    if state.focus and pitches:
        with st.expander(_("Put a project forward on the wall"), icon=":material/co_present:"):
            st.caption(_("Its porteurs are asked on their screen; the wall shows its "
                         "sections of this step only if they agree."))
            asked = next((r.project for r in everyone if r.project.featured), None)
            if asked is not None:
                st.caption(_("{pitch}: {answer}", pitch=render.md(asked.pitch), answer={
                    "asked": _("waiting for its porteurs' answer"),
                    "agreed": _("shown on the wall"),
                    "declined": _("its porteurs declined")}.get(asked.featured, "")))
            left, right = st.columns(2)
            left.selectbox(_("Project"), list(pitches), key="feature_project",
                           format_func=pitches.__getitem__)
            left.button(_("Ask to show it"), key="feature_ask", on_click=lambda: _act(
                projects.ask_feature, project_id=st.session_state["feature_project"]))
            right.button(_("Back to the step's question"), key="feature_stop",
                         on_click=_do, args=(projects.stop_feature,))

# --- joining and the projector ------------------------------------------------------------
link = links.join_link(workshop.join_code)
if links.only_this_computer():
    st.warning(_("Fabrique listens on this computer only: phones cannot open this address "
                 "nor its QR code. Start it with `make run` (every network interface) or set "
                 "FABRIQUE_PUBLIC_URL."), icon=":material/wifi_off:")
with st.container(border=True):
    info, code = st.columns([3, 1])
    info.html(render.join_block(link, workshop.join_code, _("To join:")))
    code.html(render.qr(link, size=150))
    st.link_button(_("Open the projector view"), links.projector_link(workshop_id),
                   icon=":material/co_present:",
                   help=_("Opens in a new tab: drag it to the projector screen."))
    if not links.wall_answers():
        st.warning(_("The projector's server does not answer: it is being started again. "
                     "Reload the projector's tab in a few seconds."),
                   icon=":material/sync_problem:")

# --- participants -------------------------------------------------------------------------
people = calls.read(participants.list_participants, workshop_id=workshop_id)
present = [p for p in people if p.removed_at is None]
now_time = utcnow()
active = [p for p in present if now_time - p.last_seen_at <= ACTIVE_WITHIN]
st.header(ngettext("Participants ({active} active of {total})",
                   "Participants ({active} active of {total})", len(active), active=len(active),
                   total=len(present)))
if not present:
    st.info(_("Nobody has joined yet. Show the code or the QR code."), icon=":material/front_hand:")
for person in present:
    name_col, status_col, action_col = st.columns([3, 1, 2])
    name_col.html(render.line(person.display_name))
    status_col.caption(":material/circle: " + _("active") if person in active
                       else ":material/radio_button_unchecked: " + _("away"))
    with action_col.popover(_("Rename or remove"), width="stretch"):
        new_name = st.text_input(_("Name"), value=person.display_name, max_chars=40,
                                 key=f"rename_{person.id}")
        st.button(_("Rename"), key=f"rename_button_{person.id}",
                  on_click=lambda p=person.id: _act(
                      participants.rename_participant, participant_id=p,
                      display_name=st.session_state[f"rename_{p}"]))
        with st.expander(_("Personal link (lost phone, new device)")):
            st.caption(_("Show it to this person only: whoever opens it takes part as "
                         "them."))
            personal = links.personal_link(person.token)
            st.code(personal, language=None, wrap_lines=True)
            st.html(render.qr(personal, size=180))
        st.button(_("Remove from the workshop"), key=f"remove_{person.id}",
                  help=_("Their cards stay; they can no longer take part."),
                  on_click=lambda p=person.id: _act(participants.remove_participant,
                                                    participant_id=p))
        sure = st.checkbox(_("Anonymise: their name becomes a number everywhere and their "
                             "link stops working; what they wrote stays. It cannot be "
                             "undone."), key=f"anonymise_sure_{person.id}")
        st.button(_("Anonymise"), key=f"anonymise_{person.id}", icon=":material/person_off:",
                  disabled=not sure, on_click=lambda p=person.id: _act(
                      privacy.anonymise_participant, participant_id=p))

# --- the agenda ---------------------------------------------------------------------------
st.header(_("Agenda"))
rows = calls.read(workshops.agenda, workshop_id=workshop_id)
total = sum(p.duration_min for p in rows)
st.caption(_("{count} phases, {minutes} minutes in all", count=len(rows), minutes=total))
for phase in rows:
    now = phase.position == state.index and state.running
    title = f"{phase.position + 1}. {phase.title} · {phase.duration_min} min"
    with st.expander(render.md(title), expanded=False, key=f"phase_open_{phase.id}",
                     on_change="rerun", icon=":material/play_arrow:" if now else None):
        with st.form(f"phase_form_{phase.id}", border=False):
            name = st.text_input(_("Title"), value=phase.title, max_chars=160,
                                 key=f"phase_title_{phase.id}")
            minutes = st.number_input(_("Duration (minutes)"), 0, 600, phase.duration_min,
                                      key=f"phase_minutes_{phase.id}")
            text = st.text_area(_("Instructions for participants"), value=phase.instructions,
                                key=f"phase_instructions_{phase.id}", max_chars=2000)
            if st.form_submit_button(_("Save")):
                _act(phases.update_phase, phase_id=phase.id, phase_in=inputs.typed(
                    inputs.PhaseUpdate, title=name, duration_min=int(minutes),
                    instructions=text))
                st.rerun()
        up, down, remove = st.columns(3)
        up.button(_("Move up"), icon=":material/arrow_upward:", key=f"phase_up_{phase.id}",
                  disabled=phase.position == 0,
                  on_click=lambda p=phase.id: _act(phases.move_phase, phase_id=p, offset=-1))
        down.button(_("Move down"), icon=":material/arrow_downward:", key=f"phase_down_{phase.id}",
                    disabled=phase.position == len(rows) - 1,
                    on_click=lambda p=phase.id: _act(phases.move_phase, phase_id=p, offset=1))
        remove.button(_("Remove"), icon=":material/delete:", key=f"phase_remove_{phase.id}",
                      disabled=now, on_click=lambda p=phase.id: _act(phases.remove_phase,
                                                                     phase_id=p))
# Keyed: it stays open while several phases are added in a row.
with st.expander(_("Add a phase"), icon=":material/add:", key="add_phase_open",
                 on_change="rerun"), st.form(
        "add_phase", clear_on_submit=True, border=False):
    kind = st.selectbox(_("Kind"), list(KINDS), format_func=lambda k: _(KINDS[k]),
                        key="new_phase_kind")
    name = st.text_input(_("Title"), key="new_phase_title", max_chars=160)
    minutes = st.number_input(_("Duration (minutes)"), 0, 600, 15, key="new_phase_minutes")
    text = st.text_area(_("Instructions for participants"), key="new_phase_instructions")
    private = st.checkbox(_("Participants write privately, then you reveal"),
                          key="new_phase_private")
    if st.form_submit_button(_("Add the phase"), type="primary"):
        _act(phases.add_phase, workshop_id=workshop_id, phase_in=inputs.typed(
            inputs.PhaseCreate, kind=PhaseKind(kind), title=name, duration_min=int(minutes),
            instructions=text, private_writing=private))
        st.rerun()
