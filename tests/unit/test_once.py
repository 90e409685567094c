"""The same card, comment or action sent twice is stored once — one after the other, or at
the same instant from two sessions — on SQLite and PostgreSQL (a unique index)."""

import secrets
import threading

import pytest
from sqlmodel import Session, col, func, select

from core.domain import inputs
from core.domain.models import Action, Card, Comment, PhaseKind
from core.errors import InvalidInput
from core.services import actions, canvas_comments, canvases, cards, phases
from core.storage.db import get_engine
from tests.conftest import join, start_at


def key() -> str:
    return secrets.token_urlsafe(16)


def count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    session.expire_all()
    return session.exec(query).one()


def test_a_card_sent_twice_is_stored_once(session, templates, running_workshop, participant):
    card_key = key()
    card_in = inputs.CardCreate(text="Un médecin au village", client_key=card_key)
    first = cards.add_card(session=session, actor=participant, workshop_id=running_workshop.id,
                           card_in=card_in, templates=templates)
    again = cards.add_card(session=session, actor=participant, workshop_id=running_workshop.id,
                           card_in=card_in, templates=templates)
    assert again.id == first.id
    assert count(session, Card, client_key=card_key) == 1
    # Another card (another key) with the same words is a card of its own.
    other = cards.add_card(session=session, actor=participant,
                           workshop_id=running_workshop.id, templates=templates,
                           card_in=inputs.CardCreate(text="Un médecin au village",
                                                     client_key=key()))
    assert other.id != first.id
    # Someone else's key is never handed over.
    marc = join(session, running_workshop, "Marc")
    with pytest.raises(InvalidInput, match="out of date"):
        cards.add_card(session=session, actor=marc, workshop_id=running_workshop.id,
                       card_in=card_in, templates=templates)
    assert count(session, Card, client_key=card_key) == 1


def test_a_malformed_key_is_refused():
    for bad in ("", "short", "x" * 41, "a b c d e f g h i j k", "<script>alert(1)</s>"):
        with pytest.raises(InvalidInput):
            inputs.CardCreate(text="Un four à pain", client_key=bad)


def test_the_same_card_sent_at_the_same_instant_by_many_is_stored_once(
        db_url, session, templates, running_workshop, participant):
    """Eight sessions (as eight app threads) send one card at once: one row."""
    card_key, workshop_id = key(), running_workshop.id
    engine = get_engine(db_url, write=True)
    start = threading.Barrier(8)
    ids: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with Session(engine, expire_on_commit=False) as own:
                start.wait()
                card = cards.add_card(
                    session=own, actor=participant, workshop_id=workshop_id,
                    templates=templates,
                    card_in=inputs.CardCreate(text="Une navette le mardi", client_key=card_key))
                ids.append(card.id)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    session.rollback()  # the test's own session holds no lock meanwhile
    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(ids) == 8 and len(set(ids)) == 1
    assert count(session, Card, client_key=card_key) == 1
    assert count(session, Card, text="Une navette le mardi") == 1


def test_a_comment_and_an_action_sent_twice_are_stored_once(session, templates, facilitator,
                                                            workshop):
    running = start_at(session, facilitator, workshop, PhaseKind.NEXT_STEPS)
    elise = join(session, running, "Élise")
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=running.id,
                                   templates=templates, title="Épicerie")
    comment_in = inputs.CommentCreate(text="Et le loyer ?", client_key=key())
    first = [canvas_comments.add_comment(session=session, actor=elise, canvas_id=canvas.id,
                                         section_key="modele", comment_in=comment_in,
                                         templates=templates) for _ in range(2)]
    assert first[0].id == first[1].id
    assert count(session, Comment, canvas_id=canvas.id) == 1
    action_in = inputs.ActionCreate(what="Voir la mairie", for_me=True, client_key=key())
    made = [actions.add_action(session=session, actor=elise, workshop_id=running.id,
                               action_in=action_in, templates=templates) for _ in range(2)]
    assert made[0].id == made[1].id
    assert count(session, Action, workshop_id=running.id) == 1
    # Its history says "created" once.
    history = actions.history(session=session, actor=facilitator, action_id=made[0].id)
    assert [change.change for change in history] == ["created"]
    assert session.exec(select(Action).where(col(Action.client_key).is_(None))).all() == []


def test_a_new_write_sent_with_a_key_already_used_is_stored(session, templates, facilitator,
                                                            workshop):
    """The server died after storing a card but before telling the browser its key was
    used: the phone's next card, on a fresh server, comes with the old key. It is a new card
    (other words), stored — not taken for the first one and dropped — and it too counts
    once when sent again. The same for a comment and an action."""
    running = start_at(session, facilitator, workshop, PhaseKind.EXPLORE)
    paulette = join(session, running, "Paulette")
    stale = key()

    def add_card(text: str) -> Card:
        return cards.add_card(session=session, actor=paulette, workshop_id=running.id,
                              templates=templates,
                              card_in=inputs.CardCreate(text=text, client_key=stale))

    first, second, second_again, third = (add_card(text) for text in (
        "Envoyé pendant la panne", "Besoin après la panne", "Besoin après la panne",
        "Encore un besoin"))
    assert [first.text, second.text, third.text] == [
        "Envoyé pendant la panne", "Besoin après la panne", "Encore un besoin"]
    assert len({first.id, second.id, third.id}) == 3 and second_again.id == second.id
    assert count(session, Card, workshop_id=running.id, participant_id=paulette.participant_id) == 3
    # Someone else sending that key is still refused, whatever the words.
    marc = join(session, running, "Marc")
    with pytest.raises(InvalidInput, match="out of date"):
        cards.add_card(session=session, actor=marc, workshop_id=running.id,
                       templates=templates,
                       card_in=inputs.CardCreate(text="Autre chose", client_key=stale))

    index = next(p.position for p in phases.phases_of(session, running.id)
                 if p.kind == PhaseKind.NEXT_STEPS)
    later = phases.go_to(session=session, actor=facilitator, workshop_id=running.id,
                         index=index)
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=later.id,
                                   templates=templates, title="Épicerie")
    comments = [canvas_comments.add_comment(
        session=session, actor=paulette, canvas_id=canvas.id, section_key="modele",
        comment_in=inputs.CommentCreate(text=text, client_key=stale), templates=templates)
        for text in ("Et le loyer ?", "Et le local ?", "Et le local ?")]
    assert [c.text for c in comments] == ["Et le loyer ?", "Et le local ?", "Et le local ?"]
    assert comments[0].id != comments[1].id == comments[2].id
    assert count(session, Comment, canvas_id=canvas.id) == 2
    made = [actions.add_action(session=session, actor=paulette, workshop_id=later.id,
                               action_in=inputs.ActionCreate(what=what, for_me=True,
                                                             client_key=stale),
                               templates=templates)
            for what in ("Voir la mairie", "Appeler la CAF", "Appeler la CAF")]
    assert [a.what for a in made] == ["Voir la mairie", "Appeler la CAF", "Appeler la CAF"]
    assert made[0].id != made[1].id == made[2].id
    assert count(session, Action, workshop_id=later.id) == 2
