"""Explorer page (pages/explore.py): capture, the board by theme, edit, delete and undo,
"ça me concerne", and text shown as typed."""

from html import escape

from sqlmodel import select

from core.domain.models import Card, CardSupport, PhaseKind, Workshop
from tests.app.conftest import as_participant, as_user, fresh, texts
from tests.conftest import start_at

ADD = "FormSubmitter:need_capture-Ajouter"


def facilitator_on_explore(new_app, workshop_id):
    at = as_user(new_app(), "camille")
    at.session_state["workshop_id"] = workshop_id
    at.run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    return at


def participant_on_explore(new_app, token):
    at = as_participant(new_app(), token).run()
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


def edit(at, card_id, text=None, theme=None):
    at.selectbox(key="need_editing").select(card_id).run()
    if text is not None:
        at.text_area(key=f"need_edit_text_{card_id}").input(text)
    if theme is not None:
        at.selectbox(key=f"need_edit_theme_{card_id}").select(theme)
    at.button(key=f"FormSubmitter:need_edit_form_{card_id}-Enregistrer").click().run()


def delete(at, card_id):
    at.selectbox(key="need_editing").select(card_id).run()
    at.button(key=f"FormSubmitter:need_edit_form_{card_id}-Supprimer").click().run()


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
    at = participant_on_explore(new_app, running_workshop_app["token"])
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
    edit(at, card_id, text="Pas de boulangerie au bourg", theme="alimentation")
    assert not at.exception
    fresh(db)
    card = db.get(Card, card_id)
    assert (card.text, card.theme) == ("Pas de boulangerie au bourg", "alimentation")
    assert "Pas de boulangerie au bourg" in board_html(at)


def test_delete_then_undo(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Une carte en double")
    card_id = db.exec(select(Card)).one().id
    delete(at, card_id)
    assert f"Carte n°{card_id} supprimée" in texts(at)
    assert "Une carte en double" not in board_html(at).split("fab-theme", 1)[-1]
    at.button(key="undo_delete").click().run()
    fresh(db)
    assert db.get(Card, card_id).deleted_at is None
    assert "Une carte en double" in board_html(at)


def test_deleted_cards_can_be_restored_from_the_bin(new_app, db, running_workshop_app):
    at = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(at, "Première")
    add_card(at, "Seconde")
    first, second = db.exec(select(Card).order_by(Card.id)).all()
    delete(at, first.id)
    delete(at, second.id)
    assert "Cartes supprimées (2)" in [e.label for e in at.expander]
    at.button(key=f"restore_{first.id}").click().run()
    fresh(db)
    assert db.get(Card, first.id).deleted_at is None


def test_participant_adds_and_says_it_concerns_them(new_app, db, running_workshop_app):
    at = participant_on_explore(new_app, running_workshop_app["token"])
    assert "Bonjour Élise" in texts(at)
    add_card(at, "Un lieu pour se retrouver le soir", theme="lien-social")
    card_id = db.exec(select(Card)).one().id
    assert card_id in at.selectbox(key="need_editing").options or str(card_id) in str(
        at.selectbox(key="need_editing").options)  # she may edit her own card
    at.multiselect(key="need_supports").select(card_id).run()
    assert not at.exception
    fresh(db)
    assert len(db.exec(select(CardSupport)).all()) == 1
    assert "thumb_up</span> 1" in board_html(at) and "vous aussi" in board_html(at)
    at.multiselect(key="need_supports").unselect(card_id).run()
    fresh(db)
    assert db.exec(select(CardSupport)).one().withdrawn_at is not None


def test_participant_cannot_edit_others_cards(new_app, db, running_workshop_app):
    facilitator = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(facilitator, "Carte de l'animatrice")
    at = participant_on_explore(new_app, running_workshop_app["token"])
    assert escape("Carte de l'animatrice") in board_html(at)
    assert not [s for s in at.selectbox if s.key == "need_editing"]
    assert [m for m in at.multiselect if m.key == "need_supports"]


def test_outside_its_phase_the_board_is_read_only(new_app, db, running_workshop_app):
    start_at(db, running_workshop_app["facilitator"],
             db.get(Workshop, running_workshop_app["workshop_id"]), PhaseKind.IDEAS)
    at = participant_on_explore(new_app, running_workshop_app["token"])
    assert "pendant la phase « explorer »" in texts(at)
    assert not [t for t in at.text_input if t.key == "need_capture_text"]


def test_facilitator_without_workshop_gets_a_way_back(new_app, running_workshop_app):
    at = as_user(new_app(), "camille").run()
    at.switch_page("pages/explore.py").run()
    assert "Ouvrez d'abord un atelier" in texts(at)


def test_a_name_written_in_markdown_stays_plain(new_app, db, running_workshop_app):
    from core.services import participants
    sneaky = participants.join_workshop(session=db, code=running_workshop_app["code"],
                                        display_name="**Zoé** :red[x] $y$")
    at = participant_on_explore(new_app, sneaky.token)
    greeting = next(c.value for c in at.caption if "Bonjour" in c.value)
    assert "\\*\\*Zoé\\*\\* \\:\u2060red\\[x\\] \\$y\\$" in greeting


def test_a_me_too_sent_as_the_phase_changed_is_answered_not_undone(new_app, db,
                                                                    running_workshop_app):
    """A "ça me concerne" chosen just as the phone was taken on to the ideas reaches a run
    of Explorer without its callback (ui/push.keep_late_actions): it is sent — here
    refused out loud, the needs being closed — and the page offers the way on, instead of
    the choice being shown and then quietly undone."""
    facilitator = facilitator_on_explore(new_app, running_workshop_app["workshop_id"])
    add_card(facilitator, "Un lieu pour se retrouver")
    card_id = db.exec(select(Card)).one().id
    at = participant_on_explore(new_app, running_workshop_app["token"])
    assert at.multiselect(key="need_supports").value == []
    wid = running_workshop_app["workshop_id"]
    start_at(fresh(db), running_workshop_app["facilitator"], db.get(Workshop, wid),
             PhaseKind.IDEAS)
    at.run()  # taken on to the ideas
    assert "Bonjour Élise ! Proposez" in texts(at)
    # The choice made on Explorer arrives now, as the browser sends it: no callback.
    at.session_state["need_supports"] = [card_id]
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert "Ce tableau est fermé pendant la phase en cours" in " ".join(e.value for e in at.error)
    assert "L'atelier avance" in " ".join(str(p.proto.label) for p in at.get("page_link"))
    fresh(db)
    assert db.exec(select(CardSupport)).all() == []
