"""Formaliser (pages/canvas.py): start a canvas, write in a section (a revision is saved),
someone saving first shows both texts, the participant reads their workshop's canvas."""

from sqlmodel import select

from core.domain.models import Canvas, CanvasRevision
from core.services import canvas_links, canvases
from tests.app.conftest import as_participant, as_user, fresh, texts
from ui import canvas_editor, render


def open_page(at, workshop_id, canvas_id=None):
    at.session_state["workshop_id"] = workshop_id
    at.run()
    if canvas_id is not None:
        at.query_params["c"] = str(canvas_id)
    at.switch_page("pages/canvas.py").run()
    assert not at.exception
    return at


def test_start_a_canvas_and_write_in_it(new_app, db, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    at = open_page(as_user(new_app(), "camille"), wid)
    assert "Pas encore de canevas" in texts(at)
    at.text_input(key="canvas_title").input("Épicerie-café")
    at.button(key="FormSubmitter:start_canvas-Démarrer").click().run()
    fresh(db)
    canvas = db.exec(select(Canvas)).one()
    assert canvas.title == "Épicerie-café" and canvas.template_key == "outille-toi"
    page = texts(at)
    assert "Le besoin du territoire" in page and "Le premier test « par le faire »" in page
    assert "0 / 12 cases remplies" in page
    at.text_area(key=f"canvas_{canvas.id}_activite").input(
        "Une épicerie-café associative ouverte quatre demi-journées par semaine, "
        "tenue par des bénévoles et un mi-temps salarié.").run()
    fresh(db)
    [saved] = db.exec(select(CanvasRevision)).all()
    assert saved.section_key == "activite" and saved.author_name == "Camille"
    assert "1 / 12 cases remplies" in texts(at)


def test_someone_saving_first_shows_both_texts(new_app, db, templates, running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    camille = running_workshop_app["facilitator"]
    canvas = canvases.start_canvas(session=db, actor=camille, workshop_id=wid,
                                   templates=templates, title="Épicerie")
    at = open_page(as_user(new_app(), "camille"), wid, canvas.id)
    # Meanwhile, from another screen, the section gets a text.
    canvases.save_section(session=db, actor=camille, canvas_id=canvas.id, section_key="pour-qui",
                          text="Les aînés du bourg", base_revision_id=None, templates=templates)
    at.text_area(key=f"canvas_{canvas.id}_pour-qui").input("Les familles").run()
    page = texts(at)
    assert "a enregistré cette case pendant que vous écriviez" in page
    assert "Les aînés du bourg" in page and "Les familles" in page
    fresh(db)
    assert len(db.exec(select(CanvasRevision)).all()) == 1  # nothing overwritten
    at.button(key="keep_mine_pour-qui").click().run()
    fresh(db)
    texts_now = [r.text for r in db.exec(select(CanvasRevision).order_by(CanvasRevision.id))]
    assert texts_now == ["Les aînés du bourg", "Les familles"]
    # Settled, the section is a new field: a value the browser still held for the one that
    # left the page (it may send one with the next click, even an empty one) reaches none.
    assert [t.key for t in at.text_area if t.key.startswith(f"canvas_{canvas.id}_pour")] == [
        f"canvas_{canvas.id}_pour-qui_1"]
    assert at.text_area(key=f"canvas_{canvas.id}_pour-qui_1").value == "Les familles"
    at.text_area(key=f"canvas_{canvas.id}_pour-qui_1").input("Les familles du bourg").run()
    fresh(db)
    assert db.exec(select(CanvasRevision.text).order_by(CanvasRevision.id.desc())).first() == (
        "Les familles du bourg")


def test_participant_reads_the_canvas_of_their_workshop(new_app, db, templates,
                                                        running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    canvas = canvases.start_canvas(session=db, actor=running_workshop_app["facilitator"],
                                   workshop_id=wid, templates=templates, title="Épicerie")
    at = as_participant(new_app(), running_workshop_app["token"])
    at.run()
    at.query_params["c"] = str(canvas.id)
    at.switch_page("pages/canvas.py").run()
    assert not at.exception
    assert "Épicerie" in texts(at) and "Le besoin du territoire" in texts(at)
    at.text_area(key=f"canvas_{canvas.id}_besoin").input("Plus de commerce au bourg").run()
    fresh(db)
    assert db.exec(select(CanvasRevision)).one().author_name == "Élise"


def test_comment_a_section_reply_and_resolve(new_app, db, templates, running_workshop_app):
    from core.domain.models import Comment

    wid = running_workshop_app["workshop_id"]
    canvas = canvases.start_canvas(session=db, actor=running_workshop_app["facilitator"],
                                   workshop_id=wid, templates=templates, title="Épicerie")
    at = open_page(as_user(new_app(), "camille"), wid, canvas.id)
    at.text_input(key="comment_modele_new").input("Et le <b>loyer</b> ?").run()
    fresh(db)
    question = db.exec(select(Comment)).one()
    assert question.section_key == "modele" and question.author_name == "Camille"
    assert "Et le &lt;b&gt;loyer&lt;/b&gt; ?" in texts(at)  # shown as text, not HTML
    assert at.text_input(key="comment_modele_new").value == ""
    at.text_input(key=f"comment_modele_{question.id}").input("Prêté par la mairie").run()
    at.button(key=f"resolve_{question.id}").click().run()
    fresh(db)
    rows = db.exec(select(Comment).order_by(Comment.id)).all()
    assert rows[1].parent_id == question.id and rows[0].resolved_at is not None
    assert "résolu" in texts(at)


def test_a_member_comes_back_through_the_collectives_link(new_app, db, templates,
                                                          running_workshop_app):
    camille = running_workshop_app["facilitator"]
    canvas = canvases.start_canvas(session=db, actor=camille,
                                   workshop_id=running_workshop_app["workshop_id"],
                                   templates=templates, title="Épicerie")
    link = canvas_links.create_access(session=db, actor=camille,
                                  collective_id=running_workshop_app["collective_id"])
    at = new_app()
    at.query_params["k"] = link.code
    at.run()
    assert not at.exception
    at.switch_page("pages/canvas.py").run()
    # The label is Markdown-escaped (a title is typed text): it shows as typed.
    assert render.md("Épicerie · Outille-toi — projet de territoire") in [
        b.label for b in at.button]
    at.sidebar.text_input(key="member_name").input("Josiane").run()
    at.button(key=f"open_canvas_{canvas.id}").click().run()
    at.text_area(key=f"canvas_{canvas.id}_ressources").input("Une chambre froide").run()
    fresh(db)
    assert db.exec(select(CanvasRevision)).one().author_name == "Josiane"
    # Revoked: the next run shows nothing of the collective.
    canvas_links.revoke_access(session=db, actor=camille, access_id=link.id)
    at.run()
    assert not at.exception
    assert not [t for t in at.text_area if t.key and t.key.startswith("canvas_")]
    assert "Une chambre froide" not in texts(at) and "k" not in at.query_params


def test_an_empty_text_from_a_field_never_entered_is_not_saved(new_app, db, templates,
                                                               running_workshop_app):
    """Emptying a section is typing in it (the field had the focus); an empty value from a
    field this person never entered — a page still being drawn — saves nothing and the
    section's text comes back."""
    touched = canvas_editor.TOUCHED_KEY
    wid = running_workshop_app["workshop_id"]
    camille = running_workshop_app["facilitator"]
    canvas = canvases.start_canvas(session=db, actor=camille, workshop_id=wid,
                                   templates=templates, title="Épicerie")
    canvases.save_section(session=db, actor=camille, canvas_id=canvas.id, section_key="besoin",
                          text="Plus d'épicerie au bourg", base_revision_id=None,
                          templates=templates)
    at = open_page(as_user(new_app(), "camille"), wid, canvas.id)
    field = f"canvas_{canvas.id}_besoin"
    assert at.text_area(key=field).value == "Plus d'épicerie au bourg"
    at.text_area(key=field).input("").run()
    assert not at.exception
    fresh(db)
    assert [r.text for r in db.exec(select(CanvasRevision))] == ["Plus d'épicerie au bourg"]
    assert at.text_area(key=field).value == "Plus d'épicerie au bourg"
    # Entered (the focus was reported): emptying it is saved, as a new revision.
    at.session_state[touched] = {(canvas.id, "besoin")}
    at.text_area(key=field).input("").run()
    fresh(db)
    texts_now = [r.text for r in db.exec(select(CanvasRevision).order_by(CanvasRevision.id))]
    assert texts_now == ["Plus d'épicerie au bourg", ""]


def test_a_field_whose_texts_came_ranked_never_saves_its_own_older_value(
        new_app, db, templates, running_workshop_app):
    """Once this browser's drafts script has sent a field's texts ranked, the field's own
    change (Streamlit's, unranked) is not saved in that session: a closing tab's message
    carries both, and the field's value — older than the ranked text, and carrying no rank
    the service could compare — would land on top."""
    wid = running_workshop_app["workshop_id"]
    camille = running_workshop_app["facilitator"]
    canvas = canvases.start_canvas(session=db, actor=camille, workshop_id=wid,
                                   templates=templates, title="Épicerie")
    at = open_page(as_user(new_app(), "camille"), wid, canvas.id)
    field = f"canvas_{canvas.id}_besoin"
    at.session_state[canvas_editor.TOUCHED_KEY] = {(canvas.id, "besoin")}
    # Without the script (AppTest has none), the field's change is how a text is saved.
    at.text_area(key=field).input("Plus d'épicerie").run()
    fresh(db)
    assert [r.text for r in db.exec(select(CanvasRevision))] == ["Plus d'épicerie"]
    # The script's ranked sending of the whole text, as the page's drafts callback makes it.
    [revision] = db.exec(select(CanvasRevision)).all()
    canvases.save_section(session=db, actor=camille, canvas_id=canvas.id,
                          section_key="besoin", text="Plus d'épicerie au bourg",
                          base_revision_id=revision.id, templates=templates,
                          over_own=True, writer="navigateur-1", seq=2)
    at.session_state[canvas_editor.RANKED_KEY] = {(canvas.id, "besoin")}
    at.session_state[f"canvas_base_{canvas.id}_besoin"] = revision.id + 1
    # Then the field's own, older value arrives: it is not saved over the whole text.
    at.text_area(key=field).input("Plus d'épicerie au").run()
    assert not at.exception
    fresh(db)
    assert [r.text for r in db.exec(select(CanvasRevision).order_by(CanvasRevision.id))] == [
        "Plus d'épicerie", "Plus d'épicerie au bourg"]
