"""Who may do what, where: the one place Fabrique's rights are written.

A decision takes three things, all plain values (no database here):

- ``Who``: how the actor stands towards the thing acted on — the admin, the facilitator
  who owns the collective, another facilitator, a participant of this workshop (or of
  another one, or removed), a member coming through the collective's link (read, comment,
  edit, revoked), nobody. ``core.services.access`` works it out from the database.
- ``Act``: what they want to do.
- ``Where``: the facts of the moment — the workshop's stage (draft, running, paused,
  ended), the current phase and whether its board is locked, the board written on, the
  vote's state, whether the facilitator votes, whether results are revealed.

Services call ``require`` before acting (so a page cannot forget a rule); pages and ``ui/``
ask ``may`` and the named questions below what to show. ``RULES`` is the table docs/developer.md
prints and the matrix test walks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from core.domain.actors import Actor, CollectiveActor, ParticipantActor, UserActor
from core.domain.models import AccessRole, CardKind, PhaseKind, Role, ScoringState, WorkshopStatus
from core.errors import PermissionDenied
from core.text.i18n import N_


class Who(StrEnum):
    """How an actor stands towards what they act on."""

    ADMIN = "admin"
    OWNER = "owner"  # the facilitator whose collective it is
    OTHER_FACILITATOR = "other_facilitator"
    INACTIVE_ACCOUNT = "inactive_account"
    PARTICIPANT = "participant"  # of this workshop
    PARTICIPANT_ELSEWHERE = "participant_elsewhere"
    REMOVED = "removed"  # a participant the facilitator removed
    LINK_READ = "link_read"  # through the collective's link
    LINK_COMMENT = "link_comment"
    LINK_EDIT = "link_edit"
    LINK_REVOKED = "link_revoked"
    LINK_ELSEWHERE = "link_elsewhere"  # a link of another collective, or another project's
    NOBODY = "nobody"
    # In a "chacun son projet" workshop, towards one porteur's project:
    PORTEUR = "porteur"  # carries it (alone or in a team)
    PARTNER = "partner"  # paired with its porteur for "regards croisés"
    OTHER_PROJECT = "other_project"  # a participant with a project of their own


class Act(StrEnum):
    """What an actor wants to do."""

    SEE = "see"  # a workshop's boards, agenda and live state
    FACILITATE = "facilitate"  # run the phases, edit the agenda and boards, prepare the vote
    WRITE_CARD = "write_card"  # add a card to the board open now, change one's own
    SUPPORT = "support"  # "ça me concerne"
    VOTE = "vote"
    SEE_RESULTS = "see_results"
    READ_CANVAS = "read_canvas"
    COMMENT_CANVAS = "comment_canvas"
    EDIT_CANVAS = "edit_canvas"
    MANAGE_COLLECTIVE = "manage_collective"  # its workshops, canvases, links
    SEE_ACTIONS = "see_actions"  # the next steps
    PROPOSE_ACTION = "propose_action"
    TAKE_ACTION = "take_action"  # "je m'en occupe"
    EDIT_ACTION = "edit_action"  # what, who, when, support, project; delete
    UPDATE_ACTION = "update_action"  # its status and progress note
    MANAGE_PROJECT = "manage_project"  # a porteur's own project: pitch, wishes, links
    ANSWER_DIAGNOSTIC = "answer_diagnostic"  # tick the signs one recognises, privately
    SEE_DIAGNOSTIC = "see_diagnostic"  # the answers together: levels, spread, signs
    RECORD_LEVEL = "record_level"  # a project's agreed level on a gradient, with a note
    CHOOSE_LEVER = "choose_lever"  # a lever of the gradient made a next step of the project


class Stage(StrEnum):
    """Where a workshop is in its life."""

    DRAFT = "draft"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


def stage_of(status: str, paused: bool = False) -> Stage:
    """Return a workshop's stage from its stored status and clock."""
    if status == WorkshopStatus.RUNNING:
        return Stage.PAUSED if paused else Stage.RUNNING
    return Stage(status)


ALWAYS = frozenset(Stage)
LIVE = frozenset({Stage.RUNNING, Stage.PAUSED})
FACILITATORS = (Who.ADMIN, Who.OWNER)
LINKS = (Who.LINK_READ, Who.LINK_COMMENT, Who.LINK_EDIT)
# Who may share a partner's comment, seen by a project's porteurs only, with whoever reads
# the canvas: the project's porteurs, and the facilitator.
SHARE_COMMENTS = (Who.PORTEUR, *FACILITATORS)
# A porteur keeps their own project, canvas and next steps in hand after the workshop too
# (their personal link); a partner reads and comments it while the workshop runs, during
# "regards croisés" only.


def _rows(who: tuple[Who, ...], stages: frozenset[Stage]) -> dict[Who, frozenset[Stage]]:
    return dict.fromkeys(who, stages)


# In which stages of the workshop each kind of actor may do each thing. Anyone not listed
# may not. The facilitator may always write, to tidy up after the session too.
RULES: dict[Act, dict[Who, frozenset[Stage]]] = {
    Act.SEE: _rows((*FACILITATORS, Who.PARTICIPANT), ALWAYS),
    Act.FACILITATE: _rows(FACILITATORS, ALWAYS),
    Act.MANAGE_COLLECTIVE: _rows(FACILITATORS, ALWAYS),
    Act.WRITE_CARD: {**_rows(FACILITATORS, ALWAYS), Who.PARTICIPANT: LIVE},
    Act.SUPPORT: {Who.PARTICIPANT: LIVE},
    Act.VOTE: {**_rows(FACILITATORS, ALWAYS), Who.PARTICIPANT: LIVE},
    Act.SEE_RESULTS: _rows((*FACILITATORS, Who.PARTICIPANT), ALWAYS),
    Act.READ_CANVAS: {**_rows((*FACILITATORS, Who.PARTICIPANT, *LINKS, Who.PORTEUR), ALWAYS),
                      Who.PARTNER: LIVE},
    # After the workshop, its participants read; writing between sessions goes through the
    # collective's links — or, for a porteur's own project, their personal link.
    Act.COMMENT_CANVAS: {**_rows((*FACILITATORS, Who.LINK_COMMENT, Who.LINK_EDIT, Who.PORTEUR),
                                 ALWAYS), Who.PARTICIPANT: LIVE, Who.PARTNER: LIVE},
    Act.EDIT_CANVAS: {**_rows((*FACILITATORS, Who.LINK_EDIT, Who.PORTEUR), ALWAYS),
                      Who.PARTICIPANT: LIVE},
    Act.SEE_ACTIONS: _rows((*FACILITATORS, Who.PARTICIPANT, *LINKS, Who.PORTEUR), ALWAYS),
    Act.PROPOSE_ACTION: {**_rows((*FACILITATORS, Who.PORTEUR), ALWAYS), Who.PARTICIPANT: LIVE},
    Act.TAKE_ACTION: {Who.PARTICIPANT: LIVE},
    Act.EDIT_ACTION: {**_rows((*FACILITATORS, Who.PORTEUR), ALWAYS), Who.PARTICIPANT: LIVE},
    Act.UPDATE_ACTION: {**_rows((*FACILITATORS, Who.PORTEUR), ALWAYS), Who.PARTICIPANT: LIVE,
                        Who.LINK_EDIT: ALWAYS},
    Act.MANAGE_PROJECT: _rows((*FACILITATORS, Who.PORTEUR), ALWAYS),
    Act.ANSWER_DIAGNOSTIC: {Who.PARTICIPANT: LIVE},
    Act.SEE_DIAGNOSTIC: _rows((*FACILITATORS, Who.PARTICIPANT), ALWAYS),
    Act.RECORD_LEVEL: _rows((*FACILITATORS, Who.PORTEUR), ALWAYS),
    Act.CHOOSE_LEVER: _rows((*FACILITATORS, Who.PORTEUR), ALWAYS),
}

ACTION_BOARD = "action"  # the next steps' list, a board of its own

# The board participants write on during each kind of phase.
BOARD_OF_PHASE: dict[PhaseKind, str] = {
    PhaseKind.EXPLORE: CardKind.NEED,
    PhaseKind.IDEAS: CardKind.IDEA,
    PhaseKind.NEXT_STEPS: ACTION_BOARD,
}
ACTION_WRITES = frozenset({Act.PROPOSE_ACTION, Act.TAKE_ACTION, Act.EDIT_ACTION,
                           Act.UPDATE_ACTION})

CANVAS_ACTS = frozenset({Act.READ_CANVAS, Act.COMMENT_CANVAS, Act.EDIT_CANVAS})


@dataclass(frozen=True)
class Where:
    """The facts of the moment a decision depends on (what is not known is left out)."""

    stage: Stage | None = None  # None: not about one workshop's life
    phase: str | None = None  # the current phase's kind
    locked: bool = False  # the facilitator locked the current phase's board
    board: str | None = None  # the kind of card written on
    scoring: str | None = None  # the vote's state
    facilitator_votes: bool = False
    results_revealed: bool = False
    own: bool = False  # the thing acted on is the actor's own (an action proposed or taken)
    answers_revealed: bool = False  # the diagnostic's answers were revealed together


# --- the outsiders' refusals, the same whatever they ask --------------------------------

_OUTSIDER = {
    Who.NOBODY: N_("Only the facilitator can do this."),
    Who.INACTIVE_ACCOUNT: N_("This account is no longer active."),
    Who.OTHER_FACILITATOR: N_("This collective belongs to another facilitator."),
    Who.PARTICIPANT_ELSEWHERE: N_("You can only take part in the workshop you joined."),
    Who.REMOVED: N_("The facilitator removed you from this workshop."),
    Who.LINK_REVOKED: N_("This link was revoked: ask the facilitator for a new one."),
    Who.LINK_ELSEWHERE: N_("Only the facilitator can do this."),
    Who.OTHER_PROJECT: N_("This project is its porteurs' own."),
}
_OUTSIDER_OF_CANVAS = {
    Who.PARTICIPANT_ELSEWHERE: N_("This canvas belongs to another workshop."),
    Who.LINK_ELSEWHERE: N_("This canvas is not one this link opens."),
}


def _not_listed(who: Who, act: Act) -> str:
    """Say why ``who`` may never do ``act``."""
    if act is Act.SUPPORT and who in FACILITATORS:
        return N_("Only participants can say a card concerns them.")
    if who is Who.LINK_READ and act in CANVAS_ACTS:
        return N_("This link lets you read the canvases only.")
    if who is Who.LINK_READ and act in ACTION_WRITES:
        return N_("This link lets you read only.")
    if who is Who.LINK_COMMENT and act in ACTION_WRITES:
        return N_("This link lets you read and comment, not change the next steps.")
    if act is Act.TAKE_ACTION:
        return N_("Only participants can take an action for themselves.")
    if who is Who.LINK_COMMENT and act is Act.EDIT_CANVAS:
        return N_("This link lets you read and comment, not edit.")
    if act is Act.SEE_RESULTS:
        return N_("The results are not revealed yet.")
    if act is Act.ANSWER_DIAGNOSTIC:
        return N_("Only participants answer the diagnostic.")
    return N_("Only the facilitator can do this.")


def _wrong_stage(stage: Stage) -> str:
    if stage is Stage.DRAFT:
        return N_("The workshop has not started yet.")
    return N_("The workshop is over: the boards are read-only.")


def _board_open(who: Who, where: Where) -> str | None:
    if where.phase is None or BOARD_OF_PHASE.get(PhaseKind(where.phase)) != where.board:
        return N_("This board is closed during the current phase.")
    if where.locked:
        return N_("The facilitator locked this board.")
    return None


def _own_action(who: Who, where: Where) -> str | None:
    return None if where.own else N_("You can only change the actions you proposed or took.")


def _vote_open(who: Who, where: Where) -> str | None:
    if where.scoring == ScoringState.SETUP:
        return N_("The vote is not open yet.")
    if where.scoring == ScoringState.CLOSED:
        return N_("The vote is closed: this score was not recorded.")
    if not votes(who, facilitator_votes=where.facilitator_votes):
        return N_("The facilitator does not vote in this workshop.")
    return None


def _results_revealed(who: Who, where: Where) -> str | None:
    return None if where.results_revealed else N_("The results are not revealed yet.")


def _diagnostic_open(who: Who, where: Where) -> str | None:
    if where.phase != PhaseKind.DIAGNOSTIC:
        return N_("The diagnostic is not open during the current phase.")
    if where.answers_revealed:
        return N_("The answers are revealed: yours can no longer change.")
    return None


def _answers_revealed(who: Who, where: Where) -> str | None:
    return None if where.answers_revealed else N_("The answers are not revealed yet.")


def _during_pairs(who: Who, where: Where) -> str | None:
    if where.stage is not None and where.phase != PhaseKind.PAIRS:
        return N_("A partner's project opens during “regards croisés” only.")
    return None


@dataclass(frozen=True)
class Condition:
    """A rule that depends on the moment, beyond the stage: for ``acts`` (every act when
    empty) by ``whom`` (everyone listed in ``RULES`` when empty), ``check`` gives the
    reason for a refusal or None; ``says`` is how the rights table in docs/developer.md words it."""

    acts: frozenset[Act]
    whom: frozenset[Who]
    says: str
    check: Callable[[Who, Where], str | None]

    def applies(self, who: Who, act: Act) -> bool:
        return (not self.acts or act in self.acts) and (not self.whom or who in self.whom)


_PARTICIPANT = frozenset({Who.PARTICIPANT})
# In the order a refusal is worded: the first that refuses says why.
CONDITIONS = (
    Condition(frozenset({Act.WRITE_CARD, Act.SUPPORT, Act.PROPOSE_ACTION, Act.TAKE_ACTION,
                         Act.EDIT_ACTION}), _PARTICIPANT,
              "participants: on the board of the current phase, unlocked", _board_open),
    Condition(frozenset({Act.EDIT_ACTION, Act.UPDATE_ACTION}), _PARTICIPANT,
              "participants: their own (proposed or taken)", _own_action),
    Condition(frozenset({Act.VOTE}), frozenset(),
              "while the vote is open; the facilitator only if they vote", _vote_open),
    Condition(frozenset({Act.SEE_RESULTS}), _PARTICIPANT, "participants: once revealed",
              _results_revealed),
    Condition(frozenset({Act.ANSWER_DIAGNOSTIC}), frozenset(),
              "during a diagnostic phase, until the answers are revealed", _diagnostic_open),
    Condition(frozenset({Act.SEE_DIAGNOSTIC}), _PARTICIPANT,
              "participants: once revealed (counts only, never who said what)",
              _answers_revealed),
    Condition(frozenset(), frozenset({Who.PARTNER}), "partner: during “regards croisés”",
              _during_pairs),
)


def _condition(who: Who, act: Act, where: Where) -> str | None:
    """The first refusal of the conditions that apply to ``who`` doing ``act``."""
    for condition in CONDITIONS:
        if condition.applies(who, act):
            reason = condition.check(who, where)
            if reason is not None:
                return reason
    return None


def decide(who: Who, act: Act, where: Where | None = None) -> str | None:
    """Return None when ``who`` may do ``act`` ``where``, else the reason (a message id)."""
    where = where or Where()
    if who in _OUTSIDER:
        if act in CANVAS_ACTS:
            return _OUTSIDER_OF_CANVAS.get(who, _OUTSIDER[who])
        return _OUTSIDER[who]
    stages = RULES[act].get(who)
    if stages is None:
        return _not_listed(who, act)
    if where.stage is not None and where.stage not in stages:
        return _wrong_stage(where.stage)
    return _condition(who, act, where)


def allowed(who: Who, act: Act, where: Where | None = None) -> bool:
    """Tell whether ``who`` may do ``act`` ``where``."""
    return decide(who, act, where) is None


def require(who: Who, act: Act, where: Where | None = None) -> None:
    """Refuse, with the reason a person can read, what ``who`` may not do ``where``."""
    reason = decide(who, act, where)
    if reason is not None:
        raise PermissionDenied(reason)


def votes(who: Who, *, facilitator_votes: bool) -> bool:
    """Tell whether ``who`` has a ballot: every participant; the facilitator when the
    workshop says so."""
    if who is Who.PARTICIPANT:
        return True
    return who in FACILITATORS and facilitator_votes


# --- for screens: the actor as they present themselves, already let in -----------------


def who_is(actor: Actor | None) -> Who:
    """Return how this run's actor stands towards the workshop or collective their screen
    shows (the services have let them in; they check again on every action)."""
    if isinstance(actor, UserActor):
        return Who.ADMIN if actor.role == Role.ADMIN else Who.OWNER
    if isinstance(actor, ParticipantActor):
        return Who.PARTICIPANT
    if isinstance(actor, CollectiveActor):
        return link_who(actor.role)
    return Who.NOBODY


def link_who(role: str) -> Who:
    """Return the ``Who`` of a collective link with ``role``."""
    return {AccessRole.READ: Who.LINK_READ, AccessRole.COMMENT: Who.LINK_COMMENT,
            AccessRole.EDIT: Who.LINK_EDIT}[AccessRole(role)]


def may(actor: Actor | None, act: Act, where: Where | None = None) -> bool:
    """Tell a screen whether to offer ``act`` to this run's actor."""
    return allowed(who_is(actor), act, where)


def facilitates(actor: Actor | None) -> bool:
    """Tell whether this run's actor runs the workshop (facilitator or admin)."""
    return may(actor, Act.FACILITATE)


def is_participant(actor: Actor | None) -> bool:
    """Tell whether this run's actor takes part in a workshop (no account)."""
    return who_is(actor) is Who.PARTICIPANT


def is_link_member(actor: Actor | None) -> bool:
    """Tell whether this run's actor came through the collective's link."""
    return who_is(actor) in LINKS


def may_write_board(actor: Actor | None, where: Where) -> bool:
    """Tell whether to show the capture form of a board."""
    return may(actor, Act.WRITE_CARD, where)


def votes_here(actor: Actor | None, *, facilitator_votes: bool) -> bool:
    """Tell whether to show a ballot to this run's actor."""
    return votes(who_is(actor), facilitator_votes=facilitator_votes)


# --- the table docs/developer.md prints --------------------------------------------------

_WHO_LABELS = {
    Who.ADMIN: "admin", Who.OWNER: "facilitator (owner)", Who.PARTICIPANT: "participant",
    Who.LINK_READ: "link: read", Who.LINK_COMMENT: "link: comment",
    Who.LINK_EDIT: "link: edit", Who.PORTEUR: "porteur", Who.PARTNER: "partner",
}
def rules_markdown() -> str:
    """Return ``RULES`` as the Markdown table docs/developer.md shows (a test keeps them equal)."""
    who_columns = list(_WHO_LABELS)
    lines = ["| may… | " + " | ".join(_WHO_LABELS[w] for w in who_columns) + " | also |",
             "|---" * (len(who_columns) + 2) + "|"]
    for act, rows in RULES.items():
        cells = []
        for who in who_columns:
            stages = rows.get(who)
            if stages is None:
                cells.append("—")
            elif stages == ALWAYS:
                cells.append("always")
            else:
                cells.append(", ".join(s.value for s in Stage if s in stages))
        also = "; ".join(c.says for c in CONDITIONS
                         if act in c.acts or (not c.acts and set(c.whom) & set(rows)))
        lines.append(f"| {act.value} | " + " | ".join(cells) + f" | {also} |")
    lines.append("")
    lines.append("A porteur acts on their own project only: another project's porteur is "
                 "refused as an outsider.")
    return "\n".join(lines)
