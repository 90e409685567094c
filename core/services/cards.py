"""Cards on a workshop's boards (needs on Explorer, ideas on Idées): add, edit, delete
with undo, "ça me concerne", and the board as one reader sees it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import Row
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from core.domain import policy
from core.domain.actors import Actor, ParticipantActor, UserActor
from core.domain.inputs import CardCreate, CardUpdate
from core.domain.models import (
    Card,
    CardKind,
    CardLink,
    CardSupport,
    Participant,
    Workshop,
    pk,
    utcnow,
)
from core.domain.policy import Act
from core.domain.templates import Templates
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services.access import (
    check_can_see_live,
    workshop_for,
    workshop_for_writing,
)
from core.services.live_cache import Memo, PerRevision, bump_board_revision
from core.services.once import insert_once
from core.services.phases import live_state, writes_privately
from core.text.i18n import N_


@dataclass(slots=True)
class CardView:
    """A card as one reader sees it (slots, not frozen: a live board builds thousands)."""

    id: int
    kind: str
    text: str
    theme: str
    source: str
    author_name: str
    place: str
    writer_name: str
    on_behalf: bool
    support_count: int
    supported_by_me: bool
    can_edit: bool
    created_at: datetime
    deleted_at: datetime | None
    cluster_id: int | None = None
    position: int = 0
    # For an idea, the needs it answers; for a need, the ideas answering it.
    links: tuple[int, ...] = ()
    # Texts of the duplicates merged into this card (kept, shown with it).
    merged_texts: tuple[str, ...] = ()
    merged_ids: tuple[int, ...] = ()
    # False while written privately and not yet revealed (seen by its writer only).
    revealed: bool = True


@dataclass(frozen=True)
class Board:
    """The cards of one kind on a workshop's board, with the revision they were read at."""

    workshop: Workshop
    kind: str
    cards: list[CardView]
    deleted: list[CardView]
    revision: int

    def by_theme(self) -> dict[str, list[CardView]]:
        """Group the cards by theme, in order of first appearance."""
        groups: dict[str, list[CardView]] = {}
        for card in self.cards:
            groups.setdefault(card.theme, []).append(card)
        return groups


def _check_theme(value: str, templates: Templates) -> str:
    value = (value or "").strip()
    if value and value not in templates.themes:
        raise InvalidInput(N_("Unknown theme: {value}."), value=value)
    return value


def _check_source(value: str, templates: Templates) -> str:
    value = (value or "").strip()
    if value and value not in templates.sources:
        raise InvalidInput(N_("Unknown source: {value}."), value=value)
    return value


def _can_edit(actor: Actor, card: Card | Row) -> bool:
    if isinstance(actor, UserActor):
        return True  # access checks already limited the actor to their own workshops
    if isinstance(actor, ParticipantActor):
        return card.participant_id == actor.participant_id
    return False


def _card_for_change(session: Session, actor: Actor, card_id: int) -> tuple[Card, Workshop]:
    card = session.get(Card, card_id)
    if card is None or card.workshop_id is None:
        raise NotFound(N_("This card does not exist."))
    workshop = workshop_for_writing(session, actor, card.workshop_id, card.kind)
    if not _can_edit(actor, card):
        raise PermissionDenied(N_("You can only change the cards you wrote."))
    return card, workshop


def add_card(*, session: Session, actor: Actor, workshop_id: int, card_in: CardCreate,
             templates: Templates) -> Card:
    """Add a card to a workshop's board (an idea with the needs it answers).

    ``card_in.on_behalf``: the facilitator types it for someone without a phone, named in
    ``author_name``; the card says so.
    """
    workshop = workshop_for_writing(session, actor, workshop_id, card_in.kind)
    if card_in.on_behalf and not policy.facilitates(actor):
        raise PermissionDenied(N_("Only the facilitator can do this."))
    card = Card(
        collective_id=workshop.collective_id,
        workshop_id=workshop.id,
        kind=card_in.kind,
        text=card_in.text,
        theme=_check_theme(card_in.theme, templates),
        source=_check_source(card_in.source, templates),
        author_name=card_in.author_name,
        place=card_in.place,
        revealed=not writes_privately(session, actor, workshop),
        on_behalf=card_in.on_behalf,
    )
    if isinstance(actor, ParticipantActor):
        card.participant_id = actor.participant_id
    elif isinstance(actor, UserActor):
        card.user_id = actor.user_id
    card.client_key = card_in.client_key
    card, new = insert_once(session, card, same_author=lambda stored: (
        stored.participant_id, stored.user_id) == (card.participant_id, card.user_id),
        content=lambda row: row.text)
    if not new:
        return card  # sent twice: stored the first time
    if card_in.need_ids:
        _apply_links(session, card, card_in.need_ids)
    revision = bump_board_revision(session, workshop_id)
    session.commit()
    if not card_in.need_ids:
        _extend_snapshot(session, workshop_id, card, revision,
                         actor.name if isinstance(actor, ParticipantActor) else None)
    return card


def update_card(*, session: Session, actor: Actor, card_id: int, card_in: CardUpdate,
                templates: Templates) -> Card:
    """Change a card's text, theme, source, author or place (and an idea's needs)."""
    card, workshop = _card_for_change(session, actor, card_id)
    if card.deleted_at is not None:
        raise InvalidInput(N_("This card was deleted: restore it first."))
    card.text = card_in.text
    card.theme = _check_theme(card_in.theme, templates)
    card.source = _check_source(card_in.source, templates)
    card.author_name = card_in.author_name
    card.place = card_in.place
    card.updated_at = utcnow()
    if card_in.need_ids is not None:
        _apply_links(session, card, card_in.need_ids)
    bump_board_revision(session, pk(workshop))
    session.commit()
    return card


def delete_card(*, session: Session, actor: Actor, card_id: int) -> Card:
    """Delete a card softly: it leaves the board and can be restored."""
    card, workshop = _card_for_change(session, actor, card_id)
    if card.deleted_at is None:
        card.deleted_at = utcnow()
        bump_board_revision(session, pk(workshop))
        session.commit()
    return card


def restore_card(*, session: Session, actor: Actor, card_id: int) -> Card:
    """Bring a deleted card back onto its board."""
    card, workshop = _card_for_change(session, actor, card_id)
    if card.deleted_at is not None:
        card.deleted_at = None
        card.updated_at = utcnow()
        bump_board_revision(session, pk(workshop))
        session.commit()
    return card


def toggle_support(*, session: Session, actor: Actor, card_id: int) -> bool:
    """Say "ça me concerne" on a card, or take it back. Return whether it is now given."""
    card = session.get(Card, card_id)
    if card is None or card.workshop_id is None or card.deleted_at is not None:
        raise NotFound(N_("This card does not exist."))
    workshop_for_writing(session, actor, card.workshop_id, card.kind, Act.SUPPORT)
    assert isinstance(actor, ParticipantActor)  # the policy lets only participants say so
    support = session.exec(
        select(CardSupport).where(CardSupport.card_id == card_id,
                                  CardSupport.participant_id == actor.participant_id)
    ).first()
    if support is None:
        support = CardSupport(card_id=card_id, participant_id=actor.participant_id)
        session.add(support)
        given = True
    else:
        given = support.withdrawn_at is not None
        support.withdrawn_at = None if given else utcnow()
    bump_board_revision(session, card.workshop_id)
    session.commit()
    return given


def board_revision(*, session: Session, actor: Actor, workshop_id: int) -> int:
    """Return the workshop's board revision (cheap: live views poll it)."""
    return workshop_for(session, actor, workshop_id).board_revision


@dataclass
class _Snapshot:
    """What every reader of one board revision shares (personal marks come after)."""

    rows: list[Any]
    supporters: dict[int, set[int]]
    links: dict[int, tuple[int, ...]]
    merged: dict[int, list[tuple[int, str]]]
    # The revealed cards as public cards, built by the first live reader.
    public: tuple[PublicCard, ...] | None = None
    # Each reader's own marks (supported, mine, hidden), by participant (None: a
    # facilitator): a phone polls the same revision every second.
    personal: dict[int | None, tuple] = field(default_factory=dict)


_snapshots: PerRevision[_Snapshot] = PerRevision()


def _read_snapshot(session: Session, workshop_id: int, kind: CardKind) -> _Snapshot:
    value = kind.value
    # Plain columns, not ORM objects: a live board is read on every change.
    rows: list[Any] = list(session.execute(  # Rows: attribute access by column name
        sa_select(*(col(c) for c in (
            Card.id, Card.kind, Card.text, Card.theme, Card.source, Card.author_name,
            Card.place, Card.participant_id, Card.on_behalf, Card.cluster_id, Card.position,
            Card.revealed, Card.created_at, Card.deleted_at, Participant.display_name)))
        .outerjoin(Participant, col(Card.participant_id) == col(Participant.id))
        .where(col(Card.workshop_id) == workshop_id, col(Card.kind) == value,
               col(Card.merged_into_id).is_(None))
        .order_by(col(Card.created_at), col(Card.id))
    ).all())
    if not rows:
        return _Snapshot(rows, {}, {}, {})
    on_board = (select(Card.id).where(col(Card.workshop_id) == workshop_id,
                                      col(Card.kind) == value).scalar_subquery())
    supporters: dict[int, set[int]] = {}
    for card_id, participant_id in session.exec(
        select(CardSupport.card_id, CardSupport.participant_id)
        .where(col(CardSupport.card_id).in_(on_board), col(CardSupport.withdrawn_at).is_(None))
    ):
        supporters.setdefault(card_id, set()).add(participant_id)
    merged: dict[int, list[tuple[int, str]]] = {}
    for child_id, parent, text in session.exec(
        select(Card.id, Card.merged_into_id, Card.text)
        .where(Card.workshop_id == workshop_id, col(Card.merged_into_id).is_not(None),
               col(Card.deleted_at).is_(None))
        .order_by(col(Card.id))
    ):
        if parent is not None and child_id is not None:
            merged.setdefault(parent, []).append((child_id, text))
    return _Snapshot(rows, supporters, _links_of(session, on_board, kind), merged)


class _NewRow(NamedTuple):
    """A card just added, as ``_read_snapshot`` reads a card (same names, same order)."""

    id: int
    kind: CardKind
    text: str
    theme: str
    source: str
    author_name: str
    place: str
    participant_id: int | None
    on_behalf: bool
    cluster_id: int | None
    position: int
    revealed: bool
    created_at: datetime
    deleted_at: datetime | None
    display_name: str | None


def _extend_snapshot(session: Session, workshop_id: int, card: Card, revision: int,
                     writer: str | None) -> None:
    """Keep the board's snapshot at ``revision`` if this server has the one before it: the
    same cards and this new one (the only change between the two revisions), instead of
    the next reader reading the whole board again — 30 cards a second in a room of 300."""
    kind = CardKind(card.kind)
    before = _snapshots.peek(_snapshot_key(session, workshop_id, kind, revision - 1))
    if before is None or not before.rows or before.rows[-1].id >= pk(card):
        return  # not kept, or already holding newer cards (read after the revision)
    row = _NewRow(pk(card), kind, card.text, card.theme, card.source, card.author_name,
                  card.place, card.participant_id, card.on_behalf, card.cluster_id,
                  card.position, card.revealed, card.created_at, card.deleted_at, writer)
    after = _Snapshot([*before.rows, row], before.supporters, before.links, before.merged)
    if before.public is not None:  # the public board too, if built: one card more
        after.public = before.public + ((_public(row, after),) if row.revealed else ())
    _snapshots.get(_snapshot_key(session, workshop_id, kind, revision), lambda: after)


def _snapshot_key(session: Session, workshop_id: int, kind: CardKind,
                  revision: int | None) -> tuple:
    return (str(session.get_bind().engine.url), workshop_id, kind.value, revision)


def _snapshot(session: Session, workshop: Workshop, kind: CardKind) -> _Snapshot:
    """Return the board's shared snapshot at the workshop's revision (read once per
    revision and process, whoever asks: a room of sixty reads it once, not sixty times).

    The revision was read in this transaction before the cards, so a snapshot is never
    older than its key.
    """
    key = _snapshot_key(session, pk(workshop), kind, workshop.board_revision)
    return _snapshots.get(key, lambda: _read_snapshot(session, pk(workshop), kind))


@dataclass(frozen=True)
class PublicCard:
    """A revealed card as everyone sees it (nothing personal in it)."""

    id: int
    theme: str
    text: str
    source: str
    author_name: str
    writer_name: str
    place: str
    support_count: int
    on_behalf: bool
    links: tuple[int, ...]
    merged_texts: tuple[str, ...]


@dataclass(frozen=True)
class LiveBoard:
    """A board for live screens: the public cards (the same for every reader of this
    revision), and what is personal to this reader."""

    revision: int
    cards: tuple[PublicCard, ...]
    supported: frozenset[int]
    mine: frozenset[int]
    hidden: tuple[PublicCard, ...]  # written privately, shown to their writer or facilitator


# A card as readers see it, kept from one revision to the next: a room adding 30 cards a
# second rebuilds its board 30 times a second, and all but one card are unchanged. Keyed
# by the card's row and whatever else the view is made of.
_public_cards: Memo[PublicCard] = Memo()
_card_views: Memo[CardView] = Memo()


def _public(card: Any, snapshot: _Snapshot) -> PublicCard:
    card_id = card.id
    count = len(snapshot.supporters[card_id]) if card_id in snapshot.supporters else 0
    links = snapshot.links.get(card_id, ())
    merged = (tuple(text for _, text in snapshot.merged[card_id])
              if card_id in snapshot.merged else ())
    return _public_cards.get((card, count, links, merged), lambda: PublicCard(
        card_id, card.theme, card.text, card.source, card.author_name,
        card.display_name or "", card.place, count, card.on_behalf, links, merged))


def live_board(*, session: Session, actor: Actor, workshop_id: int,
               kind: CardKind = CardKind.NEED, revision: int | None = None) -> LiveBoard:
    """Return the board for a live screen: shared public cards, personal marks apart.

    Given the ``revision`` a live screen just read, a snapshot already in memory costs
    only the access check.
    """
    snapshot, current = _live_snapshot(session, actor, workshop_id, CardKind(kind), revision)
    me = actor.participant_id if isinstance(actor, ParticipantActor) else None
    # Two threads may both build these; the results are equal, so no lock is needed.
    marks = snapshot.personal.get(me)
    if marks is None or snapshot.public is None:
        live = [r for r in snapshot.rows if r.deleted_at is None]
        if snapshot.public is None:
            snapshot.public = tuple(_public(r, snapshot) for r in live if r.revealed)
        marks = snapshot.personal[me] = (
            frozenset(r.id for r in live if me in snapshot.supporters.get(r.id, ())),
            frozenset(r.id for r in live if me is not None and r.participant_id == me),
            tuple(_public(r, snapshot) for r in live
                  if not r.revealed and (me is None or r.participant_id == me)))
    supported, mine, hidden = marks
    return LiveBoard(current or 0, snapshot.public, supported, mine, hidden)


def _live_snapshot(session: Session, actor: Actor, workshop_id: int, kind: CardKind,
                   revision: int | None) -> tuple[_Snapshot, int]:
    """Return the snapshot at ``revision`` if this server keeps it (only the access check
    is read), else the current one; with its revision."""
    cached = (_snapshots.peek(_snapshot_key(session, workshop_id, kind, revision))
              if revision is not None else None)
    if cached is not None and revision is not None:
        check_can_see_live(session, actor, workshop_id)
        return cached, revision
    workshop = workshop_for(session, actor, workshop_id)
    return _snapshot(session, workshop, kind), workshop.board_revision


@dataclass(frozen=True)
class OwnBoard:
    """A participant's board as their controls need it: everyone's revealed cards (the
    public ones, shared by every reader of the revision), the ones this person backs, and
    their own cards — to edit, or, deleted, to restore (the newest deletion first)."""

    revision: int
    cards: tuple[PublicCard, ...]
    supported: frozenset[int]
    own: tuple[CardView, ...]
    deleted: tuple[CardView, ...]


def own_board(*, session: Session, actor: Actor, workshop_id: int,
              kind: CardKind = CardKind.NEED, revision: int | None = None) -> OwnBoard:
    """Return the board as a participant acts on it: what ``board`` gives a participant,
    without a view built per card (a phone's controls are drawn after each of its actions,
    15 a second in a room of 300). At ``revision`` if given, else at the workshop's
    revision as this server remembers it (``live_state``: this server's own writes at
    once, others' within a fraction of a second); a snapshot this server keeps then costs
    only the access check."""
    if not isinstance(actor, ParticipantActor):
        raise PermissionDenied(N_("Only participants can do this."))
    if revision is None:
        revision = live_state(session=session, actor=actor, workshop_id=workshop_id).revision
    live = live_board(session=session, actor=actor, workshop_id=workshop_id, kind=kind,
                      revision=revision)
    snapshot, _ = _live_snapshot(session, actor, workshop_id, CardKind(kind), live.revision)
    me = actor.participant_id
    own: list[CardView] = []
    deleted: list[CardView] = []
    for card in snapshot.rows:
        if card.participant_id != me:
            continue
        supporters = snapshot.supporters.get(card.id, set())
        view = _card_view(card, len(supporters), me in supporters, True,
                          snapshot.links.get(card.id, ()),
                          tuple(snapshot.merged.get(card.id, ())))
        (own if card.deleted_at is None else deleted).append(view)
    deleted.sort(key=lambda v: v.deleted_at or v.created_at, reverse=True)
    return OwnBoard(live.revision, live.cards, live.supported, tuple(own), tuple(deleted))


def _card_view(card: Any, support_count: int, supported_by_me: bool, editable: bool,
               links: tuple[int, ...], merged: tuple[tuple[int, str], ...]) -> CardView:
    return CardView(
        id=card.id, kind=card.kind, text=card.text, theme=card.theme, source=card.source,
        author_name=card.author_name, place=card.place,
        writer_name=card.display_name or "", on_behalf=card.on_behalf,
        support_count=support_count, supported_by_me=supported_by_me, can_edit=editable,
        created_at=card.created_at, deleted_at=card.deleted_at, cluster_id=card.cluster_id,
        position=card.position, links=links,
        merged_texts=tuple(text for _, text in merged),
        merged_ids=tuple(child for child, _ in merged), revealed=card.revealed)


def board(*, session: Session, actor: Actor, workshop_id: int,
          kind: CardKind = CardKind.NEED) -> Board:
    """Return the board of ``kind`` cards as ``actor`` sees it, oldest card first.

    ``deleted`` holds the deleted cards the actor could restore.
    """
    return board_in(session, actor, workshop_for(session, actor, workshop_id), kind)


def board_in(session: Session, actor: Actor, workshop: Workshop,
             kind: CardKind = CardKind.NEED) -> Board:
    """``board`` of a workshop the caller has already let ``actor`` see (the synthesis:
    one authorisation for all it reads)."""
    snapshot = _snapshot(session, workshop, CardKind(kind))
    me = actor.participant_id if isinstance(actor, ParticipantActor) else None
    cards: list[CardView] = []
    deleted: list[CardView] = []
    for card in snapshot.rows:
        editable = _can_edit(actor, card)
        if not card.revealed and not editable:
            continue
        supporters = snapshot.supporters.get(card.id, set())
        merged = tuple(snapshot.merged.get(card.id, ()))
        links = snapshot.links.get(card.id, ())
        view = _card_views.get(
            (card, len(supporters), me in supporters, editable, links, merged),
            partial(_card_view, card, len(supporters), me in supporters, editable, links,
                    merged))
        if card.deleted_at is None:
            cards.append(view)
        elif editable:
            deleted.append(view)
    deleted.sort(key=lambda v: v.deleted_at or v.created_at, reverse=True)
    return Board(workshop=workshop, kind=CardKind(kind).value, cards=cards, deleted=deleted,
                 revision=workshop.board_revision)


def _links_of(session: Session, ids: Any, kind: CardKind) -> dict[int, tuple[int, ...]]:
    """Return the live links of ``ids`` (a list or a subquery of card ids): needs of ideas,
    or ideas of needs."""
    if kind not in (CardKind.IDEA, CardKind.NEED):
        return {}
    if kind == CardKind.IDEA:
        mine, other = col(CardLink.idea_id), col(CardLink.need_id)
    else:
        mine, other = col(CardLink.need_id), col(CardLink.idea_id)
    rows = session.exec(
        select(mine, other)
        .join(Card, col(Card.id) == other)
        .where(mine.in_(ids), col(CardLink.deleted_at).is_(None),
               col(Card.deleted_at).is_(None), col(Card.merged_into_id).is_(None))
        .order_by(other)
    ).all()
    out: dict[int, list[int]] = {}
    for card_id, linked in rows:
        out.setdefault(card_id, []).append(linked)
    return {k: tuple(v) for k, v in out.items()}


def set_links(*, session: Session, actor: Actor, idea_id: int,
              need_ids: Sequence[int]) -> Card:
    """Say which needs an idea answers (replaces the previous choice)."""
    idea, workshop = _card_for_change(session, actor, idea_id)
    _apply_links(session, idea, need_ids)
    bump_board_revision(session, pk(workshop))
    session.commit()
    return idea


def _apply_links(session: Session, idea: Card, need_ids: Sequence[int]) -> None:
    """Make ``need_ids`` the needs ``idea`` answers; a removed link is marked deleted."""
    if idea.kind != CardKind.IDEA:
        raise InvalidInput(N_("Only an idea can answer needs."))
    wanted = set(need_ids)
    if wanted:
        needs = session.exec(select(Card).where(col(Card.id).in_(wanted))).all()
        valid = {pk(n) for n in needs if n.workshop_id == idea.workshop_id
                 and n.kind == CardKind.NEED and n.deleted_at is None}
        if valid != wanted:
            raise InvalidInput(N_("An idea can only answer needs of its own workshop."))
    existing = {link.need_id: link for link in session.exec(
        select(CardLink).where(CardLink.idea_id == pk(idea)))}
    now = utcnow()
    for need_id, link in existing.items():
        if need_id in wanted and link.deleted_at is not None:
            link.deleted_at = None
        elif need_id not in wanted and link.deleted_at is None:
            link.deleted_at = now
    for need_id in wanted - set(existing):
        session.add(CardLink(idea_id=pk(idea), need_id=need_id))
