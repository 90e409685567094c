"""Animer (pages/facilitate.py), Projection (pages/projector.py), Atelier
(pages/workshop.py): the facilitator's controls, the wall, where participants land."""

import re
from html import unescape

from sqlmodel import select

from core.domain import inputs
from core.domain.models import AgendaPhase, Card, CardKind, Participant, Workshop
from core.services import cards, phases
from tests.app.conftest import as_participant, fresh, open_as_facilitator, texts


def html(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_facilitator_moves_everyone_through_the_phases(new_app, db, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    at = open_as_facilitator(new_app, wid, "pages/facilitate.py")
    assert "Phase 3 sur 9" in html(at) and "Explorer les besoins" in html(at)
    at.button(key="next_phase").click().run()
    fresh(db)
    assert db.get(Workshop, wid).current_phase == 3
    assert "Phase 4 sur 9" in html(at)
    at.button(key="pause").click().run()
    fresh(db)
    assert db.get(Workshop, wid).paused_at is not None
    at.button(key="resume").click().run()
    at.button(key="more_time").click().run()
    fresh(db)
    workshop = db.get(Workshop, wid)
    assert workshop.paused_at is None and workshop.extra_seconds == 300
    at.button(key="previous_phase").click().run()
    fresh(db)
    assert db.get(Workshop, wid).current_phase == 2


def test_the_join_code_link_and_qr_are_shown(new_app, running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/facilitate.py")
    page = html(at)
    assert running_workshop_app["code"] in page and "/join?code=" in page and (
        "<img src='data:image/svg+xml" in page)


def test_agenda_editing(new_app, db, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    at = open_as_facilitator(new_app, wid, "pages/facilitate.py")
    first = db.exec(select(AgendaPhase).where(AgendaPhase.position == 0)).one()
    at.number_input(key=f"phase_minutes_{first.id}").set_value(3)
    at.button(key=f"FormSubmitter:phase_form_{first.id}-Enregistrer").click().run()
    at.text_input(key="new_phase_title").input("Pot de clôture")
    at.number_input(key="new_phase_minutes").set_value(20)
    at.button(key="FormSubmitter:add_phase-Ajouter la phase").click().run()
    assert not at.exception
    fresh(db)
    titles = [p.title for p in phases.phases_of(db, wid)]
    assert titles[-1] == "Pot de clôture" and len(titles) == 10
    assert db.get(AgendaPhase, first.id).duration_min == 3


def test_participants_panel_renames_and_removes(new_app, db, running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/facilitate.py")
    assert "Participants (1 actif sur 1)" in texts(at)
    elise = db.exec(select(Participant)).one()
    at.text_input(key=f"rename_{elise.id}").input("Élise M.")
    at.button(key=f"rename_button_{elise.id}").click().run()
    fresh(db)
    assert db.get(Participant, elise.id).display_name == "Élise M."
    at.button(key=f"remove_{elise.id}").click().run()
    fresh(db)
    assert db.get(Participant, elise.id).removed_at is not None


def test_a_card_typed_for_someone_without_a_phone(new_app, db, running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/explore.py")
    at.text_input(key="need_capture_text").input("Plus de marché le mercredi")
    at.text_input(key="need_capture_author").input("Mme Roche")
    at.checkbox(key="need_on_behalf").check()
    at.button(key="FormSubmitter:need_capture-Ajouter").click().run()
    fresh(db)
    card = db.exec(select(Card)).one()
    assert (card.on_behalf, card.author_name) == (True, "Mme Roche")
    assert "écrite pour cette personne" in html(at)


def test_projector_shows_phase_board_and_join(new_app, db, templates, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    cards.add_card(session=db, actor=running_workshop_app["facilitator"], workshop_id=wid,
                   card_in=inputs.CardCreate(text="Un café associatif",
                                             theme="lien-social"), templates=templates)
    at = open_as_facilitator(new_app, wid, "pages/projector.py")
    page = html(at)
    assert "Explorer les besoins" in page and "Un café associatif" in page
    assert running_workshop_app["code"] in page and "data:image/svg+xml" in page
    assert "display:none" in page  # the sidebar is hidden on the wall


def test_projector_keeps_private_cards_hidden(new_app, db, templates, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    facilitator = running_workshop_app["facilitator"]
    phases.add_phase(session=db, actor=facilitator, workshop_id=wid,
                     phase_in=inputs.PhaseCreate(kind="ideas", title="Idées en silence",
                                                 duration_min=5, private_writing=True))
    phases.go_to(session=db, actor=facilitator, workshop_id=wid, index=9)  # the one added
    from core.services.participants import actor_for_token
    elise = actor_for_token(db, running_workshop_app["token"])
    secret = cards.add_card(session=db, actor=elise, workshop_id=wid,
                            card_in=inputs.CardCreate(text="Mon idée secrète",
                                                      kind=CardKind.IDEA),
                            templates=templates)
    at = open_as_facilitator(new_app, wid, "pages/projector.py")
    assert "Mon idée secrète" not in html(at)
    assert "1 cartes écrites" in html(at)
    # Its writer still has it to edit on her phone, the only card of the board.
    phone = as_participant(new_app(), running_workshop_app["token"]).run()
    assert phone.selectbox(key="idea_editing").options == [f"#{secret.id} · Mon idée secrète"]


def test_participants_land_on_the_board_of_the_phase(new_app, db, running_workshop_app):
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert not at.exception
    assert "Bonjour Élise" in texts(at)  # the Explorer board, straight away


def test_between_boards_participants_see_the_phase(new_app, db, running_workshop_app):
    phases.next_phase(session=db, actor=running_workshop_app["facilitator"],
                      workshop_id=running_workshop_app["workshop_id"])  # "Idées"
    phases.go_to(session=db, actor=running_workshop_app["facilitator"],
                 workshop_id=running_workshop_app["workshop_id"], index=0)  # "Accueil"
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert "Accueil" in html(at) and "Vérifiez que vous voyez" in html(at)


def test_a_participant_follows_even_when_their_page_reran_after_the_phase_changed(
        new_app, db, running_workshop_app):
    wid, facilitator = running_workshop_app["workshop_id"], running_workshop_app["facilitator"]
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert "Bonjour Élise" in texts(at)  # Explorer
    phases.next_phase(session=db, actor=facilitator, workshop_id=wid)  # "Idées"
    # Her page reruns in full (a click of hers, say) before its live tick has run: the
    # page is drawn in the new phase, and must still take her to that phase's board.
    at.run()
    assert not at.exception
    assert "Nouvelle idée" in [t.label for t in at.text_input], texts(at)


def test_a_joined_participant_is_told_so_before_the_rooms_instructions(new_app, db,
                                                                      running_workshop_app):
    """The welcome's instructions speak to the room; someone already in is told so."""
    from core.services import phases

    phases.go_to(session=db, actor=running_workshop_app["facilitator"],
                 workshop_id=running_workshop_app["workshop_id"], index=0)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/workshop.py").run()
    page = texts(at)
    assert "Vous y êtes" in page
    assert "Vérifiez que vous voyez" in page  # the room's instructions still follow


def test_the_facilitator_is_warned_when_phones_cannot_reach_the_server(
        new_app, running_workshop_app, monkeypatch):
    import streamlit

    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"],
                             "pages/facilitate.py")
    assert "n'écoute que sur cet ordinateur" not in texts(at)
    monkeypatch.setattr(streamlit, "get_option", lambda name, _get=streamlit.get_option: (
        "127.0.0.1" if name == "server.address" else _get(name)))
    at.run()
    assert "n'écoute que sur cet ordinateur" in texts(at)


def test_the_facilitator_is_told_when_the_projectors_server_does_not_answer(
        new_app, running_workshop_app, monkeypatch):
    """``fabrique serve`` restarts the projector's server when it stops; meanwhile the
    facilitator's screen says so next to the button that would lead to a closed port."""
    import socket

    with socket.socket() as listening:  # a server that answers
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        monkeypatch.setenv("FABRIQUE_WALL_PORT", str(listening.getsockname()[1]))
        at = open_as_facilitator(new_app, running_workshop_app["workshop_id"],
                                 "pages/facilitate.py")
        assert "serveur de la projection ne répond pas" not in texts(at)
    at.run()  # the port is closed now
    assert "serveur de la projection ne répond pas" in texts(at)


def test_a_phone_shows_the_newest_cards_of_a_big_board_and_every_card_on_request(
        new_app, db, templates, running_workshop_app):
    """A room of 300 writes 900 cards: a phone's live board holds the 40 newest (each
    phone is sent its board at every tick), says so, and shows them all when asked; so
    does its "ça me concerne" list (with the cards already chosen); the facilitator's
    board always has every card."""
    from core.services.participants import actor_for_token
    from ui.board import PHONE_CARDS

    wid = running_workshop_app["workshop_id"]
    added = [cards.add_card(session=db, actor=running_workshop_app["facilitator"],
                            workshop_id=wid, templates=templates,
                            card_in=inputs.CardCreate(text=f"Besoin numéro {n:03d}",
                                                      kind=CardKind.NEED))
             for n in range(PHONE_CARDS + 5)]
    cards.toggle_support(session=db, actor=actor_for_token(db, running_workshop_app["token"]),
                         card_id=added[1].id)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    board = html(at)
    assert "Besoin numéro 044" in board and "Besoin numéro 005" in board
    assert "Besoin numéro 004" not in board and "Besoin numéro 000" not in board
    assert f"Les {PHONE_CARDS} dernières cartes sur {PHONE_CARDS + 5}" in board
    concerns = at.multiselect(key="need_supports")
    assert concerns.options == [f"#{c.id} · {c.text}" for c in [added[1], *added[5:]]]
    assert concerns.value == [added[1].id]
    at.toggle(key="need_all_cards").set_value(True).run()
    board = html(at)
    assert "Besoin numéro 000" in board and "Besoin numéro 044" in board
    assert "dernières cartes sur" not in board
    assert at.multiselect(key="need_supports").options == [
        f"#{c.id} · {c.text}" for c in added]
    facilitator = open_as_facilitator(new_app, wid, "pages/explore.py")
    assert "Besoin numéro 000" in html(facilitator)
    assert "dernières cartes sur" not in html(facilitator)


def test_a_participant_is_sent_on_to_their_participant_server(new_app, db,
                                                              running_workshop_app,
                                                              monkeypatch):
    """With participant servers (`fabrique serve --participant-servers 2`), the main
    server only sends a participant on — to the same one each time; a facilitator stays."""
    import json

    from core.domain.models import Participant as ParticipantRow

    monkeypatch.setenv("FABRIQUE_PARTICIPANT_PORTS", "9103,9104")
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert not at.exception
    assert "Ouverture de votre page d'atelier" in texts(at)
    assert "Bonjour Élise" not in texts(at)  # nothing of the workshop drawn here
    sent = [json.loads(e.proto.json) for e in at.get("bidi_component")
            if "fabrique_placement" in e.proto.component_name]
    elise = db.exec(select(ParticipantRow).where(
        ParticipantRow.token == running_workshop_app["token"])).one()
    assert sent == [{"port": (9103, 9104)[elise.id % 2]}]
    facilitator = open_as_facilitator(new_app, running_workshop_app["workshop_id"],
                                      "pages/facilitate.py")
    assert "Ouverture de votre page" not in texts(facilitator)
    assert "Phase 3 sur 9" in html(facilitator)


def test_without_a_server_a_phone_notes_its_presence_during_its_run(new_app, db,
                                                                     running_workshop_app):
    """AppTest has no server to gather presence (``push.available()`` false under its mock
    runtime): the phone's own run writes it, and no thread is left writing into the database
    between a test's read and its write."""
    import threading
    from datetime import timedelta

    from core.domain.models import utcnow
    from core.services import participants

    participant_id = db.exec(select(Participant.id)).one()
    participants.note_presence(session=db, participant_ids={participant_id},
                               seen_at=utcnow() - timedelta(hours=1))
    before = {t.ident for t in threading.enumerate()}
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert not at.exception
    fresh(db)
    seen = db.get(Participant, participant_id).last_seen_at.replace(tzinfo=None)
    assert seen > utcnow().replace(tzinfo=None) - timedelta(minutes=1)
    # ... with the phase its screen shows (the facilitator counts the phones behind).
    assert db.get(Participant, participant_id).on_phase == db.get(
        Workshop, running_workshop_app["workshop_id"]).current_phase == 2
    started = [t.name for t in threading.enumerate() if t.ident not in before]
    assert not [name for name in started if name.startswith("fabrique-")], started


def test_the_wall_of_each_phase_of_the_funnel(new_app, db, running_workshop_app):
    """The wall walks the agenda through ``ui/wall.BLOCKS``: each phase shows its own
    board; in "Prochaines étapes" the question is on the wall once, and the empty board
    asks for the first step rather than the question again."""
    wid = running_workshop_app["workshop_id"]
    facilitator = running_workshop_app["facilitator"]
    agenda = phases.phases_of(db, wid)
    seen = {}
    for phase in agenda:
        phases.go_to(session=fresh(db), actor=facilitator, workshop_id=wid, index=phase.position)
        at = open_as_facilitator(new_app, wid, "pages/projector.py")
        assert not at.exception, phase.kind
        seen[phase.kind] = unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html(at))))
    assert "/join?code=" in seen["welcome"] and "Qui fait quoi, pour quand" in seen[
        "next_steps"]
    assert seen["next_steps"].count("Qui fait quoi, pour quand") == 1
    assert "Aucune étape pour l'instant : écrivez la première" in seen["next_steps"]
    assert "0 / 1 ont voté" in seen["score"]
    assert "Pas encore de canevas" in seen["formalise"] or "Aucun canevas" in seen[
        "formalise"]


def test_the_facilitator_is_told_when_the_phones_do_not_follow(new_app, db,
                                                               running_workshop_app):
    """Thirty seconds after a phase change, a tenth of the room's phones still showing the
    phase before: the facilitator's screen says the computer does not keep up, and what
    to do; a single phone behind is only counted."""
    from datetime import timedelta

    from core.domain.models import utcnow
    from core.services import participants
    from tests.conftest import join

    wid = running_workshop_app["workshop_id"]
    workshop = db.get(Workshop, wid)
    room = [join(db, workshop, f"Personne {n}").participant_id for n in range(11)]
    current = workshop.current_phase
    workshop.phase_started_at = utcnow() - timedelta(seconds=30)
    db.add(workshop)
    db.commit()
    participants.note_presence(session=db, participant_ids=room[:5], seen_at=utcnow(),
                               on_phase=dict.fromkeys(room[:5], current))
    participants.note_presence(session=db, participant_ids=room[5:], seen_at=utcnow(),
                               on_phase=dict.fromkeys(room[5:], current - 1))
    at = open_as_facilitator(new_app, wid, "pages/facilitate.py")
    warned = [w.value for w in at.warning]
    assert any(w.startswith("6 téléphones sur 12 n'affichent pas encore cette étape, 3")
               and "deuxième serveur pour les participant·es, ou PostgreSQL" in w
               for w in warned), warned
    participants.note_presence(session=fresh(db), participant_ids=room[5:10],
                               seen_at=utcnow(), on_phase=dict.fromkeys(room[5:10], current))
    at.run()
    assert not [w.value for w in at.warning if "téléphones sur" in w.value]
    assert "1 téléphone sur 12 n'affiche pas encore cette étape." in texts(at)
