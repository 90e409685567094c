"""Every service that reads or changes workshop data, called by every kind of actor, in
every stage of a workshop's life — expected outcomes from ``policy.RULES``.

The list of services is not written by hand: every public function of ``core/services``
that takes an ``actor`` must have a case below (or a reason to be left out), so a new
service cannot be forgotten. Each case names the right (``Act``) the service is governed by
and the scene it needs (the phase whose board participants may write on); the test then
calls it as each ``Who`` in each ``Stage`` and checks:

- where ``RULES[act]`` lets that actor in at that stage, the call is not refused for rights
  (it may still refuse the state of things, e.g. "already started": that is let in);
- everywhere else it is refused (``PermissionDenied``, or ``NotFound`` for what the actor
  may not even know exists).

Each call runs inside a savepoint that is rolled back, so every call meets the same world.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session

import core.outputs
import core.services
from core.domain import inputs
from core.domain.actors import CollectiveActor, ParticipantActor
from core.domain.models import (
    AccessRole,
    CardKind,
    Participant,
    PhaseKind,
    Role,
    User,
    VoteMode,
    Workshop,
    WorkshopStatus,
    utcnow,
)
from core.domain.policy import ACTION_BOARD, Act, Stage, Where, Who, decide
from core.errors import FabriqueError, NotFound, PermissionDenied
from core.services import (
    actions,
    canvas_comments,
    canvas_links,
    canvases,
    cards,
    clusters,
    imports,
    participants,
    phases,
    projects,
    scoring,
    workshops,
)
from core.storage.db import get_engine
from tests.conftest import join, make_user

# Scenes: the phase the workshop is in (what participants may write on).
EXPLORE, SCORE, NEXT_STEPS, DIAGNOSTIC = "explore", "score", "next_steps", "diagnostic"


@dataclass
class World:
    """Everything a case may name: ids of one collective's workshop and its neighbours."""

    templates: Any
    actors: dict[Who, Any]
    collective: int
    workshop: int
    other_workshop: int
    phase: int
    need: int  # the participant's own need
    owner_need: int  # the facilitator's need
    deleted_need: int
    idea: int
    group: int
    other_group: int
    merged: int  # a duplicate merged into the facilitator's need
    canvas: int
    revision: int
    comment: int
    own_action: int  # proposed by the participant
    open_action: int  # nobody's yet
    deleted_action: int
    candidate: int
    criterion: int
    participant_row: int  # the participant's own row
    access: int  # a link of the collective
    # A "chacun son projet" workshop of the same collective, its porteur's project:
    projects_workshop: int = 0
    project: int = 0
    project_canvas: int = 0
    project_revision: int = 0
    project_action: int = 0  # a step of the porteur's own project


# --- the cases: service -> (right, scene, arguments) --------------------------------------

T = Callable[[World], dict[str, Any]]


def _none(_w: World) -> dict[str, Any]:
    return {}


CASES: dict[str, tuple[Act, str, T]] = {
    # actions
    "actions.add_action": (Act.PROPOSE_ACTION, NEXT_STEPS, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates,
        "action_in": inputs.ActionCreate(what="Voir la mairie")}),
    "actions.canvas_actions": (Act.READ_CANVAS, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "actions.changes_since": (Act.SEE_ACTIONS, EXPLORE, lambda w: {
        "collective_id": w.collective, "since": utcnow() - timedelta(days=1)}),
    "actions.collective_actions": (Act.SEE_ACTIONS, EXPLORE,
                                   lambda w: {"collective_id": w.collective}),
    "actions.delete_action": (Act.EDIT_ACTION, NEXT_STEPS,
                              lambda w: {"action_id": w.own_action}),
    "actions.deleted_actions": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "actions.history": (Act.SEE_ACTIONS, EXPLORE, lambda w: {"action_id": w.own_action}),
    "actions.restore_action": (Act.FACILITATE, NEXT_STEPS,
                               lambda w: {"action_id": w.deleted_action}),
    "actions.sessions": (Act.SEE_ACTIONS, EXPLORE, lambda w: {"collective_id": w.collective}),
    "actions.set_status": (Act.UPDATE_ACTION, NEXT_STEPS, lambda w: {
        "action_id": w.own_action, "status": "doing", "note": "En cours"}),
    "actions.take_action": (Act.TAKE_ACTION, NEXT_STEPS, lambda w: {"action_id": w.open_action}),
    "actions.update_action": (Act.EDIT_ACTION, NEXT_STEPS, lambda w: {
        "action_id": w.own_action, "templates": w.templates,
        "action_in": inputs.ActionUpdate(what="Voir la maire")}),
    "actions.workshop_actions": (Act.SEE_ACTIONS, EXPLORE,
                                 lambda w: {"workshop_id": w.workshop}),
    # where a project stands with its collectivité
    "relation.answer": (Act.ANSWER_DIAGNOSTIC, DIAGNOSTIC, lambda w: {
        "workshop_id": w.workshop, "signs": ["curiosite"], "level": "",
        "templates": w.templates}),
    "relation.answers_together": (Act.SEE_DIAGNOSTIC, DIAGNOSTIC, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates}),
    "relation.diagnostic": (Act.SEE, DIAGNOSTIC, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates}),
    "relation.reveal": (Act.FACILITATE, DIAGNOSTIC, lambda w: {"workshop_id": w.workshop}),
    "relation.set_subject": (Act.FACILITATE, DIAGNOSTIC, lambda w: {
        "workshop_id": w.workshop, "canvas_id": w.canvas}),
    "relation.record_level": (Act.RECORD_LEVEL, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "level": "observation", "note": "Curieux",
        "templates": w.templates}),
    "relation.relation": (Act.READ_CANVAS, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "templates": w.templates}),
    "relation.choose_levers": (Act.CHOOSE_LEVER, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "workshop_id": w.workshop, "templates": w.templates,
        "picks": [inputs.LeverPick(lever="coordination")]}),
    "relation.moves_since": (Act.SEE_ACTIONS, EXPLORE, lambda w: {
        "collective_id": w.collective, "since": utcnow() - timedelta(days=1)}),
    # canvases, their comments and links
    "canvas_comments.add_comment": (Act.COMMENT_CANVAS, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "section_key": "modele", "templates": w.templates,
        "comment_in": inputs.CommentCreate(text="Et le loyer ?")}),
    "canvas_comments.comments": (Act.READ_CANVAS, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "canvas_comments.set_resolved": (Act.COMMENT_CANVAS, EXPLORE, lambda w: {
        "comment_id": w.comment, "resolved": True}),
    "canvas_links.create_access": (Act.MANAGE_COLLECTIVE, EXPLORE, lambda w: {
        "collective_id": w.collective, "role": AccessRole.READ}),
    "canvas_links.list_access": (Act.MANAGE_COLLECTIVE, EXPLORE,
                                 lambda w: {"collective_id": w.collective}),
    "canvas_links.revoke_access": (Act.MANAGE_COLLECTIVE, EXPLORE,
                                   lambda w: {"access_id": w.access}),
    "canvases.canvas_stamp": (Act.READ_CANVAS, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "canvases.canvas_view": (Act.READ_CANVAS, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "templates": w.templates}),
    "canvases.changed_since": (Act.READ_CANVAS, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "since": utcnow() - timedelta(days=1)}),
    "canvases.delete_canvas": (Act.MANAGE_COLLECTIVE, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "canvases.history": (Act.READ_CANVAS, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "canvases.list_canvases": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "canvases.restore": (Act.EDIT_CANVAS, EXPLORE, lambda w: {
        "revision_id": w.revision, "templates": w.templates}),
    "canvases.save_section": (Act.EDIT_CANVAS, EXPLORE, lambda w: {
        "canvas_id": w.canvas, "section_key": "modele", "text": "Une épicerie associative",
        "base_revision_id": w.revision, "templates": w.templates}),
    "canvases.start_canvas": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates, "title": "Un autre projet"}),
    "canvases.working_days": (Act.READ_CANVAS, EXPLORE, lambda w: {"canvas_id": w.canvas}),
    "canvases.workshop_stamp": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    # cards
    "cards.add_card": (Act.WRITE_CARD, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates,
        "card_in": inputs.CardCreate(text="Un médecin", kind=CardKind.NEED)}),
    "cards.board": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop,
                                                 "kind": CardKind.NEED}),
    "cards.board_revision": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "cards.delete_card": (Act.WRITE_CARD, EXPLORE, lambda w: {"card_id": w.need}),
    "cards.live_board": (Act.SEE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "kind": CardKind.NEED, "revision": 0}),
    "cards.restore_card": (Act.FACILITATE, EXPLORE, lambda w: {"card_id": w.deleted_need}),
    "cards.set_links": (Act.FACILITATE, EXPLORE, lambda w: {
        "idea_id": w.idea, "need_ids": [w.need]}),
    "cards.toggle_support": (Act.SUPPORT, EXPLORE, lambda w: {"card_id": w.owner_need}),
    "cards.update_card": (Act.WRITE_CARD, EXPLORE, lambda w: {
        "card_id": w.need, "templates": w.templates,
        "card_in": inputs.CardUpdate(text="Un médecin, le mardi")}),
    # groups
    "clusters.accept_groups": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "kind": CardKind.NEED, "groups": []}),
    "clusters.create_group": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "group_in": inputs.GroupCreate(name="Santé")}),
    "clusters.dissolve_group": (Act.FACILITATE, EXPLORE, lambda w: {"cluster_id": w.group}),
    "clusters.group_board": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop,
                                                          "kind": CardKind.NEED}),
    "clusters.merge_cards": (Act.FACILITATE, EXPLORE, lambda w: {
        "keep_id": w.owner_need, "other_id": w.need}),
    "clusters.merge_groups": (Act.FACILITATE, EXPLORE, lambda w: {
        "source_id": w.group, "target_id": w.other_group}),
    "clusters.move_cards": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "moves": [(w.need, None, 0)]}),
    # Computed from the board as the actor may see it (another's hidden card is not there).
    "clusters.similar_cards": (Act.SEE, EXPLORE, lambda w: {"card_id": w.need}),
    "clusters.split_card": (Act.FACILITATE, EXPLORE, lambda w: {"card_id": w.merged}),
    "clusters.suggest": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop,
                                                             "kind": CardKind.NEED, "k": 2}),
    "clusters.update_group": (Act.FACILITATE, EXPLORE, lambda w: {
        "cluster_id": w.group, "group_in": inputs.GroupUpdate(name="Soins")}),
    # participants
    "participants.list_participants": (Act.FACILITATE, EXPLORE,
                                       lambda w: {"workshop_id": w.workshop}),
    "participants.room_progress": (Act.FACILITATE, EXPLORE,
                                   lambda w: {"workshop_id": w.workshop}),
    "participants.remove_participant": (Act.FACILITATE, EXPLORE,
                                        lambda w: {"participant_id": w.participant_row}),
    "participants.rename_participant": (Act.FACILITATE, EXPLORE, lambda w: {
        "participant_id": w.participant_row, "display_name": "Élise B."}),
    # personal data, exports, moving a collective
    "privacy.anonymise_participant": (Act.FACILITATE, EXPLORE,
                                      lambda w: {"participant_id": w.participant_row}),
    "privacy.set_retention": (Act.MANAGE_COLLECTIVE, EXPLORE,
                              lambda w: {"collective_id": w.collective, "days": 30}),
    "privacy.delete_collective": (Act.MANAGE_COLLECTIVE, EXPLORE, lambda w: {
        "collective_id": w.collective, "confirm": "not its name"}),
    "exports.sheets": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "templates": w.templates, "lang": "fr"}),
    "imports.import_cards": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop, "plan": imports.ImportPlan(
            drafts=[imports.CardDraft(line=2, text="Une ligne importée", theme="",
                                      source="")], problems=[], blank=0)}),
    "transfer.export_collective": (Act.MANAGE_COLLECTIVE, EXPLORE,
                                   lambda w: {"collective_id": w.collective}),
    # phases
    "phases.add_phase": (Act.FACILITATE, EXPLORE, lambda w: {
        "workshop_id": w.workshop,
        "phase_in": inputs.PhaseCreate(kind=PhaseKind.EXCHANGE, title="Pause café",
                                       duration_min=10)}),
    "phases.add_time": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop,
                                                            "seconds": 300}),
    "scoring.close_vote": (Act.FACILITATE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "phases.end": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.go_to": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop,
                                                         "index": 0}),
    "phases.live_state": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.move_phase": (Act.FACILITATE, EXPLORE, lambda w: {"phase_id": w.phase,
                                                              "offset": 1}),
    "phases.next_phase": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.open_vote": (Act.FACILITATE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "phases.pause": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.previous_phase": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.remove_phase": (Act.FACILITATE, EXPLORE, lambda w: {"phase_id": w.phase}),
    "phases.resume": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.reveal_cards": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.reveal_results": (Act.FACILITATE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "phases.set_locked": (Act.FACILITATE, EXPLORE, lambda w: {"phase_id": w.phase,
                                                              "locked": True}),
    "phases.start": (Act.FACILITATE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "phases.update_phase": (Act.FACILITATE, EXPLORE, lambda w: {
        "phase_id": w.phase,
        "phase_in": inputs.PhaseUpdate(title="Explorer", duration_min=20)}),
    # scoring
    "scoring.add_criterion": (Act.FACILITATE, SCORE, lambda w: {
        "workshop_id": w.workshop, "name": "Coût"}),
    "scoring.apply_criteria_set": (Act.FACILITATE, SCORE, lambda w: {
        "workshop_id": w.workshop,
        "criteria_set": w.templates.criteria_sets["impact-effort"]}),
    "scoring.configure_votes": (Act.FACILITATE, SCORE, lambda w: {
        "workshop_id": w.workshop, "mode": VoteMode.SCORES, "facilitator_votes": True}),
    "scoring.my_ballot": (Act.SEE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.remove_criterion": (Act.FACILITATE, SCORE, lambda w: {"criterion_id": w.criterion}),
    "scoring.results": (Act.SEE_RESULTS, SCORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.results_view": (Act.SEE_RESULTS, SCORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.scoring_board": (Act.SEE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.set_candidates": (Act.FACILITATE, SCORE, lambda w: {"workshop_id": w.workshop}),
    "scoring.set_dots": (Act.VOTE, SCORE, lambda w: {"candidate_id": w.candidate, "dots": 1}),
    "scoring.set_selected": (Act.FACILITATE, SCORE, lambda w: {
        "candidate_id": w.candidate, "selected": True}),
    "scoring.set_weight": (Act.FACILITATE, SCORE, lambda w: {"criterion_id": w.criterion,
                                                             "weight": 2}),
    "scoring.submit_score": (Act.VOTE, SCORE, lambda w: {
        "candidate_id": w.candidate, "criterion_id": w.criterion, "value": 4}),
    # synthesis, collectives and workshops
    "synthesis.build": (Act.FACILITATE, EXPLORE, lambda w: {
        "templates": w.templates, "lang": "fr", "workshop_id": w.workshop}),
    "workshops.agenda": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "workshops.create_workshop": (Act.MANAGE_COLLECTIVE, EXPLORE, lambda w: {
        "collective_id": w.collective, "workshop_in": inputs.WorkshopCreate(title="Suite"),
        "workshop_format": w.templates.formats["soiree-2h"], "lang": "fr"}),
    "workshops.find_workshop": (Act.SEE, EXPLORE, lambda w: {"reference": str(w.workshop)}),
    "workshops.get_collective": (Act.MANAGE_COLLECTIVE, EXPLORE,
                                 lambda w: {"collective_id": w.collective}),
    "workshops.get_workshop": (Act.SEE, EXPLORE, lambda w: {"workshop_id": w.workshop}),
    "workshops.list_workshops": (Act.MANAGE_COLLECTIVE, EXPLORE,
                                 lambda w: {"collective_id": w.collective}),
}

# The same rights on a porteur's project, in a "chacun son projet" workshop: the porteur
# (Who.PORTEUR), a partner paired with them during "regards croisés" (Who.PARTNER, the scene
# PAIRS) or not (the scene FORMALISE), another porteur (Who.OTHER_PROJECT).
PAIRS, FORMALISE = "pairs", "formalise"
PROJECT_CASES: dict[str, tuple[Act, str, T]] = {
    f"{name}@{scene}": (act, scene, arguments)
    for scene in (PAIRS, FORMALISE)
    for name, (act, arguments) in {
        "canvases.canvas_view": (Act.READ_CANVAS, lambda w: {
            "canvas_id": w.project_canvas, "templates": w.templates}),
        "canvases.save_section": (Act.EDIT_CANVAS, lambda w: {
            "canvas_id": w.project_canvas, "section_key": "valeur", "text": "Du lien",
            "base_revision_id": None, "templates": w.templates}),
        "canvas_comments.add_comment": (Act.COMMENT_CANVAS, lambda w: {
            "canvas_id": w.project_canvas, "section_key": "besoin", "templates": w.templates,
            "comment_in": inputs.CommentCreate(text="Ce qui me parle")}),
        "canvas_comments.comments": (Act.READ_CANVAS, lambda w: {
            "canvas_id": w.project_canvas}),
        "actions.add_action": (Act.PROPOSE_ACTION, lambda w: {
            "workshop_id": w.projects_workshop, "templates": w.templates,
            "action_in": inputs.ActionCreate(what="Voir la mairie",
                                             canvas_id=w.project_canvas)}),
        "actions.set_status": (Act.UPDATE_ACTION, lambda w: {
            "action_id": w.project_action, "status": "doing", "note": "En cours"}),
        "projects.update_project": (Act.MANAGE_PROJECT, lambda w: {
            "project_id": w.project, "templates": w.templates,
            "project_in": inputs.ProjectUpdate(pitch="Épicerie vrac itinérante")}),
        "projects.board": (Act.FACILITATE, lambda w: {
            "workshop_id": w.projects_workshop, "templates": w.templates}),
        "projects.make_pairs": (Act.FACILITATE, lambda w: {
            "workshop_id": w.projects_workshop}),
        "projects.ask_feature": (Act.FACILITATE, lambda w: {"project_id": w.project}),
        "projects.wall": (Act.FACILITATE, lambda w: {
            "workshop_id": w.projects_workshop, "focus": ("besoin",)}),
        "projects.set_followup": (Act.MANAGE_COLLECTIVE, lambda w: {
            "project_id": w.project, "followup_in": inputs.FollowUp(stage="testing")}),
        "relation.record_level": (Act.RECORD_LEVEL, lambda w: {
            "canvas_id": w.project_canvas, "level": "defiance", "note": "",
            "templates": w.templates}),
        "relation.choose_levers": (Act.CHOOSE_LEVER, lambda w: {
            "canvas_id": w.project_canvas, "workshop_id": w.projects_workshop,
            "templates": w.templates, "picks": [inputs.LeverPick(lever="premiere-action")]}),
        "relation.relation": (Act.READ_CANVAS, lambda w: {
            "canvas_id": w.project_canvas, "templates": w.templates}),
    }.items()
}
# Facilitator-only services of a projects workshop, the same as board's right: walked once.
FACILITATE_TOO = ("projects.lower_hand", "projects.raised_hands", "projects.pairs",
                  "projects.stop_feature")

# Services with an actor that are not about one collective's workshop data, and where
# their rights are tested instead.
LEFT_OUT = {
    "accounts.change_password": "one's own account (tests/unit/test_accounts.py)",
    "accounts.create_user": "admin only, accounts (tests/unit/test_accounts.py)",
    "accounts.list_users": "admin only, accounts (tests/unit/test_accounts.py)",
    "accounts.set_active": "admin only, accounts (tests/unit/test_accounts.py)",
    "workshops.all_workshops": "admin only, every collective (tests/unit/test_workshops.py)",
    "workshops.all_collectives": "admin only, every collective (tests/unit/test_privacy.py)",
    "workshops.create_collective": "any facilitator starts a collective of their own",
    "workshops.list_collectives": "each facilitator's own list (tests/unit/test_workshops.py)",
    "canvas_links.collective_canvases": "the link's own collective (tests/unit/test_canvases.py)",
    "participants.touch": "a participant's own presence (tests/unit/test_presence.py)",
    "participants.set_named": "a participant's own choice to be named "
                              "(tests/unit/test_synthesis.py)",
    "participants.own": "a participant's own row (tests/unit/test_synthesis.py)",
    "cards.own_board": "a participant's own board, no one else's: ``live_board``'s checks, "
                       "walked above, and a refusal of the others (tests/unit/test_cards.py)",
    "privacy.deleted_collectives": "admin only, every collective (tests/unit/test_privacy.py)",
    "privacy.restore_collective": "admin only, every collective (tests/unit/test_privacy.py)",
    "transfer.import_collective": "any facilitator brings a collective of their own "
                                  "(tests/unit/test_transfer.py)",
    "projects.start_project": "a participant's own project (tests/unit/test_projects.py)",
    "canvas_links.team_link": "a porteur's own project's link, refused to everyone else "
                              "(tests/unit/test_projects.py)",
    "projects.hand_is_up": "a participant's own hand (tests/unit/test_projects.py)",
    "projects.join_project": "a participant joins a teammate's (tests/unit/test_projects.py)",
    "projects.my_project": "a participant's own project (tests/unit/test_projects.py)",
    "projects.joinable_projects": "a participant's own workshop (tests/unit/test_projects.py)",
    "projects.my_partners": "a participant's own pairs (tests/unit/test_projects.py)",
    "projects.raise_hand": "a participant's own hand (tests/unit/test_projects.py)",
    "projects.set_contact": "typed by the porteur only, never the facilitator "
                            "(tests/unit/test_projects.py)",
    "projects.answer_feature": "the porteur's own agreement (tests/unit/test_projects.py)",
    "projects.followup": "each facilitator's own projects (tests/unit/test_projects.py)",
    "canvas_comments.share_comment": "a porteur shares on their own project "
                                     "(tests/unit/test_projects.py)",
    **{name: "the facilitator's, as projects.board (walked above)" for name in FACILITATE_TOO},
}

STAGES = list(Stage)
WHOS = list(Who)


# The parts of core that act for someone: the services, and the outputs that read through
# them with the reader's rights (a workshop's spreadsheets).
ACTING = (core.services, core.outputs)


def _module(name: str) -> Any:
    """The module ``name`` (no package) of the acting parts."""
    for package in ACTING:
        if any(m.name == name for m in pkgutil.iter_modules(package.__path__)):
            return importlib.import_module(f"{package.__name__}.{name}")
    raise LookupError(name)


def _services() -> set[str]:
    """Every public function of ``core/services`` and ``core/outputs`` that takes an
    ``actor``."""
    found = set()
    for module_info in (m for package in ACTING for m in pkgutil.iter_modules(package.__path__)):
        module = _module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            parameter = inspect.signature(function).parameters.get("actor")
            if parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                found.add(f"{module_info.name}.{name}")
    return found


def test_every_service_with_an_actor_has_a_case():
    services = _services()
    project_services = {name.split("@")[0] for name in PROJECT_CASES}
    covered = set(CASES) | set(LEFT_OUT) | project_services
    assert sorted(services - covered) == [], "a service without a case"
    assert sorted(covered - services) == [], "a case without a service"
    walked = {act for act, _scene, _args in (*CASES.values(), *PROJECT_CASES.values())}
    assert walked == set(Act)  # every right is walked


# --- the world ------------------------------------------------------------------------------


def _build(session: Session, templates, scene: str, stage: Stage) -> World:
    admin = make_user(session, "admin", Role.ADMIN)
    owner = make_user(session, "camille")
    other = make_user(session, "dominique")
    inactive = make_user(session, "ancien", Role.ADMIN)
    user = session.get(User, inactive.user_id)
    user.deactivated_at = utcnow()
    session.commit()

    def new_collective(actor, name):
        return workshops.create_collective(session=session, actor=actor,
                                           collective_in=inputs.CollectiveCreate(name=name))

    def new_workshop(actor, collective, title, fmt="soiree-2h"):
        return workshops.create_workshop(
            session=session, actor=actor, collective_id=collective.id,
            workshop_in=inputs.WorkshopCreate(title=title),
            workshop_format=templates.formats[fmt], lang="fr")

    collective = new_collective(owner, "Collectif de Miallet")
    workshop = new_workshop(owner, collective, "Atelier besoins")
    elsewhere = new_workshop(owner, collective, "Atelier suivant")
    far = new_collective(other, "Collectif de Thiviers")
    wid = workshop.id
    phases.start(session=session, actor=owner, workshop_id=wid)
    phases.start(session=session, actor=owner, workshop_id=elsewhere.id)

    def go(kind: PhaseKind) -> None:
        index = next(p.position for p in phases.phases_of(session, wid) if p.kind == kind)
        phases.go_to(session=session, actor=owner, workshop_id=wid, index=index)

    def add(actor, text, kind=CardKind.NEED, **kw):
        return cards.add_card(session=session, actor=actor, workshop_id=wid,
                              card_in=inputs.CardCreate(text=text, kind=kind, **kw),
                              templates=templates)

    go(PhaseKind.EXPLORE)
    elise = join(session, workshop, "Élise")
    gone = join(session, workshop, "Gaston")
    marc = join(session, elsewhere, "Marc")
    need = add(elise, "Pas de médecin")
    owner_need = add(owner, "Pas de bus")
    deleted = add(owner, "Pas de gare")
    cards.delete_card(session=session, actor=owner, card_id=deleted.id)
    idea = add(owner, "Un cabinet partagé", CardKind.IDEA, need_ids=(owner_need.id,))
    group = clusters.create_group(session=session, actor=owner, workshop_id=wid,
                                  group_in=inputs.GroupCreate(name="Santé",
                                                              kind=CardKind.NEED))
    other_group = clusters.create_group(session=session, actor=owner, workshop_id=wid,
                                        group_in=inputs.GroupCreate(name="Mobilité",
                                                                    kind=CardKind.NEED))
    duplicate = add(owner, "Pas de bus le dimanche")
    clusters.merge_cards(session=session, actor=owner, keep_id=owner_need.id,
                         other_id=duplicate.id)
    participants.remove_participant(session=session, actor=owner,
                                    participant_id=gone.participant_id)
    canvas = canvases.start_canvas(session=session, actor=owner, workshop_id=wid,
                                   templates=templates, title="Cabinet partagé")
    saved = canvases.save_section(session=session, actor=owner, canvas_id=canvas.id,
                                  section_key="modele", text="Une maison de santé",
                                  base_revision_id=None, templates=templates)
    comment = canvas_comments.add_comment(
        session=session, actor=owner, canvas_id=canvas.id, section_key="modele",
        comment_in=inputs.CommentCreate(text="Et le loyer ?"), templates=templates)
    links = {role: canvas_links.create_access(session=session, actor=owner,
                                              collective_id=collective.id, role=role)
             for role in AccessRole}
    revoked = canvas_links.create_access(session=session, actor=owner,
                                         collective_id=collective.id)
    canvas_links.revoke_access(session=session, actor=owner, access_id=revoked.id)
    far_link = canvas_links.create_access(session=session, actor=other, collective_id=far.id)

    go(PhaseKind.NEXT_STEPS)
    own_action = actions.add_action(session=session, actor=elise, workshop_id=wid,
                                    templates=templates,
                                    action_in=inputs.ActionCreate(what="Appeler l'ARS",
                                                                  for_me=True))
    open_action = actions.add_action(session=session, actor=owner, workshop_id=wid,
                                     templates=templates,
                                     action_in=inputs.ActionCreate(what="Chiffrer"))
    deleted_action = actions.add_action(session=session, actor=owner, workshop_id=wid,
                                        templates=templates,
                                        action_in=inputs.ActionCreate(what="Oublier"))
    actions.delete_action(session=session, actor=owner, action_id=deleted_action.id)

    go(PhaseKind.SCORE)
    criteria = scoring.apply_criteria_set(session=session, actor=owner, workshop_id=wid,
                                          criteria_set=templates.criteria_sets["impact-effort"])
    scoring.set_candidates(session=session, actor=owner, workshop_id=wid, card_ids=[idea.id])
    scoring.configure_votes(session=session, actor=owner, workshop_id=wid,
                            mode=VoteMode.SCORES, facilitator_votes=True)
    board = scoring.scoring_board(session=session, actor=owner, workshop_id=wid)
    scoring.open_vote(session=session, actor=owner, workshop_id=wid)
    scoring.reveal_results(session=session, actor=owner, workshop_id=wid)
    go({EXPLORE: PhaseKind.EXPLORE, SCORE: PhaseKind.SCORE, NEXT_STEPS: PhaseKind.NEXT_STEPS,
        DIAGNOSTIC: PhaseKind.DIAGNOSTIC}.get(scene, PhaseKind.EXPLORE))
    if scene == SCORE:  # moving to the phase again keeps the vote as it was: open
        row = session.get(Workshop, wid)
        assert row.scoring_state == "open" and row.results_revealed

    # A "chacun son projet" workshop of the same collective: four porteurs, paired two by
    # two for "regards croisés" (Inès with Hugo, Zoé with Yann).
    outille = new_workshop(owner, collective, "Outille-toi", "outille-toi-2h")
    pwid = outille.id
    phases.start(session=session, actor=owner, workshop_id=pwid)
    porteurs = {name: join(session, outille, name) for name in ("Inès", "Hugo", "Zoé", "Yann")}
    carried = {name: projects.start_project(session=session, actor=actor, pitch=f"Projet {name}",
                                            templates=templates)
               for name, actor in porteurs.items()}
    ines_project = carried["Inès"]
    project_saved = canvases.save_section(
        session=session, actor=porteurs["Inès"], canvas_id=ines_project.canvas_id,
        section_key="besoin", text="Pas d'épicerie", base_revision_id=None,
        templates=templates)
    project_action = actions.add_action(
        session=session, actor=porteurs["Inès"], workshop_id=pwid, templates=templates,
        action_in=inputs.ActionCreate(what="Appeler la mairie", for_me=True,
                                      canvas_id=ines_project.canvas_id))

    def go_projects(kind: PhaseKind, nth: int = 0) -> None:
        index = [p.position for p in phases.phases_of(session, pwid) if p.kind == kind][nth]
        phases.go_to(session=session, actor=owner, workshop_id=pwid, index=index)

    go_projects(PhaseKind.PAIRS)
    projects.make_pairs(session=session, actor=owner, workshop_id=pwid, groups=[
        [carried["Inès"].id, carried["Hugo"].id], [carried["Zoé"].id, carried["Yann"].id]])
    if scene != PAIRS:
        go_projects(PhaseKind.FORMALISE, nth=2)  # after the exchange: partners no more

    # The stage, last, for both workshops.
    for workshop_id in (wid, pwid):
        if stage is Stage.PAUSED:
            phases.pause(session=session, actor=owner, workshop_id=workshop_id)
        elif stage is Stage.ENDED:
            phases.end(session=session, actor=owner, workshop_id=workshop_id)
        elif stage is Stage.DRAFT:  # as if not started yet, with people already in
            row = session.get(Workshop, workshop_id)
            row.status = WorkshopStatus.DRAFT
            session.commit()

    def link(access, name="Josiane"):
        return CollectiveActor(access_id=access.id, collective_id=access.collective_id,
                               role=access.role, name=name)

    actors = {
        Who.ADMIN: admin, Who.OWNER: owner, Who.OTHER_FACILITATOR: other,
        Who.INACTIVE_ACCOUNT: inactive, Who.PARTICIPANT: elise,
        Who.PARTICIPANT_ELSEWHERE: marc,
        # A removed participant's browser still holds their token: the actor it carried.
        Who.REMOVED: ParticipantActor(participant_id=gone.participant_id, workshop_id=wid,
                                      name="Gaston"),
        Who.LINK_READ: link(links[AccessRole.READ]),
        Who.LINK_COMMENT: link(links[AccessRole.COMMENT]),
        Who.LINK_EDIT: link(links[AccessRole.EDIT]),
        Who.LINK_REVOKED: link(revoked), Who.LINK_ELSEWHERE: link(far_link),
        Who.NOBODY: None,
        Who.PORTEUR: porteurs["Inès"], Who.PARTNER: porteurs["Hugo"],
        Who.OTHER_PROJECT: porteurs["Zoé"],
    }
    assert session.get(Participant, gone.participant_id).removed_at is not None
    candidate = board.candidates[0].id
    return World(templates=templates, actors=actors, collective=collective.id, workshop=wid,
                 other_workshop=elsewhere.id,
                 phase=phases.phases_of(session, wid)[2].id, need=need.id,
                 owner_need=owner_need.id, deleted_need=deleted.id, idea=idea.id,
                 group=group.id, other_group=other_group.id, merged=duplicate.id,
                 canvas=canvas.id, revision=saved.saved.id,
                 comment=comment.id, own_action=own_action.id, open_action=open_action.id,
                 deleted_action=deleted_action.id, candidate=candidate,
                 criterion=criteria[0].id, participant_row=elise.participant_id,
                 access=links[AccessRole.READ].id, projects_workshop=pwid,
                 project=ines_project.id, project_canvas=ines_project.canvas_id,
                 project_revision=project_saved.saved.id, project_action=project_action.id)


def _function(name: str) -> Callable[..., Any]:
    module, function = name.split("@")[0].split(".")
    return getattr(_module(module), function)


# The facts of each scene, as the test set them up (not read back through the services).
PHASE_OF_SCENE = {EXPLORE: PhaseKind.EXPLORE, SCORE: PhaseKind.SCORE,
                  NEXT_STEPS: PhaseKind.NEXT_STEPS, DIAGNOSTIC: PhaseKind.DIAGNOSTIC}
BOARD_OF_ACT = {Act.WRITE_CARD: CardKind.NEED, Act.SUPPORT: CardKind.NEED,
                Act.PROPOSE_ACTION: ACTION_BOARD, Act.TAKE_ACTION: ACTION_BOARD,
                Act.EDIT_ACTION: ACTION_BOARD}
# Cases aimed at the participant's own card or action.
OWN = {"actions.delete_action", "actions.update_action", "actions.set_status",
       "cards.delete_card", "cards.update_card"}
# A collective's things across its workshops: a workshop's participant is not one of its
# members (they see their own workshop's); the collective's links and facilitators are.
COLLECTIVE_WIDE = {"actions.changes_since", "actions.collective_actions", "actions.sessions",
                   "relation.moves_since"}


PROJECT_PEOPLE = (Who.PORTEUR, Who.PARTNER, Who.OTHER_PROJECT)


def _expected(name: str, act: Act, who: Who, scene: str, stage: Stage) -> bool:
    if scene in (PAIRS, FORMALISE):
        return _expected_on_project(act, who, scene, stage)
    if who in PROJECT_PEOPLE:  # participants of the other workshop
        who = Who.PARTICIPANT_ELSEWHERE
    if name in COLLECTIVE_WIDE and who is Who.PARTICIPANT:
        who = Who.PARTICIPANT_ELSEWHERE
    # Ending a workshop closes its vote; the scene opened it and revealed the results.
    scoring = "closed" if stage is Stage.ENDED else "open"
    where = Where(stage=stage, phase=PHASE_OF_SCENE[scene], board=BOARD_OF_ACT.get(act),
                  scoring=scoring, facilitator_votes=True, results_revealed=True,
                  own=name in OWN)
    return decide(who, act, where) is None


def _expected_on_project(act: Act, who: Who, scene: str, stage: Stage) -> bool:
    """On the porteur's project: the collective workshop's participants are of another
    workshop; the collective's links do not open a porteur's project."""
    if who in (Who.PARTICIPANT, Who.REMOVED, Who.PARTICIPANT_ELSEWHERE):
        who = Who.PARTICIPANT_ELSEWHERE
    elif who in (Who.LINK_READ, Who.LINK_COMMENT, Who.LINK_EDIT):
        who = Who.LINK_ELSEWHERE
    where = Where(stage=stage, phase=PhaseKind.PAIRS if scene == PAIRS
                  else PhaseKind.FORMALISE, own=True)
    if who in PROJECT_PEOPLE and act in (Act.FACILITATE, Act.MANAGE_COLLECTIVE):
        who = Who.PARTICIPANT  # towards the workshop itself, a participant of it
    return decide(who, act, where) is None


@pytest.mark.parametrize("scene", [EXPLORE, SCORE, NEXT_STEPS, DIAGNOSTIC, PAIRS, FORMALISE])
def test_rights_matrix(sqlite_url, templates, scene):
    engine = get_engine(sqlite_url, write=True)
    outcomes: Counter[str] = Counter()
    wrong: list[str] = []
    cases = {name: case for name, case in (*CASES.items(), *PROJECT_CASES.items())
             if case[1] == scene}
    for stage in STAGES:
        with Session(engine, expire_on_commit=False) as setup:
            world = _build(setup, templates, scene, stage)
        for name, (act, _scene, arguments) in sorted(cases.items()):
            function = _function(name)
            for who in WHOS:
                expected = _expected(name, act, who, scene, stage)
                with engine.connect() as connection:
                    outer = connection.begin()
                    session = Session(bind=connection, expire_on_commit=False,
                                      join_transaction_mode="create_savepoint")
                    try:
                        function(session=session, actor=world.actors[who], **arguments(world))
                        outcome = "done"
                    except (PermissionDenied, NotFound):
                        outcome = "refused"
                    except FabriqueError:
                        outcome = "let in, then refused the state"
                    finally:
                        session.close()
                        outer.rollback()
                outcomes[outcome] += 1
                if expected != (outcome != "refused"):
                    wrong.append(f"{name} as {who.value} when {stage.value}: {outcome}, "
                                 f"the policy says {'yes' if expected else 'no'}")
        _reset(engine)
    total = sum(outcomes.values())
    print(f"\n{scene}: {len(cases)} services × {len(WHOS)} actors × {len(STAGES)} stages = "
          f"{total} calls: {dict(outcomes)}")
    assert wrong == [], "\n".join(wrong)
    assert total == len(cases) * len(WHOS) * len(STAGES)


def _reset(engine) -> None:
    """Empty the database for the next stage's world (tables in dependency order)."""
    from sqlmodel import SQLModel

    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())

