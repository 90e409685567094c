"""What people type, validated once: the input models services take.

In the manner of SQLModel's ``…Create`` / ``…Update`` families: a page builds one from its
form, and every text is cleaned (NFC, no control characters, trimmed) and measured here,
not again in each service. A refusal is the same translated ``InvalidInput`` people saw
before (validators raise it, and pydantic lets it through unchanged); a value of the wrong
type becomes one too (``parse``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, ValidationError
from sqlmodel import SQLModel

from core.domain.models import (
    CARD_TEXT_MAX,
    CLIENT_KEY_MAX,
    NAME_MAX,
    TITLE_MAX,
    CardKind,
    PhaseKind,
)
from core.errors import InvalidInput
from core.text.cleaning import clean_optional, clean_text
from core.text.i18n import N_

PHASE_MINUTES_MAX = 600
INSTRUCTIONS_MAX = 2000


def _card_text(value: str) -> str:
    return clean_text(value, max_length=CARD_TEXT_MAX)


def _short_optional(value: str) -> str:
    return clean_optional(value, max_length=NAME_MAX)


def _title(value: str) -> str:
    return clean_text(value, max_length=TITLE_MAX, multiline=False)


def _instructions(value: str) -> str:
    return clean_optional(value, max_length=INSTRUCTIONS_MAX)


def _minutes(value: int) -> int:
    if not 0 <= value <= PHASE_MINUTES_MAX:
        raise InvalidInput(N_("A phase lasts between 0 and 600 minutes."))
    return value


_CLIENT_KEY = re.compile(rf"^[A-Za-z0-9_-]{{16,{CLIENT_KEY_MAX}}}$")


def _client_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not _CLIENT_KEY.fullmatch(value):
        raise InvalidInput(N_("This form is out of date: reload the page, then send again."))
    return value


CardText = Annotated[str, AfterValidator(_card_text)]
# Made where a card, comment or action was typed (``ui/client_keys.py``): the same write
# sent twice is stored once. None: nothing to recognise it by (a test, the command line).
ClientKey = Annotated[str | None, AfterValidator(_client_key)]
ShortOptional = Annotated[str, AfterValidator(_short_optional)]
Title = Annotated[str, AfterValidator(_title)]
Instructions = Annotated[str, AfterValidator(_instructions)]
Minutes = Annotated[int, AfterValidator(_minutes)]


class CardFields(SQLModel):
    """What a card says, and who said it where (theme and source are checked against the
    templates by the service, which knows them)."""

    text: CardText
    theme: str = ""
    source: str = ""
    author_name: ShortOptional = ""
    place: ShortOptional = ""


class CardCreate(CardFields):
    """A new card on a board (an idea with the needs it answers)."""

    kind: CardKind = CardKind.NEED
    need_ids: tuple[int, ...] = ()
    on_behalf: bool = False  # typed by the facilitator for someone without a phone
    client_key: ClientKey = None


class CardUpdate(CardFields):
    """A card's new text and details (``need_ids`` None: an idea's links unchanged)."""

    need_ids: tuple[int, ...] | None = None


ACTION_TEXT_MAX = 500
NOTE_MAX = 500


def _action_text(value: str) -> str:
    return clean_text(value, max_length=ACTION_TEXT_MAX)


def _note(value: str) -> str:
    return clean_optional(value, max_length=NOTE_MAX)


def _not_past(value: date | None) -> date | None:
    # The laptop's own date: a server's clock in UTC is never ahead of France's.
    if value is not None and value < date.today():
        raise InvalidInput(N_("This date is already past: choose a date from today on."))
    return value


ActionText = Annotated[str, AfterValidator(_action_text)]
Note = Annotated[str, AfterValidator(_note)]


class ActionUpdate(SQLModel):
    """A next step: what, who (a participant of the workshop, or a name: a collective
    member, an outside person; empty: nobody yet), by when, the support wanted (keys of
    ``data/supports.yaml``), the project (a canvas) it belongs to."""

    what: ActionText
    who: ShortOptional = ""
    who_participant_id: int | None = None
    due_on: date | None = None
    supports: tuple[str, ...] = ()
    canvas_id: int | None = None


class ActionCreate(ActionUpdate):
    """A new next step (its date, if any, from today on; ``for_me``: the participant who
    writes it takes it)."""

    due_on: Annotated[date | None, AfterValidator(_not_past)] = None
    for_me: bool = False
    client_key: ClientKey = None


class LeverPick(SQLModel):
    """A gradient's lever made a next step: its key, and what, who, by when (the lever's
    own words when ``what`` is left empty)."""

    lever: str
    what: Note = ""
    who: ShortOptional = ""
    due_on: Annotated[date | None, AfterValidator(_not_past)] = None


class ProgressNote(SQLModel):
    """A short note on where an action stands."""

    note: Note = ""


DESCRIPTION_MAX = 2000
COMMENT_MAX = 2000


def _optional_title(value: str) -> str:
    return clean_optional(value, max_length=TITLE_MAX)


def _description(value: str) -> str:
    return clean_text(value, max_length=DESCRIPTION_MAX) if value.strip() else ""


def _comment(value: str) -> str:
    return clean_text(value, max_length=COMMENT_MAX)


def _colour(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if len(text) != 7 or text[0] != "#" or any(c not in "0123456789abcdef" for c in text[1:]):
        raise InvalidInput(N_("A colour is written #rrggbb."))
    return text


OptionalTitle = Annotated[str, AfterValidator(_optional_title)]
Description = Annotated[str, AfterValidator(_description)]
CommentText = Annotated[str, AfterValidator(_comment)]
Colour = Annotated[str | None, AfterValidator(_colour)]


class CollectiveCreate(SQLModel):
    """A collective: its name, its territory, what it is about."""

    name: Title
    territory: OptionalTitle = ""
    description: Description = ""


class WorkshopCreate(SQLModel):
    """A workshop's title and, if known, its day (its format comes from the templates)."""

    title: Title
    scheduled_on: date | None = None


class GroupUpdate(SQLModel):
    """A group's name and colour (#rrggbb; none: the next of the palette)."""

    name: Title
    color: Colour = None


class GroupCreate(GroupUpdate):
    """A new, empty group of needs or ideas."""

    kind: CardKind = CardKind.IDEA


class CommentCreate(SQLModel):
    """A comment on a canvas section, or a reply to one (``parent_id``)."""

    text: CommentText
    parent_id: int | None = None
    client_key: ClientKey = None


class ProjectUpdate(SQLModel):
    """What a porteur says of their project: its one-line pitch, its commune, whether they
    are interested in the incubation programme, the support they want, and whether their
    canvas may be annexed to the workshop's synthesis."""

    pitch: Title
    commune: ShortOptional = ""
    interest: Literal["", "yes", "maybe", "no"] = ""
    supports: tuple[str, ...] = ()
    share_canvas: bool = False


class FollowUp(SQLModel):
    """What the incubator keeps about a project it follows."""

    stage: Literal["idea", "testing", "incubated", "launched", "paused", "stopped"] = "idea"
    note: Note = ""
    next_meeting_on: date | None = None


class PhaseUpdate(SQLModel):
    """A phase's title, length and instructions."""

    title: Title
    duration_min: Minutes
    instructions: Instructions = ""


class PhaseCreate(PhaseUpdate):
    """A new phase at the end of a workshop's agenda."""

    kind: PhaseKind
    private_writing: bool = False


M = TypeVar("M", bound=SQLModel)


def parse(model: type[M], **data: Any) -> M:
    """Build ``model`` from ``data``; a value of the wrong type is refused as input."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        field = ".".join(str(part) for part in error.errors()[0]["loc"]) or model.__name__
        raise InvalidInput(N_("This value is not valid: {field}."), field=field) from None


@dataclass(frozen=True)
class Typed(Generic[M]):
    """What a form holds, validated only when ``build`` is called: a screen hands it to
    the code that calls the service, where a refusal is shown rather than raised."""

    model: type[M]
    data: dict[str, Any] = field(default_factory=dict)

    def build(self) -> M:
        return parse(self.model, **self.data)


def typed(model: type[M], **data: Any) -> Typed[M]:
    """Return ``model`` to be built from ``data`` where the service is called."""
    return Typed(model, data)
