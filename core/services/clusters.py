"""Groups of cards (Regrouper): the group board, moves, group and card merges, and the
suggested groupings the facilitator accepts, edits or rejects.

Structure changes are the facilitator's; participants see the groups form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from core.domain.actors import Actor
from core.domain.inputs import GroupCreate, GroupUpdate
from core.domain.models import (
    TITLE_MAX,
    Card,
    CardKind,
    CardLink,
    CardSupport,
    Cluster,
    Workshop,
    pk,
    utcnow,
)
from core.errors import InvalidInput, NotFound
from core.services.access import facilitated_workshop, workshop_for
from core.services.cards import CardView, board, board_in
from core.services.live_cache import bump_board_revision
from core.text.cleaning import clean_text
from core.text.i18n import N_

PALETTE = ("#e8590c", "#1971c2", "#2f9e44", "#9c36b5", "#c2255c", "#0c8599", "#f08c00",
           "#5f3dc4", "#66a80f", "#495057", "#d6336c", "#1864ab")
_COLOUR = "#"


@dataclass(frozen=True)
class GroupView:
    """A group with its cards, in order."""

    id: int
    name: str
    color: str
    cards: list[CardView]


@dataclass(frozen=True)
class GroupBoard:
    """The groups of one kind of card, and the cards in no group ("Non classé")."""

    workshop: Workshop
    kind: str
    groups: list[GroupView]
    unclassified: list[CardView]
    revision: int

    def all_cards(self) -> list[CardView]:
        """Return every card on the board, unclassified first."""
        return self.unclassified + [c for g in self.groups for c in g.cards]


@dataclass(frozen=True)
class ProposedGroup:
    """A suggested group: its proposed name and cards, its most typical card, and the
    suggestion's most likely numbers of groups (best first)."""

    name: str
    card_ids: tuple[int, ...]
    typical_id: int | None = None
    likely_k: tuple[int, ...] = ()


def _kind(kind: CardKind | str) -> CardKind:
    value = CardKind(kind)
    if value not in (CardKind.NEED, CardKind.IDEA):
        raise InvalidInput(N_("Only needs or ideas can be grouped."))
    return value


def _clean_colour(color: str) -> str:
    value = (color or "").strip()
    if len(value) != 7 or not value.startswith(_COLOUR) or not all(
        c in "0123456789abcdefABCDEF" for c in value[1:]
    ):
        raise InvalidInput(N_("A colour is written #rrggbb."))
    return value.lower()


def _group(session: Session, actor: Actor, cluster_id: int) -> tuple[Cluster, Workshop]:
    cluster = session.get(Cluster, cluster_id)
    if cluster is None or cluster.deleted_at is not None:
        raise NotFound(N_("This group does not exist."))
    return cluster, facilitated_workshop(session, actor, cluster.workshop_id)


def _live_groups(session: Session, workshop_id: int, kind: str) -> list[Cluster]:
    return list(session.exec(
        select(Cluster)
        .where(Cluster.workshop_id == workshop_id, Cluster.kind == kind,
               col(Cluster.deleted_at).is_(None))
        .order_by(col(Cluster.position), col(Cluster.id))
    ).all())


def group_board(*, session: Session, actor: Actor, workshop_id: int,
                kind: CardKind | str = CardKind.IDEA) -> GroupBoard:
    """Return the groups of ``kind`` cards as ``actor`` sees them."""
    return group_board_in(session, actor, workshop_for(session, actor, workshop_id), kind)


def group_board_in(session: Session, actor: Actor, workshop: Workshop,
                   kind: CardKind | str = CardKind.IDEA) -> GroupBoard:
    """``group_board`` of a workshop the caller has already let ``actor`` see."""
    value = _kind(kind)
    cards = board_in(session, actor, workshop, CardKind(value))
    clusters = _live_groups(session, pk(workshop), value)
    by_group: dict[int | None, list[CardView]] = {}
    live = {pk(c) for c in clusters}
    for view in cards.cards:
        key = view.cluster_id if view.cluster_id in live else None
        by_group.setdefault(key, []).append(view)
    for views in by_group.values():
        views.sort(key=lambda v: (v.position, v.id))
    return GroupBoard(
        workshop=cards.workshop,
        kind=value,
        groups=[GroupView(pk(c), c.name, c.color, by_group.get(pk(c), [])) for c in clusters],
        unclassified=by_group.get(None, []),
        revision=cards.revision,
    )


def create_group(*, session: Session, actor: Actor, workshop_id: int,
                 group_in: GroupCreate) -> Cluster:
    """Create an empty group."""
    facilitated_workshop(session, actor, workshop_id)
    value = _kind(group_in.kind)
    existing = _live_groups(session, workshop_id, value)
    cluster = Cluster(
        workshop_id=workshop_id, kind=value, name=group_in.name,
        color=group_in.color or PALETTE[len(existing) % len(PALETTE)],
        position=max((c.position for c in existing), default=-1) + 1,
    )
    session.add(cluster)
    bump_board_revision(session, workshop_id)
    session.commit()
    return cluster


def update_group(*, session: Session, actor: Actor, cluster_id: int,
                 group_in: GroupUpdate) -> Cluster:
    """Rename and recolour a group."""
    cluster, workshop = _group(session, actor, cluster_id)
    cluster.name = group_in.name
    if group_in.color:
        cluster.color = group_in.color
    bump_board_revision(session, pk(workshop))
    session.commit()
    return cluster


def _cards_of_group(session: Session, cluster_id: int) -> list[Card]:
    return list(session.exec(select(Card).where(Card.cluster_id == cluster_id)).all())


def dissolve_group(*, session: Session, actor: Actor, cluster_id: int) -> Cluster:
    """Remove a group: its cards go back to "Non classé", nothing is lost."""
    cluster, workshop = _group(session, actor, cluster_id)
    for card in _cards_of_group(session, cluster_id):
        card.cluster_id = None
    cluster.deleted_at = utcnow()
    bump_board_revision(session, pk(workshop))
    session.commit()
    return cluster


def merge_groups(*, session: Session, actor: Actor, source_id: int, target_id: int) -> Cluster:
    """Move every card of ``source`` into ``target`` and remove ``source``."""
    source, workshop = _group(session, actor, source_id)  # rights first
    if source_id == target_id:
        raise InvalidInput(N_("Choose two different groups."))
    target, _ = _group(session, actor, target_id)
    if (source.workshop_id, source.kind) != (target.workshop_id, target.kind):
        raise InvalidInput(N_("Only groups of the same board can be merged."))
    start = 1 + max((c.position for c in _cards_of_group(session, target_id)), default=-1)
    for offset, card in enumerate(sorted(_cards_of_group(session, source_id),
                                         key=lambda c: (c.position, pk(c)))):
        card.cluster_id = target_id
        card.position = start + offset
    source.deleted_at = utcnow()
    bump_board_revision(session, pk(workshop))
    session.commit()
    return target


def move_cards(*, session: Session, actor: Actor, workshop_id: int,
               moves: Sequence[tuple[int, int | None, int]]) -> int:
    """Put cards in groups: each move is (card, group or None for "Non classé", position).

    Only the cards named move, so two people arranging different cards do not undo each
    other. Return how many cards changed.
    """
    facilitated_workshop(session, actor, workshop_id)
    if not moves:
        return 0
    cards = {pk(c): c for c in session.exec(
        select(Card).where(col(Card.id).in_([m[0] for m in moves])))}
    groups = {pk(c): c for c in session.exec(
        select(Cluster).where(col(Cluster.id).in_({m[1] for m in moves if m[1] is not None})))}
    changed = 0
    for card_id, cluster_id, position in moves:
        card = cards.get(card_id)
        if card is None or card.workshop_id != workshop_id:
            raise NotFound(N_("This card does not exist."))
        if cluster_id is not None:
            group = groups.get(cluster_id)
            if (group is None or group.deleted_at is not None
                    or group.workshop_id != workshop_id or group.kind != card.kind):
                raise NotFound(N_("This group does not exist."))
        if (card.cluster_id, card.position) != (cluster_id, position):
            card.cluster_id, card.position = cluster_id, position
            changed += 1
    if changed:
        bump_board_revision(session, workshop_id)
        session.commit()
    return changed


def merge_cards(*, session: Session, actor: Actor, keep_id: int, other_id: int) -> Card:
    """Merge a duplicate into another card. Both texts are kept: the duplicate stays in the
    database, shown under the kept card; its "ça me concerne" and its links move over."""
    if keep_id == other_id:
        raise InvalidInput(N_("Choose two different cards."))
    keep, other = session.get(Card, keep_id), session.get(Card, other_id)
    if keep is None or other is None or keep.workshop_id is None:
        raise NotFound(N_("This card does not exist."))
    facilitated_workshop(session, actor, keep.workshop_id)
    if (other.workshop_id, other.kind) != (keep.workshop_id, keep.kind) or (
        keep.merged_into_id or other.merged_into_id or keep.deleted_at or other.deleted_at
    ):
        raise InvalidInput(N_("Only two cards of the same board can be merged."))
    supporters = set(session.exec(select(CardSupport.participant_id).where(
        CardSupport.card_id == keep_id, col(CardSupport.withdrawn_at).is_(None))))
    for support in session.exec(select(CardSupport).where(
            CardSupport.card_id == other_id, col(CardSupport.withdrawn_at).is_(None))):
        if support.participant_id not in supporters:
            session.add(CardSupport(card_id=keep_id, participant_id=support.participant_id))
    _copy_links(session, other_id, keep_id)
    for child in session.exec(select(Card).where(Card.merged_into_id == other_id)):
        child.merged_into_id = keep_id
    other.merged_into_id = keep_id
    keep.updated_at = utcnow()
    bump_board_revision(session, keep.workshop_id)
    session.commit()
    return keep


def _copy_links(session: Session, source_id: int, target_id: int) -> None:
    for link in session.exec(select(CardLink).where(
            (CardLink.idea_id == source_id) | (CardLink.need_id == source_id),
            col(CardLink.deleted_at).is_(None))):
        idea = target_id if link.idea_id == source_id else link.idea_id
        need = target_id if link.need_id == source_id else link.need_id
        existing = session.get(CardLink, (idea, need))
        if existing is None:
            session.add(CardLink(idea_id=idea, need_id=need))
        elif existing.deleted_at is not None:
            existing.deleted_at = None


def split_card(*, session: Session, actor: Actor, card_id: int) -> Card:
    """Take a merged duplicate out again (its "ça me concerne" stay on the kept card)."""
    card = session.get(Card, card_id)
    if card is None or card.workshop_id is None or card.merged_into_id is None:
        raise NotFound(N_("This card does not exist."))
    facilitated_workshop(session, actor, card.workshop_id)
    card.merged_into_id = None
    bump_board_revision(session, card.workshop_id)
    session.commit()
    return card


def suggest(*, session: Session, actor: Actor, workshop_id: int,
            kind: CardKind | str = CardKind.IDEA, k: int | None = None,
            only_unclassified: bool = False) -> list[ProposedGroup]:
    """Suggest groups for the board's cards, computed on this machine (nothing moves)."""
    from core.analysis import grouping  # NumPy and SciPy's linear algebra: loaded when first used

    current = group_board(session=session, actor=actor, workshop_id=workshop_id, kind=kind)
    facilitated_workshop(session, actor, workshop_id)
    cards = current.unclassified if only_unclassified else current.all_cards()
    if k is not None and not 1 <= k <= grouping.MAX_ASKED:
        raise InvalidInput(N_("Ask for between 1 and {max} groups."), max=grouping.MAX_ASKED)
    suggestion = grouping.suggest_groups([c.text for c in cards], k)
    return [ProposedGroup(g.name, tuple(cards[i].id for i in g.members),
                          cards[g.typical].id if g.typical >= 0 else None,
                          suggestion.likely_k)
            for g in suggestion.groups]


def accept_groups(*, session: Session, actor: Actor, workshop_id: int,
                  groups: Sequence[ProposedGroup], kind: CardKind | str = CardKind.IDEA) -> int:
    """Create the accepted groups (as named, possibly edited) and move their cards, at once.

    Return how many groups were created.
    """
    facilitated_workshop(session, actor, workshop_id)
    value = _kind(kind)
    existing = _live_groups(session, workshop_id, value)
    position = max((c.position for c in existing), default=-1) + 1
    ids = [card_id for group in groups for card_id in group.card_ids]
    if len(ids) != len(set(ids)):
        raise InvalidInput(N_("A card can only be in one group."))
    cards = {pk(c): c for c in session.exec(select(Card).where(col(Card.id).in_(ids)))}
    if any(c.workshop_id != workshop_id or c.kind != value for c in cards.values()) or len(
            cards) != len(ids):
        raise NotFound(N_("This card does not exist."))
    created = 0
    for group in groups:
        if not group.card_ids:
            continue
        cluster = Cluster(
            workshop_id=workshop_id, kind=value,
            name=clean_text(group.name, max_length=TITLE_MAX, multiline=False),
            color=PALETTE[(len(existing) + created) % len(PALETTE)], position=position,
        )
        session.add(cluster)
        session.flush()
        for index, card_id in enumerate(group.card_ids):
            cards[card_id].cluster_id = pk(cluster)
            cards[card_id].position = index
        position += 1
        created += 1
    bump_board_revision(session, workshop_id)
    session.commit()
    return created


def similar_cards(*, session: Session, actor: Actor, card_id: int,
                  top: int = 5) -> list[tuple[CardView, float]]:
    """Return the cards of the same board closest to ``card_id`` (to spot duplicates)."""
    from core.analysis import grouping

    card = session.get(Card, card_id)
    if card is None or card.workshop_id is None:
        raise NotFound(N_("This card does not exist."))
    views = board(session=session, actor=actor, workshop_id=card.workshop_id,
                  kind=CardKind(card.kind)).cards
    index = next((i for i, v in enumerate(views) if v.id == card_id), None)
    if index is None:
        raise NotFound(N_("This card does not exist."))
    return [(views[i], score) for i, score in
            grouping.similar([v.text for v in views], index, top=top)]
