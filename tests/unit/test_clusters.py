"""Ideas answering needs; groups: create, move, merge, dissolve; card merges; suggestions."""

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import Card, CardKind, CardLink, Cluster
from core.errors import InvalidInput, NotFound, PermissionDenied
from core.services import cards, clusters
from core.services.clusters import ProposedGroup
from tests.conftest import IDEAS, join


@pytest.fixture
def ideas(session, templates, facilitator, running_workshop):
    return [cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                           card_in=inputs.CardCreate(text=t, kind=CardKind.IDEA),
                           templates=templates) for t in IDEAS]


@pytest.fixture
def need(session, templates, facilitator, running_workshop):
    return cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                          card_in=inputs.CardCreate(text="Trop de déchets dans les fossés"),
                          templates=templates)


def grouped(session, actor, workshop):
    board = clusters.group_board(session=session, actor=actor, workshop_id=workshop.id)
    return {g.name: [c.id for c in g.cards] for g in board.groups}, [
        c.id for c in board.unclassified]


def test_ideas_link_to_needs_both_ways(session, facilitator, running_workshop, ideas, need):
    cards.set_links(session=session, actor=facilitator, idea_id=ideas[0].id,
                    need_ids=[need.id])
    cards.set_links(session=session, actor=facilitator, idea_id=ideas[1].id,
                    need_ids=[need.id])
    idea_board = cards.board(session=session, actor=facilitator,
                             workshop_id=running_workshop.id, kind=CardKind.IDEA)
    assert {c.id: c.links for c in idea_board.cards}[ideas[0].id] == (need.id,)
    need_view = cards.board(session=session, actor=facilitator,
                            workshop_id=running_workshop.id).cards[0]
    assert need_view.links == (ideas[0].id, ideas[1].id)
    # Unlinking keeps the row, marked deleted.
    cards.set_links(session=session, actor=facilitator, idea_id=ideas[1].id, need_ids=[])
    assert len(session.exec(select(CardLink)).all()) == 2
    need_view = cards.board(session=session, actor=facilitator,
                            workshop_id=running_workshop.id).cards[0]
    assert need_view.links == (ideas[0].id,)


def test_links_are_checked(session, facilitator, running_workshop, ideas, need, participant):
    with pytest.raises(InvalidInput):
        cards.set_links(session=session, actor=facilitator, idea_id=need.id, need_ids=[])
    with pytest.raises(InvalidInput):
        cards.set_links(session=session, actor=facilitator, idea_id=ideas[0].id,
                        need_ids=[ideas[1].id])
    with pytest.raises(PermissionDenied):  # not her idea
        cards.set_links(session=session, actor=participant, idea_id=ideas[0].id,
                        need_ids=[need.id])


def test_groups_move_merge_and_dissolve_without_losing_cards(session, facilitator,
                                                             running_workshop, ideas):
    waste = clusters.create_group(session=session, actor=facilitator,
                                  workshop_id=running_workshop.id,
                                      group_in=inputs.GroupCreate(
                                          name="Déchets"))
    rides = clusters.create_group(session=session, actor=facilitator,
                                  workshop_id=running_workshop.id,
                                      group_in=inputs.GroupCreate(
                                          name="Mobilité"))
    assert waste.color != rides.color
    moved = clusters.move_cards(session=session, actor=facilitator,
                                workshop_id=running_workshop.id,
                                moves=[(ideas[0].id, waste.id, 0), (ideas[1].id, waste.id, 1),
                                       (ideas[3].id, rides.id, 0)])
    assert moved == 3
    groups, unclassified = grouped(session, facilitator, running_workshop)
    assert groups == {"Déchets": [ideas[0].id, ideas[1].id], "Mobilité": [ideas[3].id]}
    assert set(unclassified) == {ideas[2].id, ideas[4].id, ideas[5].id}

    clusters.update_group(session=session, actor=facilitator, cluster_id=rides.id,
                          group_in=inputs.GroupUpdate(name="Se déplacer", color="#123ABC"))
    clusters.merge_groups(session=session, actor=facilitator, source_id=rides.id,
                          target_id=waste.id)
    groups, _ = grouped(session, facilitator, running_workshop)
    assert groups == {"Déchets": [ideas[0].id, ideas[1].id, ideas[3].id]}

    clusters.dissolve_group(session=session, actor=facilitator, cluster_id=waste.id)
    groups, unclassified = grouped(session, facilitator, running_workshop)
    assert groups == {} and len(unclassified) == len(IDEAS)
    assert len(session.exec(select(Cluster)).all()) == 2  # soft-deleted, still there


def test_group_checks(session, facilitator, participant, running_workshop, ideas):
    with pytest.raises(PermissionDenied):
        clusters.create_group(session=session, actor=participant,
                              workshop_id=running_workshop.id,
                                  group_in=inputs.GroupCreate(
                                      name="Pirate"))
    with pytest.raises(InvalidInput):
        clusters.create_group(session=session, actor=facilitator,
                              workshop_id=running_workshop.id,
                                  group_in=inputs.GroupCreate(
                                      name="  "))
    group = clusters.create_group(session=session, actor=facilitator,
                                  workshop_id=running_workshop.id,
                                      group_in=inputs.GroupCreate(
                                          name="Besoins",
                                          kind=CardKind.NEED))
    with pytest.raises(NotFound):  # an idea cannot go into a group of needs
        clusters.move_cards(session=session, actor=facilitator,
                            workshop_id=running_workshop.id, moves=[(ideas[0].id, group.id, 0)])
    with pytest.raises(InvalidInput):
        clusters.update_group(session=session, actor=facilitator, cluster_id=group.id,
                              group_in=inputs.GroupUpdate(name="Besoins", color="red"))
    with pytest.raises(PermissionDenied):
        clusters.move_cards(session=session, actor=participant,
                            workshop_id=running_workshop.id, moves=[(ideas[0].id, None, 0)])


def test_merging_duplicates_keeps_both_texts_and_their_support(
    session, templates, facilitator, running_workshop, need
):
    twin = cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                          card_in=inputs.CardCreate(text="Les fossés sont pleins de déchets"),
                          templates=templates)
    marc, zoe = join(session, running_workshop, "Marc"), join(session, running_workshop, "Zoé")
    cards.toggle_support(session=session, actor=marc, card_id=need.id)
    cards.toggle_support(session=session, actor=marc, card_id=twin.id)
    cards.toggle_support(session=session, actor=zoe, card_id=twin.id)
    clusters.merge_cards(session=session, actor=facilitator, keep_id=need.id, other_id=twin.id)
    (view,) = cards.board(session=session, actor=facilitator,
                          workshop_id=running_workshop.id).cards
    assert view.id == need.id
    assert view.merged_texts == ("Les fossés sont pleins de déchets",)
    assert view.support_count == 2  # Marc once, Zoé
    assert session.get(Card, twin.id).text == "Les fossés sont pleins de déchets"
    clusters.split_card(session=session, actor=facilitator, card_id=twin.id)
    assert len(cards.board(session=session, actor=facilitator,
                           workshop_id=running_workshop.id).cards) == 2


def test_suggestions_move_nothing_until_accepted(session, facilitator, running_workshop,
                                                 ideas):
    proposal = clusters.suggest(session=session, actor=facilitator,
                                workshop_id=running_workshop.id, k=2)
    assert len(proposal) == 2
    assert grouped(session, facilitator, running_workshop)[0] == {}
    by_first_word = {p.name.split(" · ")[0]: set(p.card_ids) for p in proposal}
    assert by_first_word["déchets"] == {i.id for i in ideas[:3]}
    assert by_first_word["covoiturage"] == {i.id for i in ideas[3:]}
    # The facilitator renames one, drops the other, and accepts.
    waste = next(p for p in proposal if p.name.startswith("déchets"))
    created = clusters.accept_groups(
        session=session, actor=facilitator, workshop_id=running_workshop.id,
        groups=[ProposedGroup("Moins de déchets", waste.card_ids)])
    assert created == 1
    groups, unclassified = grouped(session, facilitator, running_workshop)
    assert set(groups["Moins de déchets"]) == {i.id for i in ideas[:3]}
    assert set(unclassified) == {i.id for i in ideas[3:]}
    with pytest.raises(InvalidInput):
        clusters.accept_groups(session=session, actor=facilitator,
                               workshop_id=running_workshop.id,
                               groups=[ProposedGroup("A", (ideas[3].id,)),
                                       ProposedGroup("B", (ideas[3].id,))])


def test_similar_cards(session, templates, facilitator, running_workshop, ideas):
    twin = cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                          card_in=inputs.CardCreate(text="covoiturage vers la gare de thiviers !",
                                                    kind=CardKind.IDEA), templates=templates)
    found = clusters.similar_cards(session=session, actor=facilitator, card_id=ideas[3].id)
    assert found[0][0].id == twin.id and found[0][1] > 0.6


def test_the_command_line_and_the_app_group_alike(session, templates, facilitator,
                                                  running_workshop, tmp_path):
    """`fabrique cluster` on a file and "Suggérer des groupes" on the same cards."""
    import csv
    import io
    import subprocess
    import sys

    from core.settings import PROJECT_ROOT

    with (PROJECT_ROOT / "tests" / "data" / "egalite_sample.csv").open(encoding="utf-8") as f:
        # Texts a card keeps as they are (one line, single spaces): the same input to both.
        texts = [t for t in (row["synthese"] for row in csv.DictReader(f))
                 if t == " ".join(t.split())][:80]
    source = tmp_path / "idees.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["n", "idée"])
        writer.writerows([i, t] for i, t in enumerate(texts))
    done = subprocess.run([sys.executable, "-m", "launch.cli", "cluster", str(source),
                           "--text-column", "idée", "--groups", "4"], cwd=PROJECT_ROOT,
                          capture_output=True, check=True)
    output = done.stdout.decode("utf-8-sig")
    delimiter = ";" if ";" in output.splitlines()[0] else ","  # as the file it read
    rows = list(csv.reader(io.StringIO(output, newline=""), delimiter=delimiter))[1:]
    by_cli: dict[str, set[str]] = {}
    for _n, text, group, _name in rows:
        by_cli.setdefault(group, set()).add(text)

    for text in texts:
        cards.add_card(session=session, actor=facilitator, workshop_id=running_workshop.id,
                       templates=templates,
                       card_in=inputs.CardCreate(text=text, kind=CardKind.IDEA))
    proposal = clusters.suggest(session=session, actor=facilitator,
                                workshop_id=running_workshop.id, k=4)
    text_of = {c.id: c.text for c in clusters.group_board(
        session=session, actor=facilitator, workshop_id=running_workshop.id).all_cards()}
    by_app = [{text_of[i] for i in group.card_ids} for group in proposal]
    assert sorted(map(sorted, by_app)) == sorted(map(sorted, by_cli.values()))
