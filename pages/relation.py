"""Et la collectivité ? Where a project stands with its local authority (the gradient of
``data/gradients/``): each participant ticks, on their phone and privately, the signs they
recognise; Fabrique proposes a level, they may adjust it; the facilitator reveals the
answers together, records the level agreed with a note, and the room picks one to three
levers that become next steps. In a "chacun son projet" workshop, each porteur answers
about their own project and records its level themselves."""

from __future__ import annotations

import streamlit as st

from core.domain import policy
from core.services import relation
from core.services.relation import DiagnosticView
from ui import calls, legacy_guard, live, render, screens, startup
from ui import relation as draw
from ui.i18n import _, date_label, lang
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

templates = startup.templates()
screen = open_workshop_screen(None, css=render.BOARD_CSS, empty_title=_("And the local authority?"))
state = screen.state
gradient = draw.gradient()
st.title(_("And the local authority?"))
FORM = "relation_answer"


def progress(live_state) -> str:
    """How many answered (redrawn live on the facilitator's screen)."""
    found = calls.read(relation.diagnostic, workshop_id=screen.workshop_id, templates=templates)
    if found is None:
        return ""
    return render.line(_("{done} / {total} have answered", done=found.answered,
                         total=found.present), icon_name="how_to_reg", bold=True)


facilitates = policy.facilitates(screen.actor)
view: DiagnosticView | None = calls.read(relation.diagnostic, workshop_id=screen.workshop_id,
                                         templates=templates)


def subject_chosen() -> None:
    """Waiting for the facilitator to choose the project: the page is drawn again then."""
    found = calls.read(relation.diagnostic, workshop_id=screen.workshop_id,
                       templates=templates)
    if found is not None and found.canvas_id is not None:
        st.rerun(scope="app")


def level_agreed(_state) -> None:
    """Revealed: the level the facilitator records, and its levers, shown as they come."""
    found = calls.read(relation.diagnostic, workshop_id=screen.workshop_id,
                       templates=templates)
    if found is not None and view is not None and found.level != view.level:
        st.rerun(scope="app")


waiting = (not facilitates and view is not None and not view.projects
           and view.canvas_id is None)
agreeing = (not facilitates and view is not None and not view.projects and view.revealed)
live.follow(screen.workshop_id, state, content=progress if facilitates else None,
            watch=subject_chosen if waiting else None,
            each_tick=level_agreed if agreeing else None)
if view is None:
    st.info(_("This page opens during the step “and the local authority?”. Where each "
              "project stands is on its canvas, in the partners' section."),
            icon=":material/account_balance:")
    screens.CANVAS.link()
    st.stop()

st.caption(gradient.question(lang()))


def send() -> None:
    signs = [s for s in draw.signs_in_turn(gradient) if st.session_state.get(f"{FORM}_{s}")]
    calls.call(relation.answer, defer_error=FORM, workshop_id=screen.workshop_id,
               signs=signs, level=st.session_state.get(f"{FORM}_level", ""),
               templates=templates)


def answer_form(found: DiagnosticView) -> None:
    """The signs to tick (privately) and the level, proposed from them or adjusted."""
    mine = found.my_answer
    calls.show_deferred_error(FORM)
    with st.form(FORM):
        st.caption(_("Tick the signs you recognise. Nobody sees your answer: only how many "
                     "said each level, once the facilitator reveals them."))
        for key in draw.signs_in_turn(gradient):
            st.checkbox(relation.sign_text(gradient, key, lang()), key=f"{FORM}_{key}",
                        value=bool(mine and key in mine.signs))
        levels = ["", *(level.key for level in gradient.levels)]
        adjusted = mine.level if mine and mine.level != mine.proposed else ""
        st.radio(_("Your level"), levels, index=levels.index(adjusted), key=f"{FORM}_level",
                 format_func=lambda k: draw.level_label(gradient, k) if k
                 else _("the one the signs point to"))
        st.form_submit_button(_("Send") if mine is None else _("Change my answer"),
                              type="primary", icon=":material/send:", on_click=send)


def my_answer(found: DiagnosticView) -> None:
    mine = found.my_answer
    if mine is None:
        return
    st.success(_("The signs you ticked point to “{proposed}”. Your answer: “{level}”.",
                 proposed=draw.level_label(gradient, mine.proposed),
                 level=draw.level_label(gradient, mine.level)), icon=":material/check:")


def project_level(found: DiagnosticView, canvas_id: int) -> None:
    """The level recorded for the project, its path, and (for who may) the form to record
    it and the levers to choose."""
    seen = calls.read(relation.relation, canvas_id=canvas_id, templates=templates)
    if seen.level:
        st.html(render.line(_("Level agreed: {level}", level=draw.level_label(
            gradient, seen.level)) + f" ({date_label(seen.history[-1].created_at)})",
            icon_name="account_balance", size="1.2rem", bold=True))
        if len(seen.path()) > 1:
            st.caption(_("Its path: {path}", path=draw.path_text(gradient, seen)))
        if seen.history[-1].note:
            st.caption(render.md(seen.history[-1].note))
    if seen.may_record:
        # What the room (or the porteur) just said, else where it stood.
        suggested = (found.my_answer.level if found.projects and found.my_answer
                     else found.tally.most_said if found.tally else None)
        record_form(canvas_id, suggested or seen.level)
    level = seen.level
    if level:
        draw.added_notice(canvas_id)
        draw.choose_levers(gradient, seen, level, screen.workshop_id)


def record(canvas_id: int) -> None:
    prefix = f"relation_record_{canvas_id}"
    done = calls.call(relation.record_level, defer_error=prefix, canvas_id=canvas_id,
                      level=st.session_state.get(f"{prefix}_level", ""),
                      note=st.session_state.get(f"{prefix}_note", ""), templates=templates,
                      workshop_id=screen.workshop_id)
    if done is not None:
        st.session_state[f"{prefix}_note"] = ""


def record_form(canvas_id: int, suggested: str | None) -> None:
    prefix = f"relation_record_{canvas_id}"
    calls.show_deferred_error(prefix)
    levels = [level.key for level in gradient.levels]
    with st.form(prefix):
        st.radio(_("The level agreed"), levels, horizontal=True, key=f"{prefix}_level",
                 index=levels.index(suggested) if suggested in levels else 0,
                 format_func=lambda k: draw.level_label(gradient, k))
        st.text_input(_("A note (what makes you say so)"), key=f"{prefix}_note",
                      max_chars=relation.NOTE_MAX)
        st.form_submit_button(_("Record the level"), icon=":material/save:", on_click=record,
                              args=(canvas_id,))


def reveal(revealed: bool) -> None:
    calls.call(relation.reveal, defer_error="relation_reveal", workshop_id=screen.workshop_id,
               revealed=revealed)


def choose_subject() -> None:
    calls.call(relation.set_subject, defer_error="relation_subject",
               workshop_id=screen.workshop_id,
               canvas_id=st.session_state.get("relation_subject"))


if facilitates:
    calls.show_deferred_error("relation_subject")
    calls.show_deferred_error("relation_reveal")
    if not view.projects and view.choices:
        titles = dict(view.choices)
        ids = list(titles)
        if view.answered == 0:
            st.selectbox(_("The project the room answers about"), ids,
                         index=ids.index(view.canvas_id) if view.canvas_id in ids else None,
                         key="relation_subject", format_func=lambda c: titles[c],
                         placeholder=_("Choose a project"), on_change=choose_subject)
        elif view.canvas_id is not None:
            st.header(render.md(view.subject))
    elif not view.projects:
        st.info(_("No canvas yet: start the project's canvas on the “Formalise” page, then "
                  "come back."), icon=":material/description:")
        screens.CANVAS.link()
    if view.revealed:
        st.button(_("Let people answer again"), icon=":material/visibility_off:",
                  on_click=reveal, args=(False,))
    else:
        st.button(_("Reveal the answers"), type="primary", icon=":material/visibility:",
                  on_click=reveal, args=(True,), disabled=view.answered == 0)
    if view.tally is not None and view.revealed:
        draw.tally(gradient, view.tally, view.level)
    elif view.tally is not None and view.answered:
        with st.expander(_("See the answers before revealing them")):
            draw.tally(gradient, view.tally)
    if view.projects:
        st.html(render.heading(_("Each project's level")) + render.table(
            (_("Project"), _("Answers"), _("Level")),
            tuple((p.title, str(p.answered), draw.level_label(gradient, p.level))
                  for p in view.project_levels), ("left", "right", "left")))
    elif view.canvas_id is not None and view.revealed:
        project_level(view, view.canvas_id)
    st.stop()

# --- a participant ----------------------------------------------------------------------------
if not view.projects and view.subject:
    st.header(render.md(view.subject))
if view.may_answer:
    my_answer(view)
    answer_form(view)
elif view.why_not:
    st.info(_(view.why_not), icon=":material/hourglass_top:")
    if view.my_answer is not None:
        my_answer(view)
if view.projects and view.my_canvas_id is not None and view.my_answer is not None:
    # A porteur records where their own project stands, and picks its levers.
    project_level(view, view.my_canvas_id)
elif view.revealed and view.tally is not None:
    draw.tally(gradient, view.tally, view.level)
    if view.earlier is not None and view.level is None:
        st.caption(_("Recorded so far: {level} ({day}).", level=draw.level_label(
            gradient, view.earlier.level), day=date_label(view.earlier.created_at)))
    if view.level:
        st.html(render.line(_("Level agreed: {level}", level=draw.level_label(
            gradient, view.level)), icon_name="account_balance", size="1.2rem", bold=True))
        own, after = relation.levers_for(gradient, view.level)
        st.html(render.heading(_("Levers to move on from “{level}”", level=draw.level_label(
            gradient, view.level))) + "".join(draw.lever_card(lever) for lever in own))
