"""Idées (pages/ideas.py), Regrouper (pages/group.py), import (pages/import_cards.py)."""

from sqlmodel import select

from core.domain import inputs
from core.domain.models import Card, CardKind, Cluster
from core.services import cards
from tests.app.conftest import as_participant, fresh, open_as_facilitator, texts
from tests.conftest import IDEAS


def seed(db, workshop, templates, kind=CardKind.IDEA, texts_=IDEAS):
    return [cards.add_card(session=db, actor=workshop["facilitator"],
                           workshop_id=workshop["workshop_id"],
                           card_in=inputs.CardCreate(text=t, kind=kind),
                           templates=templates) for t in texts_]


def html(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_an_idea_answers_needs_and_orphan_needs_show(new_app, db, templates,
                                                     running_workshop_app):
    needs = seed(db, running_workshop_app, templates, CardKind.NEED,
                 ["Trop de déchets dans les fossés", "Pas de bus le dimanche"])
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/ideas.py")
    assert "2 besoins encore sans idée" in html(at)
    at.text_input(key="idea_capture_text").input("Une journée de ramassage citoyen")
    at.multiselect(key="idea_capture_needs").select(needs[0].id)
    at.button(key="FormSubmitter:idea_capture-Ajouter").click().run()
    assert not at.exception
    assert "target</span> répond à 1 besoin" in html(at)
    assert "1 besoin encore sans idée" in html(at)
    at.switch_page("pages/explore.py").run()
    assert "lightbulb</span> 1 idée" in html(at)
    at.toggle(key="need_orphans").set_value(True).run()
    assert "Pas de bus le dimanche" in html(at)
    assert "Trop de déchets dans les fossés" not in html(at)


def test_suggest_review_and_accept_groups(new_app, db, templates, running_workshop_app):
    ideas = seed(db, running_workshop_app, templates)
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/group.py")
    at.toggle(key="suggest_auto").set_value(False).run()
    at.number_input(key="suggest_k").set_value(2).run()
    at.button(key="suggest_button").click().run()
    assert not at.exception
    names = [at.text_input(key=f"proposal_name_{i}").value for i in range(2)]
    assert any(n.startswith("déchets") for n in names)
    # Each suggestion shows its most typical card; the likely numbers of groups are offered.
    typical = [e.proto.body for e in at.get("html") if "Carte typique" in e.proto.body]
    assert len(typical) == 2 and all(any(i.text in t for i in ideas) for t in typical)
    assert [e for e in at.get("button_group") if "suggest_likely" in str(e.proto.id)]
    fresh(db)
    assert db.exec(select(Cluster)).all() == []  # nothing moved yet
    waste = next(i for i, n in enumerate(names) if n.startswith("déchets"))
    other = 1 - waste
    at.text_input(key=f"proposal_name_{waste}").input("Moins de déchets")
    at.checkbox(key=f"proposal_keep_{other}").uncheck()
    at.button(key=[b.key for b in at.button if b.label == "Créer les groupes cochés"][0]
              ).click().run()
    assert not at.exception
    fresh(db)
    (group,) = db.exec(select(Cluster)).all()
    assert group.name == "Moins de déchets"
    members = db.exec(select(Card.id).where(Card.cluster_id == group.id)).all()
    assert set(members) == {i.id for i in ideas[:3]}


def test_create_rename_merge_and_dissolve_groups(new_app, db, templates,
                                                 running_workshop_app):
    seed(db, running_workshop_app, templates)
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/group.py")
    for name in ("Déchets", "Mobilité"):
        at.text_input(key="new_group_name").input(name)
        at.button(key="FormSubmitter:new_group-Créer le groupe").click().run()
    fresh(db)
    first, second = db.exec(select(Cluster).order_by(Cluster.id)).all()
    at.text_input(key=f"group_name_{second.id}").input("Se déplacer")
    at.button(key=f"FormSubmitter:group_form_{second.id}-Enregistrer").click().run()
    fresh(db)
    db.refresh(second)
    assert second.name == "Se déplacer"
    at.button(key=f"merge_{second.id}").click().run()
    fresh(db)
    db.refresh(second)
    assert second.deleted_at is not None
    at.button(key=f"dissolve_{first.id}").click().run()
    fresh(db)
    db.refresh(first)
    assert first.deleted_at is not None and not at.exception


def test_close_cards_and_merge_a_duplicate(new_app, db, templates, running_workshop_app):
    ideas = seed(db, running_workshop_app, templates,
                 texts_=[*IDEAS, "covoiturage vers la gare de thiviers !"])
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/group.py")
    at.selectbox(key="similar_card").select(ideas[3].id).run()
    at.button(key=f"merge_card_{ideas[-1].id}").click().run()
    assert not at.exception
    fresh(db)
    assert db.get(Card, ideas[-1].id).merged_into_id == ideas[3].id
    at.button(key=f"split_{ideas[-1].id}").click().run()
    fresh(db)
    db.refresh(db.get(Card, ideas[-1].id))
    assert db.get(Card, ideas[-1].id).merged_into_id is None


def test_participants_see_groups_read_only(new_app, db, templates, running_workshop_app):
    seed(db, running_workshop_app, templates)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/group.py").run()
    assert not at.exception
    assert "Non classées" in html(at) and "Covoiturage solidaire" in html(at)
    assert not [b for b in at.button if b.key == "suggest_button"]


CSV = "idée;thème\nUne halle de producteurs;Alimentation et agriculture locale\n" \
      ";Culture\nUn cinéma itinérant;licorne\n"


def test_import_reports_rejected_rows_then_imports_the_valid_ones(new_app, db,
                                                                  running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/import_cards.py")
    at.file_uploader(key="import_file").upload("idees.csv", CSV.encode("cp1252")).run()
    assert not at.exception
    at.selectbox(key="import_theme_column").select("thème").run()
    at.radio(key="import_kind").set_value("idea").run()
    page = texts(at)
    assert "1 carte prête à importer" in page
    assert "2 lignes ne peuvent pas être importées" in page
    assert at.button(key="import_button").disabled
    at.checkbox(key="import_skip_rejected").check().run()
    at.button(key="import_button").click().run()
    assert "1 carte importée" in texts(at)
    fresh(db)
    card = db.exec(select(Card)).one()
    assert (card.text, card.kind, card.theme) == ("Une halle de producteurs", "idea",
                                                  "alimentation")


def test_import_refuses_an_empty_file(new_app, db, running_workshop_app):
    at = open_as_facilitator(new_app, running_workshop_app["workshop_id"], "pages/import_cards.py")
    at.file_uploader(key="import_file").upload("vide.csv", b"").run()
    assert "Le fichier est vide" in texts(at)
