""""Chacun son projet" (the incubators' Outille-toi): each porteur's project and canvas,
teams, pairs for "regards croisés" (odd numbers, latecomers), partners' private comments,
raised hands, the accompagnateur's table, the wall's counts, the follow-up."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.analysis import pairing
from core.domain import inputs
from core.domain.models import (
    Comment,
    PhaseKind,
    Project,
    ProjectStageChange,
    WorkshopMode,
)
from core.errors import InvalidInput, PermissionDenied
from core.services import (
    actions,
    canvas_comments,
    canvases,
    participants,
    phases,
    privacy,
    projects,
    workshops,
)
from tests.conftest import join, start_at


@pytest.fixture
def incubator(session, facilitator, templates):
    """An Outille-toi workshop of the "chacun son projet" format, started."""
    collective = workshops.create_collective(
        session=session, actor=facilitator,
        collective_in=inputs.CollectiveCreate(name="Incubateur de la Vallée"))
    workshop = workshops.create_workshop(
        session=session, actor=facilitator, collective_id=collective.id,
        workshop_in=inputs.WorkshopCreate(title="Outille-toi du 12 juin"),
        workshop_format=templates.formats["outille-toi-2h"], lang="fr")
    assert workshop.mode == WorkshopMode.PROJECTS
    phases.start(session=session, actor=facilitator, workshop_id=workshop.id)
    return workshop


def porteur(session, workshop, templates, name, pitch):
    actor = join(session, workshop, name)
    project = projects.start_project(session=session, actor=actor, pitch=pitch,
                                     templates=templates)
    return actor, project


def write(session, actor, project, templates, section="besoin", text="Un texte"):
    return canvases.save_section(session=session, actor=actor, canvas_id=project.canvas_id,
                                 section_key=section, text=text, base_revision_id=None,
                                 templates=templates)


def test_each_porteur_writes_their_own_canvas_and_reads_no_one_elses(session, incubator,
                                                                      templates):
    ines, epicerie = porteur(session, incubator, templates, "Inès", "Une épicerie vrac")
    hugo, recyclerie = porteur(session, incubator, templates, "Hugo", "Une recyclerie")
    assert write(session, ines, epicerie, templates).saved is not None
    for act in (lambda: write(session, hugo, epicerie, templates),
                lambda: canvases.canvas_view(session=session, actor=hugo,
                                             canvas_id=epicerie.canvas_id,
                                             templates=templates)):
        with pytest.raises(PermissionDenied, match="porteurs"):
            act()
    # Each sees their own canvas only in the workshop's list.
    listed = canvases.list_canvases(session=session, actor=ines, workshop_id=incubator.id)
    assert [c.id for c in listed] == [epicerie.canvas_id]
    # Starting again gives back the same project.
    again = projects.start_project(session=session, actor=ines, pitch="Autre",
                                   templates=templates)
    assert again.id == epicerie.id
    assert projects.my_project(session=session, actor=hugo).pitch == "Une recyclerie"


def test_a_team_of_up_to_three_shares_one_canvas(session, incubator, templates):
    ines, epicerie = porteur(session, incubator, templates, "Inès", "Une épicerie vrac")
    joinable = projects.joinable_projects(session=session,
                                          actor=join(session, incubator, "Léo"))
    assert [(p.pitch, p.members) for p in joinable] == [("Une épicerie vrac", ("Inès",))]
    team = [join(session, incubator, name) for name in ("Léa", "Noé", "Sam")]
    for mate in team[:2]:
        projects.join_project(session=session, actor=mate, project_id=epicerie.id)
    assert write(session, team[0], epicerie, templates, text="Écrit par Léa").saved
    with pytest.raises(InvalidInput, match="three"):
        projects.join_project(session=session, actor=team[2], project_id=epicerie.id)
    # One project each: a porteur cannot join another.
    _other, recyclerie = porteur(session, incubator, templates, "Hugo", "Une recyclerie")
    with pytest.raises(InvalidInput):
        projects.join_project(session=session, actor=ines, project_id=recyclerie.id)


def test_pairs_deal_projects_with_a_trio_for_the_odd_one():
    for count in range(2, 12):
        groups = pairing.groups_of(list(range(count)), seed=count)
        assert sorted(p for g in groups for p in g) == list(range(count))
        assert all(len(g) in (2, 3) for g in groups)
        assert sum(len(g) == 3 for g in groups) == count % 2
    assert pairing.groups_of([7]) == [[7]]  # alone, the only one
    assert pairing.groups_of([1, 2, 3, 4], seed=1) == pairing.groups_of([1, 2, 3, 4], seed=1)
    with pytest.raises(ValueError, match="alone"):
        pairing.chosen([[1, 2], [3]], [1, 2, 3])
    with pytest.raises(ValueError, match="without a group"):
        pairing.chosen([[1, 2]], [1, 2, 3])
    assert pairing.chosen([[1, 2, 3]], [1, 2, 3]) == [[1, 2, 3]]
    # Latecomers: two make a pair, one alone joins the smallest group.
    assert pairing.place_latecomers([[1, 2], [3, 4, 5]], [6, 7]) == [[1, 2], [3, 4, 5], [6, 7]]
    assert pairing.place_latecomers([[1, 2], [3, 4, 5]], [6]) == [[1, 2, 6], [3, 4, 5]]
    assert pairing.place_latecomers([], [6]) == [[6]]


def go_to(session, facilitator, workshop, kind, nth=0):
    index = [p.position for p in phases.phases_of(session, workshop.id) if p.kind == kind][nth]
    return phases.go_to(session=session, actor=facilitator, workshop_id=workshop.id,
                        index=index)


def test_partners_read_and_comment_privately_during_regards_croises(
        session, facilitator, incubator, templates):
    people = [porteur(session, incubator, templates, name, pitch) for name, pitch in (
        ("Inès", "Épicerie vrac"), ("Hugo", "Recyclerie"), ("Zoé", "Micro-crèche"))]
    (ines, epicerie), (hugo, recyclerie), (zoe, creche) = people
    # Before the exchange, no one reads another's project.
    with pytest.raises(PermissionDenied):
        canvases.canvas_view(session=session, actor=hugo, canvas_id=epicerie.canvas_id,
                             templates=templates)
    go_to(session, facilitator, incubator, PhaseKind.PAIRS)
    groups = projects.make_pairs(session=session, actor=facilitator,
                                 workshop_id=incubator.id, seed=3)
    assert len(groups) == 1 and sorted(groups[0]) == sorted(
        [epicerie.id, recyclerie.id, creche.id])  # three: one trio
    partners = projects.my_partners(session=session, actor=hugo)
    assert {p.pitch for p in partners} == {"Épicerie vrac", "Micro-crèche"}
    view = canvases.canvas_view(session=session, actor=hugo, canvas_id=epicerie.canvas_id,
                                templates=templates)
    assert view.canvas.id == epicerie.canvas_id
    comment = canvas_comments.add_comment(
        session=session, actor=hugo, canvas_id=epicerie.canvas_id, section_key="valeur",
        comment_in=inputs.CommentCreate(text="Ce qui me parle : le vrac au village."),
        templates=templates)
    assert comment.private
    # A partner reads but does not write the canvas.
    with pytest.raises(PermissionDenied):
        write(session, hugo, epicerie, templates)
    # The porteur sees it; another partner does not, until the porteur shares it.
    def seen_by(actor):
        return [c.id for c in canvas_comments.comments(session=session, actor=actor,
                                                       canvas_id=epicerie.canvas_id)]
    assert seen_by(ines) == [comment.id] and seen_by(hugo) == [comment.id]
    assert seen_by(zoe) == [] and seen_by(facilitator) == [comment.id]
    with pytest.raises(PermissionDenied):
        canvas_comments.share_comment(session=session, actor=hugo, comment_id=comment.id)
    canvas_comments.share_comment(session=session, actor=ines, comment_id=comment.id)
    assert seen_by(zoe) == [comment.id]
    # After the exchange, the partner no longer opens the project.
    go_to(session, facilitator, incubator, PhaseKind.FORMALISE, nth=2)
    with pytest.raises(PermissionDenied, match="regards croisés|porteurs"):
        canvases.canvas_view(session=session, actor=hugo, canvas_id=epicerie.canvas_id,
                             templates=templates)


def test_pairs_chosen_made_again_and_latecomers_placed(session, facilitator, incubator,
                                                       templates):
    people = [porteur(session, incubator, templates, f"P{i}", f"Projet {i}")
              for i in range(4)]
    made = [project for _actor, project in people]
    go_to(session, facilitator, incubator, PhaseKind.PAIRS)
    chosen = [[made[0].id, made[3].id], [made[1].id, made[2].id]]
    assert projects.make_pairs(session=session, actor=facilitator, workshop_id=incubator.id,
                               groups=chosen) == chosen
    with pytest.raises(InvalidInput, match="alone"):
        projects.make_pairs(session=session, actor=facilitator, workshop_id=incubator.id,
                            groups=[[made[0].id, made[1].id, made[2].id], [made[3].id]])
    # A latecomer with a project of their own joins the smallest group: a trio.
    late, late_project = porteur(session, incubator, templates, "Tardif", "Projet tardif")
    partners = projects.my_partners(session=session, actor=late)
    assert partners is not None and len(partners) == 2
    view = projects.pairs(session=session, actor=facilitator, workshop_id=incubator.id)
    assert sorted(len(g) for g in view.groups) == [2, 3]
    # A teammate who joins later reads with their team.
    mate = join(session, incubator, "Coéquipière")
    projects.join_project(session=session, actor=mate, project_id=made[0].id)
    assert {p.id for p in projects.my_partners(session=session, actor=mate)} == {
        p.id for p in projects.my_partners(session=session, actor=people[0][0])} >= {
        made[3].id}
    assert late_project.id in {p.id for g in projects.pairs(
        session=session, actor=facilitator, workshop_id=incubator.id).groups for p in g}


def test_the_accompagnateurs_table_and_raised_hands(session, facilitator, incubator,
                                                    templates):
    (ines, epicerie), (hugo, recyclerie) = [
        porteur(session, incubator, templates, n, p) for n, p in (
            ("Inès", "Épicerie vrac"), ("Hugo", "Recyclerie"))]
    write(session, ines, epicerie, templates, "besoin", "Pas d'épicerie au bourg")
    write(session, ines, epicerie, templates, "pour-qui", "Les habitants")
    write(session, ines, epicerie, templates, "valeur", "")  # emptied: not filled
    canvas_comments.add_comment(session=session, actor=facilitator,
                                canvas_id=epicerie.canvas_id, section_key="besoin",
                                comment_in=inputs.CommentCreate(text="Et les prix ?"),
                                templates=templates)
    projects.raise_hand(session=session, actor=hugo, raised=True)
    assert projects.hand_is_up(session=session, actor=hugo)
    assert not projects.hand_is_up(session=session, actor=ines)
    assert not projects.hand_is_up(session=session, actor=facilitator)
    rows = {r.project.pitch: r for r in projects.board(
        session=session, actor=facilitator, workshop_id=incubator.id, templates=templates)}
    assert (rows["Épicerie vrac"].filled, rows["Épicerie vrac"].sections) == (2, 12)
    assert rows["Épicerie vrac"].comments == 1 and rows["Épicerie vrac"].hand_raised is None
    assert rows["Recyclerie"].hand_raised is not None and rows["Recyclerie"].filled == 0
    assert rows["Épicerie vrac"].last_activity is not None
    projects.lower_hand(session=session, actor=facilitator,
                        participant_id=hugo.participant_id)
    assert not projects.hand_is_up(session=session, actor=hugo)
    assert projects.raised_hands(session=session, actor=facilitator,
                                 workshop_id=incubator.id) == []
    with pytest.raises(PermissionDenied):
        projects.board(session=session, actor=ines, workshop_id=incubator.id,
                       templates=templates)


def test_the_wall_counts_and_shows_a_text_only_with_its_porteurs_agreement(
        session, facilitator, incubator, templates):
    (ines, epicerie), (_hugo, _recyclerie) = [
        porteur(session, incubator, templates, n, p) for n, p in (
            ("Inès", "Épicerie vrac"), ("Hugo", "Recyclerie"))]
    write(session, ines, epicerie, templates, "besoin", "Pas d'épicerie au bourg")
    focus = ("besoin", "pour-qui")
    shown = projects.wall(session=session, actor=facilitator, workshop_id=incubator.id,
                          focus=focus)
    assert (shown.projects, shown.written, shown.featured) == (
        2, {"besoin": 1, "pour-qui": 0}, None)
    projects.ask_feature(session=session, actor=facilitator, project_id=epicerie.id)
    assert projects.wall(session=session, actor=facilitator, workshop_id=incubator.id,
                         focus=focus).featured is None  # asked, not agreed yet
    projects.answer_feature(session=session, actor=ines, project_id=epicerie.id, agree=True)
    shown = projects.wall(session=session, actor=facilitator, workshop_id=incubator.id,
                          focus=focus)
    assert shown.featured.pitch == "Épicerie vrac"
    assert shown.featured_texts == {"besoin": "Pas d'épicerie au bourg", "pour-qui": ""}
    projects.stop_feature(session=session, actor=facilitator, workshop_id=incubator.id)
    assert projects.wall(session=session, actor=facilitator, workshop_id=incubator.id,
                         focus=focus).featured is None


def test_after_the_workshop_a_porteur_keeps_their_canvas_and_steps_in_hand(
        session, facilitator, incubator, templates):
    (ines, epicerie), (hugo, _recyclerie) = [
        porteur(session, incubator, templates, n, p) for n, p in (
            ("Inès", "Épicerie vrac"), ("Hugo", "Recyclerie"))]
    phases.end(session=session, actor=facilitator, workshop_id=incubator.id)
    assert write(session, ines, epicerie, templates, text="Écrit une semaine après").saved
    step = actions.add_action(session=session, actor=ines, workshop_id=incubator.id,
                              templates=templates, action_in=inputs.ActionCreate(
                                  what="Rencontrer la mairie", for_me=True,
                                  canvas_id=epicerie.canvas_id))
    actions.set_status(session=session, actor=ines, action_id=step.id, status="doing",
                       note="Rendez-vous pris")
    with pytest.raises(PermissionDenied):
        write(session, hugo, epicerie, templates)
    with pytest.raises(PermissionDenied):
        actions.set_status(session=session, actor=hugo, action_id=step.id, status="done")
    with pytest.raises(PermissionDenied):  # a step for someone else's project
        actions.add_action(session=session, actor=hugo, workshop_id=incubator.id,
                           templates=templates, action_in=inputs.ActionCreate(
                               what="Aider", canvas_id=epicerie.canvas_id))


def test_follow_up_across_workshops_with_consented_contacts(session, facilitator,
                                                            other_facilitator, incubator,
                                                            templates):
    (ines, epicerie), (hugo, recyclerie) = [
        porteur(session, incubator, templates, n, p) for n, p in (
            ("Inès", "Épicerie vrac"), ("Hugo", "Recyclerie"))]
    projects.update_project(session=session, actor=ines, project_id=epicerie.id,
                            templates=templates, project_in=inputs.ProjectUpdate(
                                pitch="Épicerie vrac itinérante", commune="Die",
                                interest="yes", supports=("incubateur",)))
    with pytest.raises(InvalidInput, match="Tick"):
        projects.set_contact(session=session, actor=ines, project_id=epicerie.id,
                             contact="ines@example.org", consent=False)
    projects.set_contact(session=session, actor=ines, project_id=epicerie.id,
                         contact="ines@example.org", consent=True)
    with pytest.raises(PermissionDenied):  # a contact is typed by its porteur only
        projects.set_contact(session=session, actor=facilitator, project_id=epicerie.id,
                             contact="x@example.org", consent=True)
    with pytest.raises(PermissionDenied):
        projects.update_project(session=session, actor=hugo, project_id=epicerie.id,
                                templates=templates,
                                project_in=inputs.ProjectUpdate(pitch="Pas le mien"))
    projects.set_followup(session=session, actor=facilitator, project_id=epicerie.id,
                          followup_in=inputs.FollowUp(stage="testing", note="Test au marché"))
    found = projects.followup(session=session, actor=facilitator, templates=templates)
    assert {r.project.pitch for r in found.rows} == {"Épicerie vrac itinérante",
                                                      "Recyclerie"}
    assert ("Die", 1) in found.by_commune and ("testing", 1) in found.by_stage
    assert [r.project.pitch for r in projects.followup(
        session=session, actor=facilitator, templates=templates, commune="die").rows] == [
        "Épicerie vrac itinérante"]
    assert projects.followup(session=session, actor=other_facilitator,
                             templates=templates).rows == []
    assert session.exec(select(ProjectStageChange.stage)).all() == ["testing"]
    # Anonymising the porteur removes the contact they left.
    privacy.anonymise_participant(session=session, actor=facilitator,
                                  participant_id=ines.participant_id)
    session.commit()
    assert session.get(Project, epicerie.id).contact == ""


def test_a_collective_workshop_has_no_projects(session, facilitator, running_workshop,
                                               templates):
    elise = join(session, running_workshop, "Élise")
    with pytest.raises(InvalidInput):
        projects.start_project(session=session, actor=elise, pitch="Le mien",
                               templates=templates)
    with pytest.raises(InvalidInput):
        projects.join_project(session=session, actor=join(session, running_workshop, "Marc"),
                              project_id=999)


def test_comments_of_a_collective_canvas_stay_public(session, facilitator, running_workshop,
                                                     templates):
    start_at(session, facilitator, running_workshop, PhaseKind.FORMALISE)
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    elise = join(session, running_workshop, "Élise")
    made = canvas_comments.add_comment(session=session, actor=elise, canvas_id=canvas.id,
                                       section_key="besoin", templates=templates,
                                       comment_in=inputs.CommentCreate(text="Oui !"))
    assert not made.private
    assert not session.exec(select(Comment)).one().private
    assert participants.actor_for_token is not None


def test_a_teammates_link_opens_that_project_only(session, facilitator, incubator, templates):
    from core.services import canvas_links
    ines, epicerie = porteur(session, incubator, templates, "Inès", "Une épicerie vrac")
    hugo, recyclerie = porteur(session, incubator, templates, "Hugo", "Une recyclerie")
    link = canvas_links.team_link(session=session, actor=ines, project_id=epicerie.id)
    assert canvas_links.team_link(session=session, actor=ines,
                                  project_id=epicerie.id).code == link.code  # the same one
    with pytest.raises(PermissionDenied):
        canvas_links.team_link(session=session, actor=hugo, project_id=epicerie.id)
    with pytest.raises(PermissionDenied):
        canvas_links.team_link(session=session, actor=facilitator, project_id=epicerie.id)
    teammate = canvas_links.actor_for_code(session, link.code, "Malik")
    listed = canvas_links.collective_canvases(session=session, actor=teammate)
    assert [c.id for c in listed] == [epicerie.canvas_id]
    saved = canvases.save_section(session=session, actor=teammate,
                                  canvas_id=epicerie.canvas_id, section_key="besoin",
                                  text="Écrit par Malik", base_revision_id=None,
                                  templates=templates)
    assert saved.saved is not None
    with pytest.raises(PermissionDenied):
        canvases.canvas_view(session=session, actor=teammate, canvas_id=recyclerie.canvas_id,
                             templates=templates)
    # The collective's own link does not open the porteurs' projects.
    members = canvas_links.create_access(session=session, actor=facilitator,
                                         collective_id=incubator.collective_id)
    member = canvas_links.actor_for_code(session, members.code, "Zoé")
    assert canvas_links.collective_canvases(session=session, actor=member) == []


def test_a_porteur_sees_the_steps_of_their_own_project_only(session, facilitator, incubator,
                                                            templates):
    ines, epicerie = porteur(session, incubator, templates, "Inès", "Une épicerie vrac")
    hugo, recyclerie = porteur(session, incubator, templates, "Hugo", "Une recyclerie")
    for actor, project, what in ((ines, epicerie, "Voir la mairie"),
                                 (hugo, recyclerie, "Louer un camion")):
        actions.add_action(session=session, actor=actor, workshop_id=incubator.id,
                           templates=templates, action_in=inputs.ActionCreate(
                               what=what, canvas_id=project.canvas_id))
    seen = {who: [a.what for a in actions.workshop_actions(
        session=session, actor=actor, workshop_id=incubator.id)]
        for who, actor in (("ines", ines), ("hugo", hugo), ("facilitator", facilitator))}
    assert seen == {"ines": ["Voir la mairie"], "hugo": ["Louer un camion"],
                    "facilitator": ["Voir la mairie", "Louer un camion"]}


def test_a_canvas_view_says_what_its_reader_may_do_as_the_services_then_decide(
        session, facilitator, incubator, templates):
    """The page draws the canvas from these answers (fields, comment boxes, "Share it"):
    each agrees with what the service accepts or refuses when the person acts."""
    (ines, epicerie), (hugo, _r) = (porteur(session, incubator, templates, name, pitch)
                                    for name, pitch in (("Inès", "Épicerie vrac"),
                                                        ("Hugo", "Recyclerie")))
    go_to(session, facilitator, incubator, PhaseKind.PAIRS)
    projects.make_pairs(session=session, actor=facilitator, workshop_id=incubator.id, seed=3)
    partners_comment = canvas_comments.add_comment(
        session=session, actor=hugo, canvas_id=epicerie.canvas_id, section_key="valeur",
        comment_in=inputs.CommentCreate(text="Le vrac au village."), templates=templates)

    def does(act) -> bool:
        try:
            act()
        except PermissionDenied:
            session.rollback()
            return False
        return True

    answers = {}
    for name, actor in (("porteur", ines), ("partner", hugo), ("facilitator", facilitator)):
        view = canvases.canvas_view(session=session, actor=actor,
                                    canvas_id=epicerie.canvas_id, templates=templates)
        answers[name] = (view.may_edit, view.may_comment, view.may_share_comments)
        done = (does(lambda a=actor: write(session, a, epicerie, templates, text=f"{a}")),
                does(lambda a=actor: canvas_comments.add_comment(
                    session=session, actor=a, canvas_id=epicerie.canvas_id,
                    section_key="besoin", comment_in=inputs.CommentCreate(text="Oui."),
                    templates=templates)),
                does(lambda a=actor: canvas_comments.share_comment(
                    session=session, actor=a, comment_id=partners_comment.id)))
        assert answers[name] == done, name
    assert answers == {"porteur": (True, True, True), "partner": (False, True, False),
                       "facilitator": (True, True, True)}
