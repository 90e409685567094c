"""Évaluer: the facilitator prepares the vote (criteria, weights, candidates, mode), opens
and closes it; everyone scores each candidate (1–5, or "je ne sais pas"), or places dots."""

from collections.abc import Callable

import streamlit as st

from core.domain import policy
from core.domain.models import CardKind, Criterion, VoteMode
from core.services import cards, clusters, scoring
from core.services.phases import LiveState
from core.services.scoring import CandidateView
from core.text.i18n import pick
from ui import calls, legacy_guard, live, render, screens, startup
from ui.i18n import _, lang, ngettext
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

DONT_KNOW = "?"

screen = open_workshop_screen(_("Score"))
workshop_id = screen.workshop_id
is_facilitator = screen.facilitates


def finished_line(now: scoring.ScoringBoard) -> str:
    return render.line(_("Finished: {done} / {total}", done=now.finished, total=now.voters),
                       size="1.3rem", bold=True)


def progress_html(state: LiveState) -> str:
    """Who has finished, redrawn live for the facilitator (read again only when a ballot
    moved the board's revision)."""
    key = (state.revision, lang())
    drawn = st.session_state.get("progress_drawn")
    if drawn is None or drawn[0] != key:
        now = calls.read(scoring.scoring_board, workshop_id=workshop_id, lang=lang())
        drawn = (key, finished_line(now))
        st.session_state["progress_drawn"] = drawn
    return drawn[1]


board = calls.read(scoring.scoring_board, workshop_id=workshop_id, lang=lang())
workshop = board.workshop
has_ballot = policy.votes_here(screen.actor, facilitator_votes=workshop.facilitator_votes)
# The vote as this screen shows it, decided by the scoring service (its ballot part is
# read again by the ballot's own fragment at each click).
vote = scoring.vote_view(board, scoring.Ballot({}, {}), has_ballot=has_ballot)
# This run's board is the live line's first drawing: no second read of it.
st.session_state["progress_drawn"] = ((screen.state.revision, lang()), finished_line(board))
live.follow(workshop_id, screen.state, content=progress_html if is_facilitator else None)


def criterion_name(criterion: Criterion) -> str:
    return pick({"fr": criterion.name_fr, "en": criterion.name_en}, lang())


def criterion_question(criterion: Criterion) -> str:
    return pick({"fr": criterion.question_fr, "en": criterion.question_en}, lang())


def _call(service, **kwargs):
    return calls.call(service, defer_error="score", **kwargs)


calls.show_deferred_error("score")
state_col, progress_col = st.columns(2)
state_col.metric(_("Vote"), _(vote.state_label))
if not is_facilitator:  # the facilitator's is live, under the phase bar
    progress_col.metric(_("Finished"), f"{board.finished} / {board.voters}",
                        help=_("Participants who have scored every candidate on every "
                               "criterion (or placed all their dots)."))

# --- the facilitator prepares and runs the vote ---------------------------------------
if is_facilitator:
    templates = startup.templates()
    controls = st.columns(4)
    if vote.next_move == "open":
        # Without criteria yet, the set shown below ("Criteria set") is taken: one click.
        controls[0].button(_("Open the vote"), type="primary", key="open_vote",
                           on_click=lambda: _call(
                               scoring.open_vote, workshop_id=workshop_id,
                               criteria_set=templates.criteria_sets.get(
                                   st.session_state.get("criteria_set", ""),
                                   templates.default_criteria_set)))
    elif vote.next_move == "close":
        controls[0].button(_("Close the vote"), type="primary", key="close_vote",
                           on_click=lambda: _call(scoring.close_vote,
                                                  workshop_id=workshop_id))
    else:
        controls[0].button(_("Reopen the vote"), key="reopen_vote",
                           on_click=lambda: _call(scoring.open_vote,
                                                  workshop_id=workshop_id))
    if not vote.revealed:
        controls[1].button(_("Reveal the results"), key="reveal",
                           on_click=lambda: _call(scoring.reveal_results,
                                                  workshop_id=workshop_id))
    else:
        controls[1].button(_("Hide the results"), key="hide",
                           on_click=lambda: _call(scoring.reveal_results,
                                                  workshop_id=workshop_id, revealed=False))
    with controls[2]:
        screens.RESULTS.link(_("See the results"))

    with st.expander(_("Prepare the vote"), icon=":material/build:",
                     expanded=vote.preparing):
        if board.has_scores:
            st.warning(_("Scores already exist: every change to the criteria is recorded "
                         "and shown with the results."), icon=":material/edit_note:")
        # Criteria set and weights.
        sets = templates.criteria_sets
        set_col, apply_col = st.columns([3, 1])
        chosen_set = set_col.selectbox(
            _("Criteria set"), list(sets), key="criteria_set",
            index=list(sets).index(workshop.criteria_set_key)
            if workshop.criteria_set_key in sets else list(sets).index(
                templates.default_criteria_set.key),
            format_func=lambda k: sets[k].name(lang()))
        apply_col.button(_("Use this set"), key="apply_set", on_click=lambda: _call(
            scoring.apply_criteria_set, workshop_id=workshop_id,
            criteria_set=sets[st.session_state["criteria_set"]]))
        for criterion in board.criteria:
            name_col, weight_col, remove_col = st.columns([4, 2, 1])
            direction = "↓" if criterion.direction < 0 else "↑"
            name_col.html(render.line(f"{direction} {criterion_name(criterion)}", bold=True))
            name_col.caption(render.md(criterion_question(criterion)))
            weight_col.number_input(
                _("Weight"), min_value=0, max_value=10, step=1, value=int(criterion.weight),
                key=f"weight_{criterion.id}",
                on_change=lambda c=criterion.id: _call(
                    scoring.set_weight, criterion_id=c,
                    weight=float(st.session_state[f"weight_{c}"])))
            remove_col.button(":material/delete:", key=f"remove_criterion_{criterion.id}",
                              help=_("Remove this criterion"),
                              on_click=lambda c=criterion.id: _call(
                                  scoring.remove_criterion, criterion_id=c))
        with st.form("add_criterion", clear_on_submit=True):
            st.caption(_("Add a criterion"))
            name_col, weight_col, direction_col = st.columns([4, 1, 2])
            new_name = name_col.text_input(_("Name"), key="new_criterion_name", max_chars=160)
            new_weight = weight_col.number_input(_("Weight"), 0, 10, 1, key="new_criterion_w")
            lower = direction_col.checkbox(_("Lower is better (effort, cost)"),
                                           key="new_criterion_lower")
            if st.form_submit_button(_("Add the criterion")):
                _call(scoring.add_criterion, workshop_id=workshop_id, name=new_name,
                      weight=float(new_weight), direction=-1 if lower else 1)
                st.rerun()

        # Candidates.
        st.divider()
        ideas = calls.read(cards.board, workshop_id=workshop_id, kind=CardKind.IDEA).cards
        groups = (calls.read(clusters.group_board, workshop_id=workshop_id,
                               kind=CardKind.IDEA).groups
                  + calls.read(clusters.group_board, workshop_id=workshop_id,
                                 kind=CardKind.NEED).groups)
        idea_text = {i.id: i.text for i in ideas}
        group_name = {g.id: g.name for g in groups}
        with st.form("candidates"):
            st.caption(_("Which ideas or groups are scored?"))
            picked_ideas = st.multiselect(
                _("Ideas"), list(idea_text), key="candidate_ideas",
                default=[c.card_id for c in board.candidates if c.card_id in idea_text],
                format_func=lambda i: f"#{i} · {idea_text[i]}", placeholder=_("Choose…"))
            picked_groups = st.multiselect(
                _("Groups"), list(group_name), key="candidate_groups",
                default=[c.cluster_id for c in board.candidates if c.cluster_id in group_name],
                format_func=group_name.__getitem__, placeholder=_("Choose…"))
            if st.form_submit_button(_("Save the candidates")) and _call(
                scoring.set_candidates, workshop_id=workshop_id, card_ids=picked_ideas,
                cluster_ids=picked_groups
            ) is not None:
                st.rerun()

        # Vote mode.
        st.divider()
        with st.form("vote_mode"):
            mode = st.radio(_("How people vote"), [VoteMode.SCORES, VoteMode.DOTS],
                            key="vote_mode", horizontal=True,
                            index=0 if workshop.vote_mode == VoteMode.SCORES else 1,
                            format_func=lambda m: _("Scores from 1 to 5 on each criterion")
                            if m == VoteMode.SCORES else _("Dots"))
            dots_col, stack_col = st.columns(2)
            dots = dots_col.number_input(_("Dots per person"), 1, 20,
                                         workshop.dots_per_person, key="dots_per_person")
            stack = stack_col.checkbox(_("Several dots on one candidate"),
                                       value=workshop.dots_stackable, key="dots_stackable")
            joins = st.checkbox(_("I vote too"), value=workshop.facilitator_votes,
                                key="facilitator_votes")
            saved = st.form_submit_button(_("Save the rules"),
                                          disabled=not vote.preparing)
            if saved and _call(scoring.configure_votes, workshop_id=workshop_id,
                               mode=VoteMode(mode), dots_per_person=int(dots),
                               stackable=stack, facilitator_votes=joins) is not None:
                st.rerun()

# --- the ballot -------------------------------------------------------------------------
if not vote.has_ballot:
    st.stop()
st.header(_("My vote"))
if vote.notice is not None:
    st.info(_(vote.notice), icon=":material/how_to_vote:" if vote.ballot_shown
            else ":material/hourglass_top:")
if not vote.ballot_shown:
    st.stop()


def score_changed(candidate_id: int, criterion_id: int, previous: object) -> None:
    key = f"score_{candidate_id}_{criterion_id}"
    chosen = st.session_state.get(key)
    if chosen is None:  # clicking the chosen option again unselects it: keep the score
        st.session_state[key] = previous
        return
    stored = _call(scoring.submit_score, candidate_id=candidate_id, criterion_id=criterion_id,
                   value=None if chosen == DONT_KNOW else int(chosen))
    if stored is None:  # refused (the vote closed, the database busy): show what is stored
        st.session_state[key] = previous


SHOWN_KEY = "ballot_shown"  # what each control of the ballot showed at its last drawing


def settle(key: str, stored: object, submit: Callable[[object], object]) -> bool:
    """Set a control of the ballot to the stored answer before it is drawn — unless the
    browser sent a change of it that no callback handled: a click that reached a run
    without its callback (sent just as the vote closed, the control then drawn disabled;
    or as the phone was taken on to the next phase: ``ui/push.keep_late_actions``). That
    change is sent now, stored or refused out loud — never shown as given and not kept.
    A value stored from another screen of the same person is shown as stored. Returns
    whether a change was sent (the ballot is then drawn again, with its answer)."""
    shown = st.session_state.setdefault(SHOWN_KEY, {})
    incoming = st.session_state.get(key, stored)
    sent = (key in shown and incoming is not None and incoming != shown[key]
            and incoming != stored)
    if sent and submit(incoming) is not None:
        stored = incoming
    st.session_state[key] = shown[key] = stored
    return sent


def candidate_header(candidate: CandidateView) -> None:
    st.html(render.line(candidate.title, size="1.25rem", bold=True))
    if candidate.evidence:
        st.caption(":material/target: " + ngettext("backed by {n} need", "backed by {n} needs",
                                                   candidate.evidence))




# Its own fragment: each click reruns the ballot only, not the page (sixty people score at
# once during this phase).
@st.fragment
def ballot_view() -> None:
    calls.show_deferred_error("score")
    if not is_facilitator and live.screen_for(screen.state) != screens.SCORE:
        # A click sent from this page after the phone was taken on: handled below.
        st.page_link(live.screen_for(screen.state).path, icon=":material/arrow_forward:",
                     label=_("The workshop moved on: go to the current step"))
    ballot = calls.read(scoring.my_ballot, workshop_id=workshop_id)
    mine = scoring.vote_view(board, ballot, has_ballot=has_ballot)
    sent = False
    if not mine.by_dots:
        st.progress(mine.answered / mine.total if mine.total else 0.0,
                    text=_("{done} / {total} answers given", done=mine.answered,
                           total=mine.total))
        options = [1, 2, 3, 4, 5, DONT_KNOW]
        for candidate in board.candidates:
            with st.container(border=True, key=f"candidate-{candidate.id}"):
                candidate_header(candidate)
                for criterion in board.criteria:
                    cell = (candidate.id, criterion.id)
                    previous = (None if cell not in ballot.scores
                                else DONT_KNOW if ballot.scores[cell] is None
                                else ballot.scores[cell])
                    key = f"score_{candidate.id}_{criterion.id}"
                    sent |= settle(key, previous, lambda chosen, c=cell: _call(
                        scoring.submit_score, candidate_id=c[0], criterion_id=c[1],
                        value=None if chosen == DONT_KNOW else int(chosen)))
                    st.segmented_control(
                        render.md(criterion_name(criterion)), options, key=key,
                        disabled=not mine.may_vote,
                        format_func=lambda o: _("I don't know") if o == DONT_KNOW else str(o),
                        help=render.md(criterion_question(criterion)) or None,
                        on_change=score_changed, args=(candidate.id, criterion.id, previous))
    else:
        st.progress((mine.dots_total - mine.dots_left) / mine.dots_total,
                    text=ngettext("{n} dot left", "{n} dots left", mine.dots_left))
        for candidate in board.candidates:
            with st.container(border=True, key=f"candidate-{candidate.id}"):
                title_col, dots_col = st.columns([3, 1])
                with title_col:
                    candidate_header(candidate)
                placed = ballot.dots.get(candidate.id, 0)
                sent |= settle(f"dots_{candidate.id}", placed, lambda dots, c=candidate.id: _call(
                    scoring.set_dots, candidate_id=c, dots=int(dots)))
                dots_col.number_input(
                    _("My dots"), min_value=0, step=1,
                    max_value=max(mine.dot_limit(placed), placed,
                                  st.session_state[f"dots_{candidate.id}"]),
                    key=f"dots_{candidate.id}", disabled=not mine.may_vote,
                    on_change=lambda c=candidate.id: _call(
                        scoring.set_dots, candidate_id=c, dots=int(st.session_state[f"dots_{c}"])))
    if sent:  # its answer (stored, or why not) and the ballot as it now stands
        st.rerun()


ballot_view()
