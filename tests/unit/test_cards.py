"""Explorer cards: adding, editing, soft delete and undo, "ça me concerne", visibility."""

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import CARD_TEXT_MAX, Card, CardKind, Workshop
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import cards, phases, workshops
from tests.conftest import join, start_at


def add(session, actor, workshop, text="Plus de médecin au village", templates=None, **kw):
    return cards.add_card(session=session, actor=actor, workshop_id=workshop.id,
                          card_in=inputs.CardCreate(text=text, **kw), templates=templates)


def test_participant_adds_a_need_seen_by_facilitator(session, templates, facilitator,
                                                     running_workshop, participant):
    card = add(session, participant, running_workshop, templates=templates,
               theme="sante", source="atelier", place="Le bourg")
    board = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert [c.text for c in board.cards] == ["Plus de médecin au village"]
    view = board.cards[0]
    assert (view.id, view.theme, view.source, view.place) == (card.id, "sante", "atelier",
                                                             "Le bourg")
    assert view.writer_name == "Élise"
    assert board.by_theme() == {"sante": [view]}


def test_text_is_cleaned_and_kept_as_typed(session, templates, running_workshop, participant):
    card = add(session, participant, running_workshop, templates=templates,
               text="  <b>Pas de **bus**</b>\r\n\r\n\r\n le dimanche  ")
    assert card.text == "<b>Pas de **bus**</b>\n\nle dimanche"


@pytest.mark.parametrize("text", ["", "   ", "\n\t \n"])
def test_empty_text_is_refused(session, templates, running_workshop, participant, text):
    with pytest.raises(InvalidInput) as exc:
        add(session, participant, running_workshop, templates=templates, text=text)
    assert "empty" in exc.value.msgid
    assert session.exec(select(Card)).all() == []


def test_over_long_text_is_refused_with_the_count(session, templates, running_workshop,
                                                  participant):
    with pytest.raises(InvalidInput) as exc:
        add(session, participant, running_workshop, templates=templates,
            text="x" * (CARD_TEXT_MAX + 1))
    assert exc.value.params == {"length": CARD_TEXT_MAX + 1, "max_length": CARD_TEXT_MAX}
    add(session, participant, running_workshop, templates=templates, text="x" * CARD_TEXT_MAX)


def test_unknown_theme_or_source_is_refused(session, templates, running_workshop, participant):
    with pytest.raises(InvalidInput):
        add(session, participant, running_workshop, templates=templates, theme="licornes")
    with pytest.raises(InvalidInput):
        add(session, participant, running_workshop, templates=templates, source="rumeur")


def test_delete_is_soft_and_undo_restores(session, templates, facilitator, running_workshop,
                                          participant):
    card = add(session, participant, running_workshop, templates=templates)
    cards.delete_card(session=session, actor=participant, card_id=card.id)
    board = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert board.cards == [] and [c.id for c in board.deleted] == [card.id]
    assert session.get(Card, card.id).text == "Plus de médecin au village"  # still stored
    cards.restore_card(session=session, actor=participant, card_id=card.id)
    board = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert [c.id for c in board.cards] == [card.id] and board.deleted == []


def test_participant_changes_only_own_cards(session, templates, facilitator, running_workshop,
                                            participant):
    card = add(session, participant, running_workshop, templates=templates)
    other = join(session, running_workshop, "Marc")
    with pytest.raises(PermissionDenied):
        cards.update_card(session=session, actor=other, card_id=card.id,
                          card_in=inputs.CardUpdate(text="Piraté"),
                          templates=templates)
    with pytest.raises(PermissionDenied):
        cards.delete_card(session=session, actor=other, card_id=card.id)
    assert session.get(Card, card.id).deleted_at is None
    view = cards.board(session=session, actor=other, workshop_id=running_workshop.id).cards[0]
    assert view.can_edit is False
    # The facilitator may tidy any card of their workshop.
    cards.update_card(session=session, actor=facilitator, card_id=card.id,
                      card_in=inputs.CardUpdate(text="Plus de médecin généraliste",
                                                theme="sante"), templates=templates)
    session.refresh(card)
    assert (card.text, card.theme) == ("Plus de médecin généraliste", "sante")


def test_support_toggles_once_per_participant(session, templates, running_workshop,
                                              participant):
    card = add(session, participant, running_workshop, templates=templates)
    marc = join(session, running_workshop, "Marc")
    assert cards.toggle_support(session=session, actor=marc, card_id=card.id) is True
    assert cards.toggle_support(session=session, actor=participant, card_id=card.id) is True
    view = cards.board(session=session, actor=marc, workshop_id=running_workshop.id).cards[0]
    assert (view.support_count, view.supported_by_me) == (2, True)
    assert cards.toggle_support(session=session, actor=marc, card_id=card.id) is False
    view = cards.board(session=session, actor=marc, workshop_id=running_workshop.id).cards[0]
    assert (view.support_count, view.supported_by_me) == (1, False)


def test_facilitator_cannot_plus_one(session, templates, facilitator, running_workshop):
    card = add(session, facilitator, running_workshop, templates=templates)
    with pytest.raises(PermissionDenied):
        cards.toggle_support(session=session, actor=facilitator, card_id=card.id)


def test_participant_cannot_touch_another_workshop(session, templates, facilitator,
                                                   running_workshop, participant):
    collective = workshops.create_collective(session=session, actor=facilitator,
                                             collective_in=inputs.CollectiveCreate(name="Autre"))
    other = workshops.create_workshop(session=session, actor=facilitator,
                                      collective_id=collective.id,
                                          workshop_in=inputs.WorkshopCreate(
                                              title="Autre atelier"),
                                      workshop_format=templates.formats["ideation-3h"], lang="fr")
    phases.start(session=session, actor=facilitator, workshop_id=other.id)
    foreign = add(session, facilitator, other, templates=templates, text="Carte d'ailleurs")
    with pytest.raises(PermissionDenied):
        add(session, participant, other, templates=templates)
    with pytest.raises(PermissionDenied):
        cards.board(session=session, actor=participant, workshop_id=other.id)
    with pytest.raises(PermissionDenied):
        cards.toggle_support(session=session, actor=participant, card_id=foreign.id)
    with pytest.raises(PermissionDenied):
        cards.delete_card(session=session, actor=participant, card_id=foreign.id)


def test_facilitator_cannot_touch_another_facilitators_workshop(
    session, templates, other_facilitator, running_workshop, participant
):
    card = add(session, participant, running_workshop, templates=templates)
    with pytest.raises(PermissionDenied):
        cards.board(session=session, actor=other_facilitator, workshop_id=running_workshop.id)
    with pytest.raises(PermissionDenied):
        cards.delete_card(session=session, actor=other_facilitator, card_id=card.id)


def test_admin_sees_every_workshop(session, templates, admin, running_workshop, participant):
    add(session, participant, running_workshop, templates=templates)
    board = cards.board(session=session, actor=admin, workshop_id=running_workshop.id)
    assert len(board.cards) == 1


def test_participants_write_only_while_the_workshop_runs(session, templates, facilitator,
                                                         workshop):
    marc = join(session, workshop, "Marc")  # joining a draft workshop is allowed
    with pytest.raises(PermissionDenied) as exc:
        add(session, marc, workshop, templates=templates)
    assert "not started" in exc.value.msgid
    start_at(session, facilitator, workshop)
    card = add(session, marc, workshop, templates=templates)
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    with pytest.raises(PermissionDenied):
        add(session, marc, workshop, templates=templates)
    with pytest.raises(PermissionDenied):
        cards.delete_card(session=session, actor=marc, card_id=card.id)
    # Reading stays possible after the end; the facilitator can still tidy up.
    assert len(cards.board(session=session, actor=marc, workshop_id=workshop.id).cards) == 1
    cards.delete_card(session=session, actor=facilitator, card_id=card.id)


def test_every_write_bumps_the_board_revision(session, templates, running_workshop,
                                              participant):
    def revision():
        return cards.board_revision(session=session, actor=participant,
                                    workshop_id=running_workshop.id)

    start = revision()
    card = add(session, participant, running_workshop, templates=templates)
    after_add = revision()
    cards.toggle_support(session=session, actor=participant, card_id=card.id)
    after_support = revision()
    cards.delete_card(session=session, actor=participant, card_id=card.id)
    after_delete = revision()
    assert start < after_add < after_support < after_delete


def test_unrevealed_cards_are_hidden_from_other_participants(session, templates, facilitator,
                                                             running_workshop, participant):
    card = add(session, participant, running_workshop, templates=templates)
    card.revealed = False
    session.add(card)
    session.commit()
    marc = join(session, running_workshop, "Marc")
    assert cards.board(session=session, actor=marc, workshop_id=running_workshop.id).cards == []
    assert len(cards.board(session=session, actor=participant,
                           workshop_id=running_workshop.id).cards) == 1
    assert len(cards.board(session=session, actor=facilitator,
                           workshop_id=running_workshop.id).cards) == 1


def test_missing_card_is_reported(session, participant):
    with pytest.raises(NotFound):
        cards.delete_card(session=session, actor=participant, card_id=999_999)


def test_board_of_ideas_does_not_show_needs(session, templates, facilitator, running_workshop):
    add(session, facilitator, running_workshop, templates=templates, text="Un besoin")
    add(session, facilitator, running_workshop, templates=templates, text="Une idée",
        kind=CardKind.IDEA)
    ideas = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id,
                        kind=CardKind.IDEA)
    assert [c.text for c in ideas.cards] == ["Une idée"]
    assert session.get(Workshop, running_workshop.id).board_revision >= 2


def test_every_reader_sees_changes_through_the_shared_snapshot(session, templates, facilitator,
                                                              running_workshop, participant):
    """Boards are read once per revision and shared: each change must bump the revision."""
    from core.services import participants
    card = add(session, participant, running_workshop, templates=templates)
    board = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert board.cards[0].writer_name == "Élise"
    participants.rename_participant(session=session, actor=facilitator,
                                    participant_id=participant.participant_id,
                                    display_name="Élise M.")
    board = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert board.cards[0].writer_name == "Élise M."
    marc = join(session, running_workshop, "Marc")
    cards.toggle_support(session=session, actor=marc, card_id=card.id)
    mine = cards.board(session=session, actor=marc, workshop_id=running_workshop.id).cards[0]
    theirs = cards.board(session=session, actor=participant,
                         workshop_id=running_workshop.id).cards[0]
    assert (mine.supported_by_me, theirs.supported_by_me) == (True, False)
    assert mine.support_count == theirs.support_count == 1


def test_a_card_added_extends_the_kept_snapshot_without_reading_the_board(
        session, templates, facilitator, running_workshop, participant):
    """The server that adds a card keeps the next revision's board from the previous one
    and the new card: the next reader reads no card, and sees exactly what a reader of
    the database would."""
    from sqlalchemy import event

    add(session, participant, running_workshop, templates=templates, text="Première")
    cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    cards.live_board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    add(session, participant, running_workshop, templates=templates, text="Deuxième",
        theme="sante", place="Le bourg")
    statements: list[str] = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        kept = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not [s for s in statements if "FROM card" in s], statements  # no board read
    cards._snapshots._values.clear()
    fresh = cards.board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    assert [c.text for c in kept.cards] == ["Première", "Deuxième"]
    assert kept.cards == fresh.cards  # every field, the writer's name included
    live = cards.live_board(session=session, actor=participant,
                            workshop_id=running_workshop.id, revision=kept.revision)
    assert {c.id for c in kept.cards} == set(live.mine)
    cards._snapshots._values.clear()
    assert live.cards == cards.live_board(session=session, actor=participant,
                                          workshop_id=running_workshop.id).cards


def test_a_participants_own_board_says_what_the_full_board_says(
        session, templates, facilitator, running_workshop, participant):
    """A phone's controls read ``own_board`` (no view per card): the cards it may back, the
    ones it backs, its own to edit (hidden ones included) and to restore must be those
    ``board`` gives the same participant."""
    marc = join(session, running_workshop, "Marc")
    first = add(session, participant, running_workshop, templates=templates, text="Mienne")
    hidden = add(session, participant, running_workshop, templates=templates, text="Cachée")
    hidden.revealed = False
    session.add(hidden)
    session.commit()
    gone = add(session, participant, running_workshop, templates=templates, text="Effacée")
    cards.delete_card(session=session, actor=participant, card_id=gone.id)
    other = add(session, marc, running_workshop, templates=templates, text="De Marc")
    add(session, marc, running_workshop, templates=templates, text="Autre de Marc")
    cards.toggle_support(session=session, actor=participant, card_id=other.id)
    cards.toggle_support(session=session, actor=marc, card_id=first.id)

    full = cards.board(session=session, actor=participant, workshop_id=running_workshop.id)
    own = cards.own_board(session=session, actor=participant, workshop_id=running_workshop.id)
    assert own.revision == full.revision
    assert [c.id for c in own.cards] == [c.id for c in full.cards if c.revealed]
    assert own.supported == {c.id for c in full.cards if c.supported_by_me} == {other.id}
    assert list(own.own) == [c for c in full.cards if c.can_edit]
    assert [c.text for c in own.own] == ["Mienne", "Cachée"]
    assert own.own[0].support_count == 1
    assert list(own.deleted) == full.deleted and [c.id for c in own.deleted] == [gone.id]
    theirs = cards.own_board(session=session, actor=marc, workshop_id=running_workshop.id)
    assert [c.text for c in theirs.own] == ["De Marc", "Autre de Marc"]
    assert hidden.id not in {c.id for c in theirs.cards}
    with pytest.raises(PermissionDenied):
        cards.own_board(session=session, actor=facilitator, workshop_id=running_workshop.id)
    from core.services import participants
    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=marc.participant_id)
    with pytest.raises(PermissionDenied):
        cards.own_board(session=session, actor=marc, workshop_id=running_workshop.id)
    other = workshops.create_workshop(
        session=session, actor=facilitator, collective_id=running_workshop.collective_id,
        workshop_in=inputs.WorkshopCreate(title="Un autre"),
        workshop_format=templates.formats["soiree-2h"], lang="fr")
    with pytest.raises((PermissionDenied, NotFound)):
        cards.own_board(session=session, actor=participant, workshop_id=other.id)
