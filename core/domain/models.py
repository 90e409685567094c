"""SQLModel tables for the whole journey: explore, ideas, groups, scoring, canvases, actions.

Conventions: ``deleted_at`` marks a soft delete (nothing a person typed is removed by a
click); timestamps are aware UTC; enumerations are stored as plain strings guarded by CHECK
constraints, so migrations stay simple on SQLite and PostgreSQL alike, and read back as
their enum (``EnumText``).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Dialect, Index, String, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

CARD_TEXT_MAX = 500
NAME_MAX = 80
TITLE_MAX = 160
CLIENT_KEY_MAX = 40  # a key made by the browser for one write (see Card.client_key)


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite and PostgreSQL may give it back without zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pk(row: SQLModel) -> int:
    """Return the primary key of a row that was flushed (its ``id`` is no longer None)."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return value


class EnumText(TypeDecorator[StrEnum]):
    """A ``StrEnum`` stored as its value in a VARCHAR(20): the schema stays a string (with
    its CHECK constraint), rows read back carry the enum member."""

    impl = String(20)
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


def _enum(enum: type[StrEnum], default: StrEnum | None = None, **kwargs: Any) -> Any:
    """Return the field of a column holding ``enum``."""
    if default is None:
        return Field(sa_type=EnumText(enum), **kwargs)
    return Field(default=default, sa_type=EnumText(enum), **kwargs)


def _check_in(column: str, values: type[StrEnum], name: str) -> CheckConstraint:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name)


class Role(StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"


class AccessRole(StrEnum):
    """What a collective's link lets its members do with their canvases."""

    READ = "read"
    COMMENT = "comment"
    EDIT = "edit"


class CardKind(StrEnum):
    NEED = "need"
    IDEA = "idea"
    RESOURCE = "resource"
    ACTOR = "actor"


class WorkshopStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    ENDED = "ended"


class PhaseKind(StrEnum):
    WELCOME = "welcome"
    ROUND = "round"
    EXPLORE = "explore"
    IDEAS = "ideas"
    GROUP = "group"
    SCORE = "score"
    FORMALISE = "formalise"
    NEXT_STEPS = "next_steps"
    EXCHANGE = "exchange"
    PAIRS = "pairs"  # "regards croisés": each reads and comments a partner's project
    DIAGNOSTIC = "diagnostic"  # where a project stands with its collectivité (a gradient)


class WorkshopMode(StrEnum):
    """How a workshop works: the room's funnel to shared projects, or each participant (or
    team) formalising their own project ("chacun son projet", the incubators' Outille-toi)."""

    COLLECTIVE = "collective"
    PROJECTS = "projects"


class ProjectStage(StrEnum):
    """Where a porteur's project stands, as the incubator follows it."""

    IDEA = "idea"
    TESTING = "testing"
    INCUBATED = "incubated"
    LAUNCHED = "launched"
    PAUSED = "paused"
    STOPPED = "stopped"


class Interest(StrEnum):
    """Whether a porteur is interested in the incubation programme."""

    UNSAID = ""
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class ScoringState(StrEnum):
    SETUP = "setup"
    OPEN = "open"
    CLOSED = "closed"


class VoteMode(StrEnum):
    SCORES = "scores"
    DOTS = "dots"


class ActionStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"
    ABANDONED = "abandoned"


# --- people -------------------------------------------------------------------------


class User(SQLModel, table=True):
    """A facilitator or admin account (password stored as a bcrypt hash)."""

    __tablename__ = "app_user"
    __table_args__ = (_check_in("role", Role, "ck_app_user_role"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=NAME_MAX, unique=True, index=True)
    name: str = Field(max_length=NAME_MAX)
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=200)
    role: Role = _enum(Role, Role.FACILITATOR)
    created_at: datetime = Field(default_factory=utcnow)
    deactivated_at: datetime | None = None


class Collective(SQLModel, table=True):
    """A collective carrying projects for a territory; owns its cards and workshops."""

    __tablename__ = "collective"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=TITLE_MAX)
    territory: str = Field(default="", max_length=TITLE_MAX)
    description: str = Field(default="", max_length=2000)
    # Stable key of a collective loaded from a file (the demo), so loading is idempotent.
    slug: str | None = Field(default=None, max_length=80, unique=True)
    # The same wherever the collective is moved (core/transfer.py): a file imported twice,
    # or into the instance it came from, does not make a second copy.
    uid: str = Field(default_factory=lambda: str(uuid.uuid4()), max_length=36, unique=True,
                     index=True)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    # Days after a workshop ends before its participants' names are anonymised (None: kept).
    retention_days: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    # Soft delete; the rows are purged FABRIQUE_PURGE_AFTER_DAYS later (core/services/privacy).
    deleted_at: datetime | None = None


class Workshop(SQLModel, table=True):
    """One session of a collective, run along an agenda of phases."""

    __tablename__ = "workshop"
    __table_args__ = (
        _check_in("status", WorkshopStatus, "ck_workshop_status"),
        _check_in("vote_mode", VoteMode, "ck_workshop_vote_mode"),
        _check_in("scoring_state", ScoringState, "ck_workshop_scoring_state"),
        _check_in("mode", WorkshopMode, "ck_workshop_mode"),
        CheckConstraint("dots_per_person >= 1", name="ck_workshop_dots"),
    )

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    title: str = Field(max_length=TITLE_MAX)
    format_key: str = Field(default="", max_length=80)
    mode: WorkshopMode = _enum(WorkshopMode, WorkshopMode.COLLECTIVE,
                               sa_column_kwargs={"server_default": WorkshopMode.COLLECTIVE})
    join_code: str = Field(max_length=12, unique=True, index=True)
    status: WorkshopStatus = _enum(WorkshopStatus, WorkshopStatus.DRAFT)
    scheduled_on: date | None = None
    # Phase clock: the timer is derived from these, never from a browser's clock.
    current_phase: int | None = None
    phase_started_at: datetime | None = None
    paused_at: datetime | None = None
    paused_seconds: int = 0
    extra_seconds: int = 0
    # Bumped on every write to this workshop's boards; live views poll it.
    board_revision: int = 0
    # Scoring settings.
    criteria_set_key: str = Field(default="", max_length=80)
    vote_mode: VoteMode = _enum(VoteMode, VoteMode.SCORES)
    dots_per_person: int = 5
    dots_stackable: bool = True
    facilitator_votes: bool = False
    scoring_state: ScoringState = _enum(
        ScoringState, ScoringState.SETUP,
        sa_column_kwargs={"server_default": ScoringState.SETUP})
    results_revealed: bool = False
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None  # when it last ended (retention counts from it)
    deleted_at: datetime | None = None


class AgendaPhase(SQLModel, table=True):
    """One phase of a workshop's agenda, in order."""

    __tablename__ = "agenda_phase"
    __table_args__ = (
        UniqueConstraint("workshop_id", "position", name="uq_agenda_phase_position"),
        _check_in("kind", PhaseKind, "ck_agenda_phase_kind"),
        CheckConstraint("duration_min >= 0", name="ck_agenda_phase_duration"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    position: int
    kind: PhaseKind = _enum(PhaseKind)
    title: str = Field(max_length=TITLE_MAX)
    duration_min: int = 15
    instructions: str = Field(default="", max_length=2000)
    private_writing: bool = False
    locked: bool = False
    # The canvas sections the phase works on (keys, comma-separated): in a "chacun son
    # projet" workshop, everyone's canvas opens on them, and the wall shows their question.
    focus: str = Field(default="", max_length=400)


class Participant(SQLModel, table=True):
    """Someone who joined one workshop by its code, without an account."""

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("workshop_id", "name_key", name="uq_participant_name"),
        UniqueConstraint("workshop_id", "look_key", name="uq_participant_look"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    display_name: str = Field(max_length=NAME_MAX)
    # The name's two keys (core/text/names.py): "Élise", "ELISE" and "ÉIise" are one person.
    name_key: str = Field(max_length=NAME_MAX)
    look_key: str | None = Field(default=None, max_length=NAME_MAX)
    # Secret that brings this participant back (kept in the URL of their browser).
    token: str = Field(max_length=64, unique=True, index=True)
    # The key the join form carried (made in the browser): the same press sent again finds
    # this participant instead of being refused its own name.
    join_key: str | None = Field(default=None, max_length=40, unique=True, index=True)
    # A digest of the browser's own cookie (asgi.py): joining again under this name from
    # the same browser gives this participant back.
    browser_key: str | None = Field(default=None, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None
    # Name replaced by "Participant·e n", token revoked; what they wrote is kept.
    anonymised_at: datetime | None = None
    # Their own choice: "mon nom peut figurer dans la synthèse" (next steps they do are
    # named in an anonymous synthesis).
    named_in_synthesis: bool = False
    # "J'ai une question": raised by the participant, lowered by the facilitator.
    hand_raised_at: datetime | None = None
    # The phase (its position) their phone's live screen last showed, written with their
    # presence: phones still on the last phase after a change say the server is behind.
    on_phase: int | None = None


# --- boards -------------------------------------------------------------------------


class Cluster(SQLModel, table=True):
    """A named group of cards of one kind (needs or ideas)."""

    __tablename__ = "cluster"
    __table_args__ = (_check_in("kind", CardKind, "ck_cluster_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    kind: CardKind = _enum(CardKind, CardKind.NEED)
    name: str = Field(max_length=TITLE_MAX)
    color: str = Field(default="#4c6ef5", max_length=16)
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Card(SQLModel, table=True):
    """A need, idea, resource or actor written on a board."""

    __tablename__ = "card"
    __table_args__ = (
        _check_in("kind", CardKind, "ck_card_kind"),
        CheckConstraint(f"length(text) <= {CARD_TEXT_MAX}", name="ck_card_text_length"),
        Index("ix_card_workshop_kind", "workshop_id", "kind"),
        Index("uq_card_client_key", "client_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    workshop_id: int | None = Field(default=None, foreign_key="workshop.id")
    kind: CardKind = _enum(CardKind, CardKind.NEED)
    text: str
    theme: str = Field(default="", max_length=80)
    source: str = Field(default="", max_length=80)
    author_name: str = Field(default="", max_length=NAME_MAX)
    place: str = Field(default="", max_length=NAME_MAX)
    participant_id: int | None = Field(default=None, foreign_key="participant.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # Typed by the facilitator for someone without a phone.
    on_behalf: bool = False
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id", index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="card.id")
    # False while a phase collects cards privately, until the facilitator reveals them.
    revealed: bool = True
    position: int = 0
    # Made where the card was typed (the phone's browser): the same card sent twice — a
    # double tap, a resend after the server restarted — is stored once (unique).
    client_key: str | None = Field(default=None, max_length=CLIENT_KEY_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class CardSupport(SQLModel, table=True):
    """A participant's "ça me concerne" on a card; withdrawing keeps the row."""

    __tablename__ = "card_support"
    __table_args__ = (
        UniqueConstraint("card_id", "participant_id", name="uq_card_support"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="card.id", index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    withdrawn_at: datetime | None = None


class CardLink(SQLModel, table=True):
    """An idea answering a need."""

    __tablename__ = "card_link"

    idea_id: int = Field(foreign_key="card.id", primary_key=True)
    need_id: int = Field(foreign_key="card.id", primary_key=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


# --- scoring ------------------------------------------------------------------------


class Criterion(SQLModel, table=True):
    """A scoring criterion of a workshop, copied from a criteria set and then adjustable."""

    __tablename__ = "criterion"
    __table_args__ = (
        UniqueConstraint("workshop_id", "key", name="uq_criterion_key"),
        CheckConstraint("direction IN (1, -1)", name="ck_criterion_direction"),
        CheckConstraint("weight >= 0", name="ck_criterion_weight"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    key: str = Field(max_length=80)
    name_fr: str = Field(max_length=TITLE_MAX)
    name_en: str = Field(max_length=TITLE_MAX)
    question_fr: str = Field(default="", max_length=500)
    question_en: str = Field(default="", max_length=500)
    weight: float = 1.0
    # 1: higher is better; -1: lower is better (effort, cost).
    direction: int = 1
    # "impact" or "feasibility": where the criterion counts on the matrix ("" nowhere).
    axis: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    position: int = 0
    deleted_at: datetime | None = None


class CriterionChange(SQLModel, table=True):
    """A change to the criteria made once scores existed: recorded, shown, never silent."""

    __tablename__ = "criterion_change"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # "weight", "added" or "removed"; for a weight, the old and new values.
    change: str = Field(max_length=20)
    old_weight: float | None = None
    new_weight: float | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Candidate(SQLModel, table=True):
    """An idea or a group put up for scoring."""

    __tablename__ = "candidate"
    __table_args__ = (
        CheckConstraint(
            "(card_id IS NULL) <> (cluster_id IS NULL)", name="ck_candidate_one_target"
        ),
        UniqueConstraint("workshop_id", "card_id", name="uq_candidate_card"),
        UniqueConstraint("workshop_id", "cluster_id", name="uq_candidate_cluster"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    card_id: int | None = Field(default=None, foreign_key="card.id")
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    # Chosen to go on to formalisation.
    selected: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Score(SQLModel, table=True):
    """One participant's 1–5 score of a candidate on a criterion; NULL means "je ne sais pas"."""

    __tablename__ = "score"
    __table_args__ = (
        UniqueConstraint("participant_id", "candidate_id", "criterion_id", name="uq_score"),
        CheckConstraint("value IS NULL OR (value BETWEEN 1 AND 5)", name="ck_score_value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Vote(SQLModel, table=True):
    """Dots a participant put on a candidate (dot-voting mode)."""

    __tablename__ = "vote"
    __table_args__ = (
        UniqueConstraint("participant_id", "candidate_id", name="uq_vote"),
        CheckConstraint("dots >= 0", name="ck_vote_dots"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    dots: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


# --- formalisation ------------------------------------------------------------------


class CollectiveAccess(SQLModel, table=True):
    """A link (its code) that opens a collective's canvases to its members between
    sessions, without an account; the facilitator sets what it allows and can revoke it."""

    __tablename__ = "collective_access"
    __table_args__ = (_check_in("role", AccessRole, "ck_collective_access_role"),)

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    code: str = Field(max_length=40, unique=True, index=True)
    role: AccessRole = _enum(AccessRole, AccessRole.EDIT)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    # A porteur's link for a teammate: it opens this one project's canvas, nothing else.
    canvas_id: int | None = Field(default=None, foreign_key="canvas.id")
    made_by_participant_id: int | None = Field(default=None, foreign_key="participant.id")


class Canvas(SQLModel, table=True):
    """A project canvas built from a template; its text lives in revisions."""

    __tablename__ = "canvas"

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    workshop_id: int | None = Field(default=None, foreign_key="workshop.id")
    candidate_id: int | None = Field(default=None, foreign_key="candidate.id")
    template_key: str = Field(max_length=80)
    title: str = Field(max_length=TITLE_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class CanvasRevision(SQLModel, table=True):
    """One saved text of one canvas section. Append-only: never updated, never deleted."""

    __tablename__ = "canvas_revision"
    __table_args__ = (Index("ix_canvas_revision_section", "canvas_id", "section_key", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    canvas_id: int = Field(foreign_key="canvas.id")
    section_key: str = Field(max_length=80)
    text: str = ""
    # The revision the author was editing from; a mismatch with the latest is a conflict.
    base_revision_id: int | None = Field(default=None, foreign_key="canvas_revision.id")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    author_name: str = Field(default="", max_length=NAME_MAX)
    # Set when pre-filled from needs or scores rather than typed.
    prefilled: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    # Where a text sent while typing came from (a browser's own id, made there) and its
    # rank among that browser's sendings for this section: a late, repeated or reordered
    # sending never replaces a newer text the same browser sent.
    writer: str | None = Field(default=None, max_length=40)
    writer_seq: int | None = Field(default=None, sa_type=BigInteger)


class CanvasSending(SQLModel, table=True):
    """The newest rank a browser's sendings of a section's text reached, whether or not
    the text changed anything: a sending ranked at or below it is late."""

    __tablename__ = "canvas_sending"

    canvas_id: int = Field(foreign_key="canvas.id", primary_key=True)
    section_key: str = Field(max_length=80, primary_key=True)
    writer: str = Field(max_length=40, primary_key=True)
    seq: int = Field(sa_type=BigInteger)


class Comment(SQLModel, table=True):
    """A comment (or a reply) on a canvas section."""

    __tablename__ = "comment"
    __table_args__ = (Index("uq_comment_client_key", "client_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    canvas_id: int = Field(foreign_key="canvas.id", index=True)
    section_key: str = Field(max_length=80)
    parent_id: int | None = Field(default=None, foreign_key="comment.id")
    text: str = Field(max_length=2000)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    author_name: str = Field(default="", max_length=NAME_MAX)
    resolved_at: datetime | None = None
    client_key: str | None = Field(default=None, max_length=CLIENT_KEY_MAX)  # as a card's
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
    # A partner's comment during "regards croisés": seen by the project's porteurs, its
    # writer and the facilitator, until a porteur shares it.
    private: bool = False


class Action(SQLModel, table=True):
    """A next step: who does what by when, and which support is wanted."""

    __tablename__ = "action"
    __table_args__ = (_check_in("status", ActionStatus, "ck_action_status"),
                      Index("uq_action_client_key", "client_key", unique=True))

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    workshop_id: int | None = Field(default=None, foreign_key="workshop.id")
    canvas_id: int | None = Field(default=None, foreign_key="canvas.id")
    what: str = Field(max_length=500)
    # Who does it: a participant of the workshop (``who_participant_id``), or a name typed
    # (a collective member, an outside person); empty: nobody yet.
    who: str = Field(default="", max_length=TITLE_MAX)
    who_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    due_on: date | None = None
    # Keys of data/supports.yaml, comma-separated.
    support_wanted: str = Field(default="", max_length=500)
    # Made from a gradient's lever ("gradient:lever"), chosen after a diagnostic.
    lever: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    status: ActionStatus = _enum(ActionStatus, ActionStatus.TODO)
    note: str = Field(default="", max_length=500)  # where it stands, in a few words
    proposed_by_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    created_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    client_key: str | None = Field(default=None, max_length=CLIENT_KEY_MAX)  # as a card's
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class ActionChange(SQLModel, table=True):
    """One change of a next step (created, edited, taken, status, deleted, restored), with
    the status and note after it. Append-only: the history of an action is never lost."""

    __tablename__ = "action_change"
    __table_args__ = (_check_in("status", ActionStatus, "ck_action_change_status"),)

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    change: str = Field(max_length=20)
    status: ActionStatus = _enum(ActionStatus)
    note: str = Field(default="", max_length=500)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    author_name: str = Field(default="", max_length=NAME_MAX)
    created_at: datetime = Field(default_factory=utcnow, index=True)


# --- application --------------------------------------------------------------------


class Attempt(SQLModel, table=True):
    """One try at something that can be guessed (a join code), from one client: counted to
    slow guessing down, on every app server alike."""

    __tablename__ = "attempt"
    __table_args__ = (Index("ix_attempt_lookup", "kind", "subject", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=120)
    failed: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class AppSetting(SQLModel, table=True):
    """A value the application generated for itself (cookie key, first-run setup code)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


# --- "chacun son projet": each porteur's project, and its follow-up -------------------------


class Project(SQLModel, table=True):
    """A porteur's own project in a "chacun son projet" workshop: its canvas, its one-line
    pitch, and what the incubator follows afterwards."""

    __tablename__ = "project"
    __table_args__ = (
        _check_in("stage", ProjectStage, "ck_project_stage"),
        CheckConstraint("interest IN ('', 'yes', 'maybe', 'no')", name="ck_project_interest"),
    )

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    canvas_id: int = Field(foreign_key="canvas.id", unique=True)
    pitch: str = Field(max_length=TITLE_MAX)
    commune: str = Field(default="", max_length=NAME_MAX)
    # Set by the porteur:
    interest: str = Field(default="", max_length=10)  # in the incubation programme
    supports: str = Field(default="", max_length=400)  # the support wanted (keys)
    share_canvas: bool = False  # "partager mon canevas dans la synthèse"
    contact: str = Field(default="", max_length=200)  # typed by the porteur, consented
    contact_consent_at: datetime | None = None
    # "Mettre en avant": the facilitator asks, a porteur agrees on their screen.
    featured: str = Field(default="", max_length=10)  # "", "asked", "agreed", "declined"
    # Kept by the facilitator:
    stage: ProjectStage = _enum(ProjectStage, ProjectStage.IDEA)
    followup_note: str = Field(default="", max_length=2000)
    next_meeting_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class ProjectMember(SQLModel, table=True):
    """A participant who carries a project (one, or a team of two or three)."""

    __tablename__ = "project_member"

    project_id: int = Field(foreign_key="project.id", primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", primary_key=True, index=True)
    joined_at: datetime = Field(default_factory=utcnow)


class ProjectStageChange(SQLModel, table=True):
    """A project's stage moved (append-only): the follow-up's history."""

    __tablename__ = "project_stage_change"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    stage: ProjectStage = _enum(ProjectStage)
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Pairing(SQLModel, table=True):
    """Who reads whose project during a "regards croisés" phase: participants in the same
    group (a pair, or a trio when they are odd) read and comment each other's."""

    __tablename__ = "pairing"
    __table_args__ = (UniqueConstraint("phase_id", "participant_id", name="uq_pairing"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    phase_id: int = Field(foreign_key="agenda_phase.id", index=True)
    participant_id: int = Field(foreign_key="participant.id")
    group_no: int
    created_at: datetime = Field(default_factory=utcnow)


# --- where a project stands with its collectivité: a gradient's diagnostic ----------------


class Diagnostic(SQLModel, table=True):
    """A diagnostic phase's round: participants tick the signs of a gradient they recognise
    for a project, privately, until the facilitator reveals the answers together. In a
    collective workshop it is about one canvas (``canvas_id``); in a "chacun son projet"
    workshop each porteur answers about their own project (``canvas_id`` None)."""

    __tablename__ = "diagnostic"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    phase_id: int = Field(foreign_key="agenda_phase.id", unique=True)
    gradient_key: str = Field(max_length=80)
    canvas_id: int | None = Field(default=None, foreign_key="canvas.id")
    revealed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class DiagnosticAnswer(SQLModel, table=True):
    """One person's answer about one project: the signs ticked, the level proposed from
    them and the level they settled on (changed in place until the reveal, as a score)."""

    __tablename__ = "diagnostic_answer"
    __table_args__ = (UniqueConstraint("diagnostic_id", "participant_id", "canvas_id",
                                       name="uq_diagnostic_answer"),)

    id: int | None = Field(default=None, primary_key=True)
    diagnostic_id: int = Field(foreign_key="diagnostic.id", index=True)
    participant_id: int = Field(foreign_key="participant.id")
    canvas_id: int = Field(foreign_key="canvas.id")
    signs: str = Field(default="", max_length=1000)  # sign keys, comma-separated
    proposed: str = Field(default="", max_length=80)
    level: str = Field(default="", max_length=80)
    updated_at: datetime = Field(default_factory=utcnow)


class RelationLevel(SQLModel, table=True):
    """A project's level on a gradient, as recorded (append-only: its history)."""

    __tablename__ = "relation_level"

    id: int | None = Field(default=None, primary_key=True)
    collective_id: int = Field(foreign_key="collective.id", index=True)
    canvas_id: int = Field(foreign_key="canvas.id", index=True)
    gradient_key: str = Field(max_length=80)
    level: str = Field(max_length=80)
    note: str = Field(default="", max_length=500)
    diagnostic_id: int | None = Field(default=None, foreign_key="diagnostic.id")
    author_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    author_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    author_name: str = Field(default="", max_length=NAME_MAX)
    created_at: datetime = Field(default_factory=utcnow)
