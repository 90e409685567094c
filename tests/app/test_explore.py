"""Explorer page: capture, board by theme, edit, delete and undo, "ça me concerne"."""

from html import escape

from sqlmodel import select

from core.models import Card, CardSupport, Workshop
from tests.app.conftest import as_participant, as_user, fresh, texts

ADD = "FormSubmitter:need_capture-Ajouter"


def facilitator_on_explore(new_app, workshop_id):
    at = as_user(new_app(), "camille")
    at.session_state["workshop_id"] = workshop_id
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def add_card(at, text, theme=None, source=None):
    if theme:
        at.selectbox(key="need_capture_theme").select(theme).run()
    if source:
        at.selectbox(key="need_capture_source").select(source).run()
    at.text_input(key="need_capture_text").input(text)
    at.button(key=ADD).click().run()
    assert not at.exception


def board_html(at) -> str:
    return "\n".join(str(e.proto.body) for e in at.get("html"))


def test_empty_board_invites_the_first_card(new_app, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    assert "À vous la première carte" in texts(at)
    assert running_workshop_app["code"] in texts(at)


def test_facilitator_captures_cards_grouped_by_theme(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Plus de médecin à moins de 20 minutes", theme="sante", source="entretien")
    add_card(at, "Pas de bus le dimanche", theme="mobilites")
    add_card(at, "Les aînés restent seuls", theme="sante")
    # The theme stays chosen for the next card (the browser test checks the field empties).
    assert at.selectbox(key="need_capture_theme").value == "sante"
    html = board_html(at)
    assert html.index("Santé") < html.index("Plus de médecin") < html.index("Les aînés")
    assert html.index("Mobilités") < html.index("Pas de bus")
    assert "Entretien" in html
    assert "3 cartes" in texts(at)
    fresh(db)
    assert len(db.exec(select(Card)).all()) == 3


def test_empty_text_is_explained_and_nothing_added(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "    ")
    assert "le texte est vide" in texts(at)
    fresh(db)
    assert db.exec(select(Card)).all() == []


def test_the_field_caps_text_at_the_card_limit(new_app, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    assert at.text_input(key="need_capture_text").max_chars == 500


def test_a_refused_card_is_given_back_to_its_writer(new_app, db, running_workshop_app):
    """The facilitator ends the workshop while Élise types: her text is not lost."""
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    workshop = db.get(Workshop, running_workshop_app["workshop_id"])
    workshop.status = "ended"
    db.commit()
    at.text_input(key="need_capture_text").input("Une idée tapée trop tard")
    at.button(key=ADD).click().run()
    assert "L'atelier est terminé" in texts(at)
    assert [c.value for c in at.code] == ["Une idée tapée trop tard"]
    fresh(db)
    assert db.exec(select(Card)).all() == []


def test_hostile_text_is_shown_as_text(new_app, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    hostile = "<style>*{display:none}</style><script>alert(1)</script> **gras** :red[rouge]"
    add_card(at, hostile)
    html = board_html(at)
    assert escape(hostile) in html
    assert "<script>" not in html and "<style>*" not in html
    assert not any("gras" in m.value for m in at.markdown)


def test_edit_a_card(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Pas de boulangrie")
    card_id = db.exec(select(Card)).one().id
    at.button(key=f"edit_{card_id}").click().run()
    at.text_area(key=f"need_edit_text_{card_id}").input("Pas de boulangerie au bourg")
    at.selectbox(key=f"need_edit_theme_{card_id}").select("alimentation")
    at.button(key=f"FormSubmitter:need_edit_form_{card_id}-Enregistrer").click().run()
    assert not at.exception
    fresh(db)
    card = db.get(Card, card_id)
    db.refresh(card)
    assert (card.text, card.theme) == ("Pas de boulangerie au bourg", "alimentation")
    assert "Pas de boulangerie au bourg" in board_html(at)


def test_delete_then_undo(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Une carte en double")
    card_id = db.exec(select(Card)).one().id
    at.button(key=f"delete_{card_id}").click().run()
    assert f"Carte n°{card_id} supprimée" in texts(at)
    assert "Une carte en double" not in "".join(
        b for b in board_html(at).split("fab-card-text")[1:])
    at.button(key="undo_delete").click().run()
    fresh(db)
    assert db.get(Card, card_id).deleted_at is None
    assert "Une carte en double" in board_html(at)


def test_deleted_cards_can_be_restored_from_the_bin(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Première")
    add_card(at, "Seconde")
    first, second = db.exec(select(Card).order_by(Card.id)).all()
    at.button(key=f"delete_{first.id}").click().run()
    at.button(key=f"delete_{second.id}").click().run()
    assert "Cartes supprimées (2)" in [e.label for e in at.expander]
    at.button(key=f"restore_{first.id}").click().run()
    fresh(db)
    assert db.get(Card, first.id).deleted_at is None


def test_participant_adds_and_says_it_concerns_them(new_app, db, running_workshop_app):
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert "Bonjour Élise" in texts(at)
    add_card(at, "Un lieu pour se retrouver le soir", theme="lien-social")
    card_id = db.exec(select(Card)).one().id
    # Élise may edit her own card, and +1 it.
    assert at.button(key=f"edit_{card_id}")
    at.button(key=f"support_{card_id}").click().run()
    assert not at.exception
    fresh(db)
    assert len(db.exec(select(CardSupport)).all()) == 1
    assert "👍 1" in board_html(at)
    assert at.button(key=f"support_{card_id}").label.endswith("✓")


def test_participant_cannot_edit_others_cards(new_app, db, running_workshop_app):
    facilitator = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(facilitator, "Carte de l'animatrice")
    card_id = db.exec(select(Card)).one().id
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    assert escape("Carte de l'animatrice") in board_html(at)
    keys = {b.key for b in at.button}
    assert f"support_{card_id}" in keys
    assert f"edit_{card_id}" not in keys and f"delete_{card_id}" not in keys


def test_facilitator_without_workshop_gets_a_way_back(new_app, running_workshop_app):
    at = as_user(new_app(), "camille").run()
    at.switch_page("pages/explore.py").run()
    assert "Ouvrez d'abord un atelier" in texts(at)


def test_a_name_written_in_markdown_stays_plain(new_app, db, running_workshop_app):
    from core.services import participants
    sneaky = participants.join_workshop(session=db, code=running_workshop_app["code"],
                                        display_name="**Zoé** :red[x] $y$")
    at = as_participant(new_app(), sneaky.token).run()
    greeting = next(c.value for c in at.caption if "Bonjour" in c.value)
    assert r"\*\*Zoé\*\* \:red\[x\] \$y\$" in greeting
