"""Rights, scene by scene, written by hand from the rights table ("Who may do what",
docs/developer.md) — not from ``policy.decide``: ``test_rights_matrix.py`` takes its
expectations from the policy itself, so a wrong rule in ``RULES`` would pass there. Here
each scene says in words what a person does, at which moment, and whether that table says
they may; the service is called as that person in the same world the matrix builds, and
the answer must be the one written.

A scene is (who, what, the phase the workshop is in, its stage, allowed?). "Allowed" means
not refused for rights: the service may still refuse the state of things ("already
started"), which is not what this table is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import Session

from core.domain import inputs
from core.domain.models import CardKind
from core.domain.policy import Stage, Who
from core.errors import FabriqueError, NotFound, PermissionDenied
from core.storage.db import get_engine
from tests.unit.test_rights_matrix import (
    EXPLORE,
    NEXT_STEPS,
    SCORE,
    World,
    _build,
    _function,
    _reset,
)

RUNNING, PAUSED, ENDED, DRAFT = Stage.RUNNING, Stage.PAUSED, Stage.ENDED, Stage.DRAFT
YES, NO = True, False


@dataclass(frozen=True)
class Scene:
    words: str
    who: Who
    service: str
    scene: str
    stage: Stage
    allowed: bool
    arguments: Any  # World -> dict


def edit_card(w: World) -> dict:
    return {"card_id": w.need, "templates": w.templates,
            "card_in": inputs.CardUpdate(text="Un médecin, le mardi")}


def new_card(w: World) -> dict:
    return {"workshop_id": w.workshop, "templates": w.templates,
            "card_in": inputs.CardCreate(text="Un médecin", kind=CardKind.NEED)}


def board(w: World) -> dict:
    return {"workshop_id": w.workshop, "kind": CardKind.NEED}


def support(w: World) -> dict:
    return {"card_id": w.owner_need}


def score(w: World) -> dict:
    return {"candidate_id": w.candidate, "criterion_id": w.criterion, "value": 4}


def results(w: World) -> dict:
    return {"workshop_id": w.workshop}


def status(w: World) -> dict:
    return {"action_id": w.own_action, "status": "doing", "note": "En cours"}


def open_status(w: World) -> dict:
    return {"action_id": w.open_action, "status": "doing", "note": "On s'y met"}


def comment(w: World) -> dict:
    return {"canvas_id": w.canvas, "section_key": "modele", "templates": w.templates,
            "comment_in": inputs.CommentCreate(text="Et le loyer ?")}


def read_canvas(w: World) -> dict:
    return {"canvas_id": w.canvas, "templates": w.templates}


def save_section(w: World) -> dict:
    return {"canvas_id": w.canvas, "section_key": "modele", "text": "Une épicerie",
            "base_revision_id": w.revision, "templates": w.templates}


def propose(w: World) -> dict:
    return {"workshop_id": w.workshop, "templates": w.templates,
            "action_in": inputs.ActionCreate(what="Voir la mairie")}


def take(w: World) -> dict:
    return {"action_id": w.open_action}


def edit_own_action(w: World) -> dict:
    return {"action_id": w.own_action, "templates": w.templates,
            "action_in": inputs.ActionUpdate(what="Appeler l'ARS lundi")}


def edit_open_action(w: World) -> dict:
    return {"action_id": w.open_action, "templates": w.templates,
            "action_in": inputs.ActionUpdate(what="Chiffrer le loyer")}


def workshop(w: World) -> dict:
    return {"workshop_id": w.workshop}


def collective(w: World) -> dict:
    return {"collective_id": w.collective}


def canvas(w: World) -> dict:
    return {"canvas_id": w.canvas}


SCENES = [
    # Cards on the board
    Scene("a participant writes a need on the board of the current phase", Who.PARTICIPANT,
          "cards.add_card", EXPLORE, RUNNING, YES, new_card),
    Scene("a participant writes a need while the workshop is paused", Who.PARTICIPANT,
          "cards.add_card", EXPLORE, PAUSED, YES, new_card),
    Scene("a participant writes a need after the end", Who.PARTICIPANT, "cards.add_card",
          EXPLORE, ENDED, NO, new_card),
    Scene("a participant writes a need before the start", Who.PARTICIPANT, "cards.add_card",
          EXPLORE, DRAFT, NO, new_card),
    Scene("a participant writes a need during the vote (not that phase's board)",
          Who.PARTICIPANT, "cards.add_card", SCORE, RUNNING, NO, new_card),
    Scene("a participant edits their own need while it is that board's phase",
          Who.PARTICIPANT, "cards.update_card", EXPLORE, RUNNING, YES, edit_card),
    Scene("a removed participant edits their card after the end", Who.REMOVED,
          "cards.update_card", EXPLORE, ENDED, NO, edit_card),
    Scene("a removed participant edits their card while it runs", Who.REMOVED,
          "cards.update_card", EXPLORE, RUNNING, NO, edit_card),
    Scene("the owner writes a card after the end", Who.OWNER, "cards.add_card", EXPLORE,
          ENDED, YES, new_card),
    Scene("an admin writes a card before the start", Who.ADMIN, "cards.add_card", EXPLORE,
          DRAFT, YES, new_card),
    Scene("another facilitator writes a card in someone else's workshop",
          Who.OTHER_FACILITATOR, "cards.add_card", EXPLORE, RUNNING, NO, new_card),
    Scene("an edit link writes a card on the board", Who.LINK_EDIT, "cards.add_card",
          EXPLORE, RUNNING, NO, new_card),
    # Seeing
    Scene("a participant sees the board after the end", Who.PARTICIPANT, "cards.board",
          EXPLORE, ENDED, YES, board),
    Scene("a participant of another workshop sees this workshop's board",
          Who.PARTICIPANT_ELSEWHERE, "cards.board", EXPLORE, RUNNING, NO, board),
    Scene("a deactivated admin account sees the board", Who.INACTIVE_ACCOUNT, "cards.board",
          EXPLORE, RUNNING, NO, board),
    Scene("nobody (no sign-in, no link) sees the board", Who.NOBODY, "cards.board", EXPLORE,
          RUNNING, NO, board),
    Scene("a read link sees the workshop's board (links open canvases and next steps)",
          Who.LINK_READ, "cards.board", EXPLORE, RUNNING, NO, board),
    # "Ça me concerne"
    Scene("a participant says a need concerns them while it runs", Who.PARTICIPANT,
          "cards.toggle_support", EXPLORE, RUNNING, YES, support),
    Scene("a participant says a need concerns them after the end", Who.PARTICIPANT,
          "cards.toggle_support", EXPLORE, ENDED, NO, support),
    Scene("the owner says a need concerns them (only participants do)", Who.OWNER,
          "cards.toggle_support", EXPLORE, RUNNING, NO, support),
    # The vote
    Scene("a participant scores while the vote is open", Who.PARTICIPANT,
          "scoring.submit_score", SCORE, RUNNING, YES, score),
    Scene("a participant scores while the workshop is paused, vote open", Who.PARTICIPANT,
          "scoring.submit_score", SCORE, PAUSED, YES, score),
    Scene("a participant scores after the end (the vote closed with it)", Who.PARTICIPANT,
          "scoring.submit_score", SCORE, ENDED, NO, score),
    Scene("the owner scores, having said they vote too", Who.OWNER, "scoring.submit_score",
          SCORE, RUNNING, YES, score),
    Scene("a participant of another workshop scores here", Who.PARTICIPANT_ELSEWHERE,
          "scoring.submit_score", SCORE, RUNNING, NO, score),
    Scene("a participant sees the results once revealed", Who.PARTICIPANT, "scoring.results",
          SCORE, RUNNING, YES, results),
    Scene("an edit link sees the vote's results", Who.LINK_EDIT, "scoring.results", SCORE,
          RUNNING, NO, results),
    # Canvases
    Scene("a read link reads the canvas between sessions", Who.LINK_READ,
          "canvases.canvas_view", EXPLORE, ENDED, YES, read_canvas),
    Scene("a revoked link reads the canvas", Who.LINK_REVOKED, "canvases.canvas_view",
          EXPLORE, ENDED, NO, read_canvas),
    Scene("another collective's link reads this canvas", Who.LINK_ELSEWHERE,
          "canvases.canvas_view", EXPLORE, RUNNING, NO, read_canvas),
    Scene("a removed participant reads the canvas", Who.REMOVED, "canvases.canvas_view",
          EXPLORE, RUNNING, NO, read_canvas),
    Scene("a comment link comments a section after the end", Who.LINK_COMMENT,
          "canvas_comments.add_comment", EXPLORE, ENDED, YES, comment),
    Scene("a read link comments a section", Who.LINK_READ, "canvas_comments.add_comment",
          EXPLORE, RUNNING, NO, comment),
    Scene("a participant comments a section while paused", Who.PARTICIPANT,
          "canvas_comments.add_comment", EXPLORE, PAUSED, YES, comment),
    Scene("a participant comments a section after the end", Who.PARTICIPANT,
          "canvas_comments.add_comment", EXPLORE, ENDED, NO, comment),
    Scene("an edit link writes a section after the end", Who.LINK_EDIT,
          "canvases.save_section", EXPLORE, ENDED, YES, save_section),
    Scene("a comment link writes a section", Who.LINK_COMMENT, "canvases.save_section",
          EXPLORE, RUNNING, NO, save_section),
    Scene("a participant writes a section while it runs", Who.PARTICIPANT,
          "canvases.save_section", EXPLORE, RUNNING, YES, save_section),
    Scene("a participant writes a section after the end", Who.PARTICIPANT,
          "canvases.save_section", EXPLORE, ENDED, NO, save_section),
    Scene("a participant starts a canvas", Who.PARTICIPANT, "canvases.start_canvas",
          EXPLORE, RUNNING, NO, lambda w: {"workshop_id": w.workshop,
                                           "templates": w.templates, "title": "Le mien"}),
    Scene("the admin deletes a collective's canvas", Who.ADMIN, "canvases.delete_canvas",
          EXPLORE, ENDED, YES, canvas),
    Scene("an edit link deletes the canvas", Who.LINK_EDIT, "canvases.delete_canvas",
          EXPLORE, RUNNING, NO, canvas),
    # Next steps
    Scene("a participant proposes a next step during the next-steps phase", Who.PARTICIPANT,
          "actions.add_action", NEXT_STEPS, RUNNING, YES, propose),
    Scene("a participant proposes a next step while needs are being explored",
          Who.PARTICIPANT, "actions.add_action", EXPLORE, RUNNING, NO, propose),
    Scene("a participant takes a step nobody has taken, during next steps", Who.PARTICIPANT,
          "actions.take_action", NEXT_STEPS, RUNNING, YES, take),
    Scene("the owner takes a step for themselves (only participants take)", Who.OWNER,
          "actions.take_action", NEXT_STEPS, RUNNING, NO, take),
    Scene("a participant takes a step after the end", Who.PARTICIPANT, "actions.take_action",
          NEXT_STEPS, ENDED, NO, take),
    Scene("a participant rewrites their own step during next steps", Who.PARTICIPANT,
          "actions.update_action", NEXT_STEPS, RUNNING, YES, edit_own_action),
    Scene("a participant rewrites a step that is not theirs", Who.PARTICIPANT,
          "actions.update_action", NEXT_STEPS, RUNNING, NO, edit_open_action),
    Scene("a participant rewrites their own step once the phase has moved on",
          Who.PARTICIPANT, "actions.update_action", EXPLORE, RUNNING, NO, edit_own_action),
    Scene("an edit link updates an action's status", Who.LINK_EDIT, "actions.set_status",
          NEXT_STEPS, ENDED, YES, status),
    Scene("a read link updates an action's status", Who.LINK_READ, "actions.set_status",
          NEXT_STEPS, ENDED, NO, status),
    Scene("a participant moves their own step's status while it runs", Who.PARTICIPANT,
          "actions.set_status", EXPLORE, RUNNING, YES, status),
    Scene("a participant moves their own step's status after the end", Who.PARTICIPANT,
          "actions.set_status", NEXT_STEPS, ENDED, NO, status),
    Scene("a participant moves the status of a step that is not theirs", Who.PARTICIPANT,
          "actions.set_status", NEXT_STEPS, RUNNING, NO, open_status),
    Scene("a comment link sees the collective's next steps across workshops",
          Who.LINK_COMMENT, "actions.collective_actions", EXPLORE, ENDED, YES, collective),
    Scene("a participant sees the collective's next steps across its workshops",
          Who.PARTICIPANT, "actions.collective_actions", EXPLORE, RUNNING, NO, collective),
    Scene("a participant sees their workshop's next steps after the end", Who.PARTICIPANT,
          "actions.workshop_actions", EXPLORE, ENDED, YES, workshop),
    # Running the workshop
    Scene("a participant moves the workshop to the next phase", Who.PARTICIPANT,
          "phases.next_phase", EXPLORE, RUNNING, NO, workshop),
    Scene("another facilitator lists the participants", Who.OTHER_FACILITATOR,
          "participants.list_participants", EXPLORE, RUNNING, NO, workshop),
    Scene("the owner lists the participants after the end", Who.OWNER,
          "participants.list_participants", EXPLORE, ENDED, YES, workshop),
    Scene("a participant asks how many phones are behind", Who.PARTICIPANT,
          "participants.room_progress", EXPLORE, RUNNING, NO, workshop),
    Scene("the owner asks how many phones are behind", Who.OWNER,
          "participants.room_progress", EXPLORE, RUNNING, YES, workshop),
    Scene("an edit link exports the collective", Who.LINK_EDIT,
          "transfer.export_collective", EXPLORE, ENDED, NO, collective),
    Scene("the admin exports a collective they do not own", Who.ADMIN,
          "transfer.export_collective", EXPLORE, ENDED, YES, collective),
]


def test_the_scenes_are_many_and_each_is_said_once():
    assert len(SCENES) >= 40
    assert len({s.words for s in SCENES}) == len(SCENES)
    # Both answers are written: a table of only "no" (or only "yes") would prove little.
    assert sum(s.allowed for s in SCENES) >= 15 and sum(not s.allowed for s in SCENES) >= 15


@pytest.fixture(scope="module")
def engine_url(tmp_path_factory) -> str:
    from core.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('scenes') / 'scenes.db'}"
    upgrade(url)
    return url


@pytest.mark.parametrize(("scene", "stage"), sorted({(s.scene, s.stage) for s in SCENES},
                                                    key=str))
def test_each_scene_gets_the_answer_the_readme_gives(engine_url, templates, scene, stage):
    engine = get_engine(engine_url, write=True)
    _reset(engine)
    with Session(engine, expire_on_commit=False) as setup:
        world = _build(setup, templates, scene, stage)
    wrong = []
    for case in (s for s in SCENES if (s.scene, s.stage) == (scene, stage)):
        with engine.connect() as connection:
            outer = connection.begin()
            session = Session(bind=connection, expire_on_commit=False,
                              join_transaction_mode="create_savepoint")
            try:
                _function(case.service)(session=session, actor=world.actors[case.who],
                                        **case.arguments(world))
                allowed = True
            except (PermissionDenied, NotFound):
                allowed = False
            except FabriqueError:
                allowed = True  # let in, then refused the state of things
            finally:
                session.close()
                outer.rollback()
        if allowed != case.allowed:
            wrong.append(f"{case.words}: {'allowed' if allowed else 'refused'}, the table "
                         f"says {'yes' if case.allowed else 'no'}")
    assert wrong == [], "\n".join(wrong)
