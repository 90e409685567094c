"""Next steps: who may propose, take, edit and follow them, in which workshop state; their
history; what changed since the last session."""

from datetime import date, timedelta

import pytest

from core.domain import inputs
from core.domain.models import AccessRole, ActionStatus, PhaseKind, utcnow
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import actions, canvas_links, canvases, participants, phases
from tests.conftest import join, make_user, start_at


def action_in(what="Rencontrer la mairie pour la grange", **kw):
    return inputs.ActionCreate(what=what, **kw)


def add(session, actor, workshop, templates, **kw):
    return actions.add_action(session=session, actor=actor, workshop_id=workshop.id,
                              action_in=action_in(**kw), templates=templates)


@pytest.fixture
def next_steps(session, facilitator, workshop):
    """The workshop, running, in its "prochaines étapes" phase."""
    return start_at(session, facilitator, workshop, PhaseKind.NEXT_STEPS)


def test_participant_proposes_and_takes_during_the_next_steps_phase(
        session, facilitator, next_steps, templates):
    elise = join(session, next_steps, "Élise")
    marc = join(session, next_steps, "Marc")
    mine = add(session, elise, next_steps, templates, for_me=True,
               supports=("incubateur", "collectivite"))
    assert (mine.who, mine.who_participant_id) == ("Élise", elise.participant_id)
    assert mine.support_wanted == "incubateur,collectivite"
    open_one = add(session, facilitator, next_steps, templates, what="Chiffrer les travaux")
    taken = actions.take_action(session=session, actor=marc, action_id=open_one.id)
    assert (taken.who, taken.who_participant_id) == ("Marc", marc.participant_id)
    listed = actions.workshop_actions(session=session, actor=marc, workshop_id=next_steps.id)
    assert [(a.what, a.mine) for a in listed] == [
        ("Rencontrer la mairie pour la grange", False), ("Chiffrer les travaux", True)]
    # A participant changes only what they proposed or took.
    with pytest.raises(PermissionDenied, match="proposed or took"):
        actions.set_status(session=session, actor=marc, action_id=mine.id,
                           status=ActionStatus.DOING)
    actions.set_status(session=session, actor=marc, action_id=open_one.id,
                       status=ActionStatus.DOING, note="Devis demandé")
    # The facilitator edits any.
    actions.update_action(session=session, actor=facilitator, action_id=mine.id,
                          action_in=inputs.ActionUpdate(what="Rencontrer la maire",
                                                        who="Josiane"),
                          templates=templates)
    assert actions.workshop_actions(session=session, actor=facilitator,
                                    workshop_id=next_steps.id)[0].who == "Josiane"


def test_participants_write_actions_only_in_their_phase_and_while_it_runs(
        session, facilitator, workshop, templates):
    explore = start_at(session, facilitator, workshop, PhaseKind.EXPLORE)
    elise = join(session, explore, "Élise")
    with pytest.raises(PermissionDenied, match="closed during the current phase"):
        add(session, elise, explore, templates)
    index = next(p.position for p in phases.phases_of(session, workshop.id)
                 if p.kind == PhaseKind.NEXT_STEPS)
    phases.go_to(session=session, actor=facilitator, workshop_id=workshop.id, index=index)
    action = add(session, elise, workshop, templates, for_me=True)
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    with pytest.raises(PermissionDenied, match="over"):
        add(session, elise, workshop, templates)
    with pytest.raises(PermissionDenied, match="over"):
        actions.set_status(session=session, actor=elise, action_id=action.id,
                           status=ActionStatus.DONE)
    # After the workshop, the facilitator still may; the participant still reads.
    actions.set_status(session=session, actor=facilitator, action_id=action.id,
                       status=ActionStatus.DONE)
    assert actions.workshop_actions(session=session, actor=elise,
                                    workshop_id=workshop.id)[0].status == ActionStatus.DONE


def test_the_form_offers_what_the_service_then_accepts(session, facilitator, workshop,
                                                      templates):
    """The next-steps page draws its form from ``capture_view``: offered exactly when
    ``add_action`` accepts, with the reason when a participant is kept out while the
    workshop runs, and the choice of whom only for the facilitator."""
    explore = start_at(session, facilitator, workshop, PhaseKind.EXPLORE)
    elise = join(session, explore, "Élise")

    def form_and_outcome(actor):
        state = phases.live_state(session=session, actor=actor, workshop_id=workshop.id)
        form = actions.capture_view(actor, state)
        try:
            add(session, actor, workshop, templates, what=f"Étape {utcnow()}")
            accepted = True
        except PermissionDenied:
            session.rollback()
            accepted = False
        return form, accepted

    form, accepted = form_and_outcome(elise)
    assert (form.may_propose, accepted) == (False, False)
    assert form.notice == "Next steps are written during the “next steps” phase."
    form, accepted = form_and_outcome(facilitator)
    assert (form.may_propose, accepted, form.gives_to_anyone) == (True, True, True)
    phases.go_to(session=session, actor=facilitator, workshop_id=workshop.id,
                 index=next(p.position for p in phases.phases_of(session, workshop.id)
                            if p.kind == PhaseKind.NEXT_STEPS))
    form, accepted = form_and_outcome(elise)
    assert (form.may_propose, accepted, form.notice) == (True, True, None)
    assert (form.gives_to_anyone, form.own_project_only) == (False, False)
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    form, accepted = form_and_outcome(elise)
    assert (form.may_propose, accepted, form.notice) == (False, False, None)


def test_removed_participants_and_strangers_do_nothing(session, facilitator, next_steps,
                                                         templates, other_facilitator):
    elise = join(session, next_steps, "Élise")
    action = add(session, elise, next_steps, templates, for_me=True)
    participants.remove_participant(session=session, actor=facilitator,
                                    participant_id=elise.participant_id)
    for call in (lambda: actions.workshop_actions(session=session, actor=elise,
                                                  workshop_id=next_steps.id),
                 lambda: actions.set_status(session=session, actor=elise, action_id=action.id,
                                            status=ActionStatus.DONE),
                 lambda: add(session, elise, next_steps, templates)):
        with pytest.raises(PermissionDenied, match="removed"):
            call()
    with pytest.raises(PermissionDenied, match="another facilitator"):
        actions.set_status(session=session, actor=other_facilitator, action_id=action.id,
                           status=ActionStatus.DONE)
    with pytest.raises(NotFound):
        actions.set_status(session=session, actor=facilitator, action_id=9999,
                           status=ActionStatus.DONE)


def test_status_changes_are_kept_as_history(session, facilitator, next_steps, templates):
    action = add(session, facilitator, next_steps, templates)
    for status, note in ((ActionStatus.DOING, "Rendez-vous pris"),
                         (ActionStatus.DOING, "Rendez-vous le 3"),
                         (ActionStatus.ABANDONED, "La grange est vendue")):
        actions.set_status(session=session, actor=facilitator, action_id=action.id,
                           status=status, note=note)
    # The same status and note again changes nothing and records nothing.
    actions.set_status(session=session, actor=facilitator, action_id=action.id,
                       status=ActionStatus.ABANDONED, note="La grange est vendue")
    history = actions.history(session=session, actor=facilitator, action_id=action.id)
    assert [(h.change, h.status, h.note) for h in history] == [
        ("created", ActionStatus.TODO, ""), ("status", ActionStatus.DOING, "Rendez-vous pris"),
        ("status", ActionStatus.DOING, "Rendez-vous le 3"),
        ("status", ActionStatus.ABANDONED, "La grange est vendue")]
    assert {h.author for h in history} == {"Camille"}
    actions.delete_action(session=session, actor=facilitator, action_id=action.id)
    assert actions.workshop_actions(session=session, actor=facilitator,
                                    workshop_id=next_steps.id) == []
    actions.restore_action(session=session, actor=facilitator, action_id=action.id)
    assert [h.change for h in actions.history(session=session, actor=facilitator,
                                              action_id=action.id)][-2:] == [
        "deleted", "restored"]


def test_bad_input_is_refused_and_changes_nothing(session, facilitator, next_steps,
                                                 templates):
    with pytest.raises(InvalidInput, match="empty"):
        action_in(what="   ")
    with pytest.raises(InvalidInput, match="Too long"):
        action_in(what="x" * 501)
    with pytest.raises(InvalidInput, match="already past"):
        action_in(due_on=date.today() - timedelta(days=1))
    with pytest.raises(InvalidInput, match="Unknown kind of support"):
        add(session, facilitator, next_steps, templates, supports=("banque-suisse",))
    assert actions.workshop_actions(session=session, actor=facilitator,
                                    workshop_id=next_steps.id) == []
    # A past date is allowed when editing (the action was late).
    action = add(session, facilitator, next_steps, templates, due_on=date.today())
    past = date.today() - timedelta(days=30)
    actions.update_action(session=session, actor=facilitator, action_id=action.id,
                          action_in=inputs.ActionUpdate(what=action.what, due_on=past),
                          templates=templates)
    assert actions.workshop_actions(session=session, actor=facilitator,
                                    workshop_id=next_steps.id)[0].due_on == past
    with pytest.raises(InvalidInput, match="not a participant"):
        add(session, facilitator, next_steps, templates, who_participant_id=9999)


def test_canvas_section_and_links_between_sessions(session, facilitator, next_steps,
                                                   templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=next_steps.id, templates=templates,
                                   title="Épicerie-café")
    action = add(session, facilitator, next_steps, templates, canvas_id=canvas.id)
    add(session, facilitator, next_steps, templates, what="Écrire au département")
    project = actions.canvas_actions(session=session, actor=facilitator, canvas_id=canvas.id)
    assert [(a.what, a.project) for a in project] == [
        ("Rencontrer la mairie pour la grange", "Épicerie-café")]
    phases.end(session=session, actor=facilitator, workshop_id=next_steps.id)

    edit_link = canvas_links.create_access(session=session, actor=facilitator,
                                           collective_id=next_steps.collective_id)
    read_link = canvas_links.create_access(session=session, actor=facilitator,
                                           collective_id=next_steps.collective_id,
                                           role=AccessRole.READ)
    member = canvas_links.actor_for_code(session, edit_link.code, "Josiane")
    reader = canvas_links.actor_for_code(session, read_link.code, "Paul")
    assert len(actions.collective_actions(session=session, actor=reader)) == 2
    with pytest.raises(PermissionDenied, match="read only"):
        actions.set_status(session=session, actor=reader, action_id=action.id,
                           status=ActionStatus.DONE)
    with pytest.raises(PermissionDenied):
        actions.update_action(session=session, actor=member, action_id=action.id,
                              action_in=inputs.ActionUpdate(what="Autre chose"),
                              templates=templates)
    before = utcnow()
    actions.set_status(session=session, actor=member, action_id=action.id,
                       status=ActionStatus.DONE, note="Accord de principe")
    since = actions.changes_since(session=session, actor=facilitator,
                                  collective_id=next_steps.collective_id, since=before)
    assert [(a.what, [(c.status, c.note, c.author) for c in changes])
            for a, changes in since] == [("Rencontrer la mairie pour la grange",
                                          [(ActionStatus.DONE, "Accord de principe",
                                            "Josiane")])]
    # A revoked link stops at once.
    canvas_links.revoke_access(session=session, actor=facilitator, access_id=edit_link.id)
    with pytest.raises(PermissionDenied, match="revoked"):
        actions.set_status(session=session, actor=member, action_id=action.id,
                           status=ActionStatus.TODO)


def test_another_collectives_link_reaches_nothing(session, facilitator, next_steps,
                                                  templates):
    from core.services import workshops

    action = add(session, facilitator, next_steps, templates)
    other = workshops.create_collective(session=session, actor=facilitator,
                                        collective_in=inputs.CollectiveCreate(name="Autre"))
    link = canvas_links.create_access(session=session, actor=facilitator,
                                      collective_id=other.id)
    stranger = canvas_links.actor_for_code(session, link.code, "X")
    assert actions.collective_actions(session=session, actor=stranger) == []
    with pytest.raises(PermissionDenied):
        actions.set_status(session=session, actor=stranger, action_id=action.id,
                           status=ActionStatus.DONE)
    admin = make_user(session, "root")
    with pytest.raises(PermissionDenied):
        actions.workshop_actions(session=session, actor=admin, workshop_id=next_steps.id)


def test_the_sessions_to_compare_against(session, facilitator, next_steps, templates):
    from core.services import workshops

    workshops.create_workshop(session=session, actor=facilitator,
                              collective_id=next_steps.collective_id,
                                  workshop_in=inputs.WorkshopCreate(
                                      title="Plus tard"),
                              workshop_format=templates.formats["soiree-2h"], lang="fr")
    held = actions.sessions(session=session, actor=facilitator,
                            collective_id=next_steps.collective_id)
    assert [title for title, _when in held] == ["Plus tard", "Atelier besoins"]
    link = canvas_links.create_access(session=session, actor=facilitator,
                                      collective_id=next_steps.collective_id,
                                      role=AccessRole.READ)
    member = canvas_links.actor_for_code(session, link.code, "Paul")
    assert actions.sessions(session=session, actor=member) == held
    elise = join(session, next_steps, "Élise")
    with pytest.raises(PermissionDenied):
        actions.sessions(session=session, actor=elise, collective_id=next_steps.collective_id)
