"""Canvases: start from a candidate with evidence, append-only revisions, conflicts,
history, restore, word differences, completeness, export, and who may do what."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from core.domain import inputs
from core.domain.models import CanvasRevision, CardKind
from core.errors import InvalidInput, PermissionDenied
from core.services import canvas_comments, canvas_links, canvases, cards, scoring
from core.text.wordiff import counts, word_diff
from tests.conftest import join, make_user


def idea_candidate(session, facilitator, workshop, templates):
    """An idea answering two needs, put up as a candidate and selected."""
    needs = [cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                            card_in=inputs.CardCreate(text=t), templates=templates)
             for t in ("Plus de commerce au bourg", "Les aînés sont isolés")]
    idea = cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                          card_in=inputs.CardCreate(text="Une épicerie-café associative",
                                                    kind=CardKind.IDEA,
                                                    need_ids=[n.id for n in needs]),
                          templates=templates)
    [candidate] = scoring.set_candidates(session=session, actor=facilitator,
                                         workshop_id=workshop.id, card_ids=[idea.id])
    return candidate


def test_start_from_a_candidate_prefills_the_evidence(session, facilitator, workshop,
                                                      templates):
    candidate = idea_candidate(session, facilitator, workshop, templates)
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, candidate_id=candidate.id)
    assert canvas.title == "Une épicerie-café associative"
    view = canvases.canvas_view(session=session, actor=facilitator, canvas_id=canvas.id,
                                templates=templates)
    need = view.sections["besoin"]
    assert need.prefilled and need.author == "Fabrique"
    assert "- Plus de commerce au bourg" in need.text and "- Les aînés sont isolés" in need.text
    assert canvases.completeness(view)["besoin"] == "thin"  # pre-filled is only a start
    assert canvases.completeness(view)["activite"] == "empty"


def test_blank_canvas_needs_a_title_and_a_known_template(session, facilitator, workshop,
                                                         templates):
    with pytest.raises(InvalidInput):
        canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                              templates=templates)
    with pytest.raises(InvalidInput):
        canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                              templates=templates, template_key="nope", title="X")
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, template_key="fiche-action",
                                   title="Fiche épicerie")
    view = canvases.canvas_view(session=session, actor=facilitator, canvas_id=canvas.id,
                                templates=templates)
    assert view.sections == {} and set(canvases.completeness(view).values()) == {"empty"}


def test_saves_are_append_only_revisions_and_conflicts_are_never_silent(
        session, facilitator, running_workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    elise = join(session, running_workshop, "Élise")
    marc = join(session, running_workshop, "Marc")

    def save(actor, text, base):
        return canvases.save_section(session=session, actor=actor, canvas_id=canvas.id,
                                     section_key="activite", text=text, base_revision_id=base,
                                     templates=templates)

    first = save(elise, "Une épicerie ouverte le samedi", None).saved
    assert first is not None and first.author == "Élise"
    # Marc and Élise both start from the first text; Élise saves first.
    mine = save(elise, "Une épicerie ouverte le samedi et le mercredi", first.id).saved
    clash = save(marc, "Une épicerie ambulante", first.id)
    assert clash.saved is None and clash.conflict.id == mine.id
    assert clash.conflict.text == "Une épicerie ouverte le samedi et le mercredi"
    # Nothing was overwritten: two revisions, the latest is Élise's.
    texts = [r.text for r in canvases.history(session=session, actor=facilitator,
                                              canvas_id=canvas.id, section_key="activite")]
    assert texts == ["Une épicerie ouverte le samedi et le mercredi",
                     "Une épicerie ouverte le samedi"]
    # Marc merges, now based on what he saw.
    merged = save(marc, "Une épicerie ouverte le samedi et le mercredi, ambulante l'été",
                  mine.id).saved
    assert merged is not None and merged.base_revision_id == mine.id
    # Saving the same text again writes nothing.
    assert save(marc, merged.text, merged.id).saved.id == merged.id
    assert len(session.exec(select(CanvasRevision)).all()) == 3


def test_text_still_being_typed_goes_over_its_own_saves_but_not_over_others(
        session, facilitator, running_workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    elise = join(session, running_workshop, "Élise")
    marc = join(session, running_workshop, "Marc")

    def typing(actor, text, base):
        return canvases.save_section(session=session, actor=actor, canvas_id=canvas.id,
                                     section_key="pour-qui", text=text, base_revision_id=base,
                                     templates=templates, over_own=True)

    # Élise's browser sends her typing twice on the same base (the first save's answer
    # had not reached it yet): her own save is not a conflict.
    first = typing(elise, "Les aînés", None).saved
    second = typing(elise, "Les aînés du bourg", None).saved
    assert second is not None and second.base_revision_id == first.id
    # Marc's typing, sent on what he saw before Élise's saves, is a conflict.
    clash = typing(marc, "Les familles", None)
    assert clash.saved is None and clash.conflict.id == second.id
    # Without over_own (leaving a field), even one's own unseen save is a conflict.
    plain = canvases.save_section(session=session, actor=elise, canvas_id=canvas.id,
                                  section_key="pour-qui", text="Les aînés", base_revision_id=
                                  first.id, templates=templates)
    assert plain.conflict is not None and plain.conflict.id == second.id
    # Something of Marc's among the revisions since the base: a conflict for Élise too.
    mixed = typing(marc, "Les aînés et les familles", second.id).saved
    assert typing(elise, "Les aînés, les familles", first.id).conflict.id == mixed.id


def test_a_late_sending_never_replaces_a_newer_text_of_the_same_browser(
        session, facilitator, running_workshop, templates):
    """Two sendings of one browser reach the service in the wrong order (overtaken on the
    way, sent again, folded into one run): the older, arriving second, writes nothing."""
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    elise = join(session, running_workshop, "Élise")

    def sending(text, seq, writer="browser-a", actor=elise):
        return canvases.save_section(session=session, actor=actor, canvas_id=canvas.id,
                                     section_key="pour-qui", text=text, base_revision_id=None,
                                     templates=templates, over_own=True, writer=writer,
                                     seq=seq)

    def texts():
        return [r.text for r in session.exec(select(CanvasRevision).where(
            CanvasRevision.canvas_id == canvas.id, CanvasRevision.section_key == "pour-qui")
            .order_by(CanvasRevision.id))]

    newer = sending("Les aînés sans voiture", seq=2)
    older = sending("Les aînés", seq=1)
    assert newer.saved is not None and older.late and older.saved is None
    assert texts() == ["Les aînés sans voiture"]
    # The same sending again (a resend whose answer was lost) writes nothing either.
    assert sending("Les aînés sans voiture", seq=2).late
    # A rank is kept even when its text changed nothing: typed back to an earlier text,
    # the in-between text arriving late is still late.
    sending("Les aînés", seq=5)
    sending("Les aînés sans voiture", seq=6)
    sending("Les aînés sans voiture", seq=8)  # equal to the latest: no revision, rank 8
    assert sending("Les aînés sans voiture ni bus", seq=7).late
    assert texts()[-1] == "Les aînés sans voiture"
    # Another browser's ranks are its own; an unranked save (leaving a field, no script)
    # is not compared.
    assert sending("Les aînés du bourg", seq=1, writer="browser-b").saved is not None
    plain = canvases.save_section(session=session, actor=elise, canvas_id=canvas.id,
                                  section_key="pour-qui", text="Les aînés",
                                  base_revision_id=texts_id(session, canvas.id),
                                  templates=templates)
    assert plain.saved is not None and texts()[-1] == "Les aînés"


def texts_id(session, canvas_id: int) -> int:
    """The latest revision of the canvas's "pour-qui"."""
    return session.exec(select(CanvasRevision.id).where(
        CanvasRevision.canvas_id == canvas_id, CanvasRevision.section_key == "pour-qui")
        .order_by(CanvasRevision.id.desc())).first()


def test_canvas_stamp_moves_with_every_write(session, facilitator, workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Épicerie")

    def stamp():
        return canvases.canvas_stamp(session=session, actor=facilitator, canvas_id=canvas.id)

    seen = [stamp()]
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="pour-qui", text="Les aînés", base_revision_id=None,
                          templates=templates)
    seen.append(stamp())
    thread = comment(session, facilitator, canvas, "Et les jeunes ?", templates,
                     section="pour-qui")
    seen.append(stamp())
    canvas_comments.set_resolved(session=session, actor=facilitator, comment_id=thread.id,
                                 resolved=True)
    seen.append(stamp())
    assert len(set(seen)) == 4
    outsider = make_user(session, "outsider")
    with pytest.raises(PermissionDenied):
        canvases.canvas_stamp(session=session, actor=outsider, canvas_id=canvas.id)


def test_restore_appends_the_old_text_and_diff_reads_as_words(session, facilitator, workshop,
                                                              templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Épicerie")
    old = canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                                section_key="pour-qui", text="Les aînés du bourg",
                                base_revision_id=None, templates=templates).saved
    new = canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                                section_key="pour-qui", text="Les familles du bourg",
                                base_revision_id=old.id, templates=templates).saved
    runs = word_diff(old.text, new.text)
    assert runs == [("same", "Les"), ("removed", "aînés"), ("added", "familles"),
                    ("same", "du bourg")]
    assert counts(runs) == (1, 1)
    back = canvases.restore(session=session, actor=facilitator, revision_id=old.id,
                            templates=templates)
    assert back.text == "Les aînés du bourg" and back.id > new.id
    ids = [r.id for r in canvases.history(session=session, actor=facilitator,
                                          canvas_id=canvas.id)]
    assert ids == [back.id, new.id, old.id]  # nothing rewritten, one more revision


def test_word_diff_keeps_paragraphs():
    runs = word_diff("Un\nDeux trois", "Un\nDeux quatre trois")
    assert runs == [("same", "Un\nDeux"), ("added", "quatre"), ("same", "trois")]
    assert word_diff("", "Tout neuf") == [("added", "Tout neuf")]


def test_what_changed_since_the_last_session(session, facilitator, workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Épicerie")
    first = canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                                  section_key="pour-qui", text="Les aînés",
                                  base_revision_id=None, templates=templates).saved
    # Pretend that text was written three weeks ago.
    row = session.get(CanvasRevision, first.id)
    row.created_at = datetime.now(UTC) - timedelta(days=21)
    session.commit()
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="pour-qui", text="Les aînés et les familles",
                          base_revision_id=first.id, templates=templates)
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="activite", text="Une épicerie",
                          base_revision_id=None, templates=templates)
    days = canvases.working_days(session=session, actor=facilitator, canvas_id=canvas.id)
    assert len(days) == 2
    changed = canvases.changed_since(session=session, actor=facilitator, canvas_id=canvas.id,
                                     since=days[0])
    assert changed == {"pour-qui": ("Les aînés", "Les aînés et les familles"),
                       "activite": ("", "Une épicerie")}


def test_who_may_open_a_canvas(session, facilitator, running_workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    stranger = make_user(session, "autre")
    with pytest.raises(PermissionDenied):
        canvases.canvas_view(session=session, actor=stranger, canvas_id=canvas.id,
                             templates=templates)
    elise = join(session, running_workshop, "Élise")
    with pytest.raises(PermissionDenied):
        canvases.start_canvas(session=session, actor=elise, workshop_id=running_workshop.id,
                              templates=templates, title="Le mien")
    with pytest.raises(PermissionDenied):
        canvases.delete_canvas(session=session, actor=elise, canvas_id=canvas.id)
    assert canvases.canvas_view(session=session, actor=elise, canvas_id=canvas.id,
                                templates=templates).canvas.id == canvas.id


def test_markdown_export_has_every_section(session, facilitator, workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Épicerie « chez nous »")
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="modele", text="Ventes 60 %, dons 10 € par mois",
                          base_revision_id=None, templates=templates)
    view = canvases.canvas_view(session=session, actor=facilitator, canvas_id=canvas.id,
                                templates=templates)
    text = canvases.markdown(view, "fr")
    assert text.startswith("# Épicerie « chez nous »")
    for section in templates.default_canvas.sections:
        assert f"## {section.title('fr')}" in text
    assert "Ventes 60 %, dons 10 € par mois" in text


@pytest.mark.parametrize("template_key", ["outille-toi", "business-model-canvas",
                                          "lean-canvas", "fiche-action"])
def test_pdf_export_reads_back_with_every_title_and_french_text(session, facilitator, workshop,
                                                                templates, template_key):
    import io

    from pypdf import PdfReader

    from core.outputs.canvas_pdf import canvas_pdf

    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, template_key=template_key,
                                   title="Le cœur du bourg")
    first = templates.canvases[template_key].sections[0].key
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key=first, base_revision_id=None, templates=templates,
                          text="L’œuvre collective coûte 10 € : " + "très long texte " * 120)
    view = canvases.canvas_view(session=session, actor=facilitator, canvas_id=canvas.id,
                                templates=templates)
    reader = PdfReader(io.BytesIO(canvas_pdf(view, "fr")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = " ".join(page.extract_text().split())
    assert "Le cœur du bourg" in text and "L’œuvre collective coûte 10 €" in text
    for section in templates.canvases[template_key].sections:
        assert " ".join(section.title("fr").split()) in text, section.key


def comment(session, actor, canvas, text, templates, section="modele", parent_id=None):
    return canvas_comments.add_comment(
        session=session, actor=actor, canvas_id=canvas.id, section_key=section,
        comment_in=inputs.CommentCreate(text=text, parent_id=parent_id), templates=templates)


def test_comments_reply_and_resolve(session, facilitator, running_workshop, templates):
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    elise = join(session, running_workshop, "Élise")
    question = comment(session, elise, canvas, "Et le loyer ?", templates)
    answer = comment(session, facilitator, canvas, "Prêté par la mairie", templates,
                     parent_id=question.id)
    # A reply to a reply joins the same thread.
    again = comment(session, elise, canvas, "Merci", templates, parent_id=answer.id)
    assert answer.parent_id == question.id and again.parent_id == question.id
    with pytest.raises(InvalidInput):  # a reply belongs to the thread's section
        comment(session, elise, canvas, "?", templates, section="activite",
                parent_id=question.id)
    canvas_comments.set_resolved(session=session, actor=elise, comment_id=question.id,
                                 resolved=True)
    found = canvas_comments.comments(session=session, actor=facilitator, canvas_id=canvas.id)
    assert [(c.author, c.resolved) for c in found] == [("Élise", True), ("Camille", False),
                                                       ("Élise", False)]
    stranger = make_user(session, "autre")
    with pytest.raises(PermissionDenied):
        comment(session, stranger, canvas, "Spam", templates, section="modele")


def test_the_collective_link_opens_its_canvases_with_the_role_it_gives(
        session, facilitator, workshop, templates):
    from core.domain.models import AccessRole

    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title="Épicerie")
    editor_link = canvas_links.create_access(session=session, actor=facilitator,
                                         collective_id=workshop.collective_id)
    reader_link = canvas_links.create_access(session=session, actor=facilitator,
                                         collective_id=workshop.collective_id,
                                         role=AccessRole.READ)
    assert len(editor_link.code) >= 16 and editor_link.code != reader_link.code
    member = canvas_links.actor_for_code(session, editor_link.code, "Josiane")
    reader = canvas_links.actor_for_code(session, reader_link.code, "Paul")
    assert canvas_links.actor_for_code(session, "not-a-code", "X") is None

    assert [c.id for c in canvas_links.collective_canvases(session=session, actor=member)] == [
        canvas.id]
    saved = canvases.save_section(session=session, actor=member, canvas_id=canvas.id,
                                  section_key="pour-qui", text="Les familles",
                                  base_revision_id=None, templates=templates).saved
    assert saved.author == "Josiane"
    assert canvases.canvas_view(session=session, actor=reader, canvas_id=canvas.id,
                                templates=templates).text("pour-qui") == "Les familles"
    with pytest.raises(PermissionDenied):
        canvases.save_section(session=session, actor=reader, canvas_id=canvas.id,
                              section_key="pour-qui", text="Autre", base_revision_id=saved.id,
                              templates=templates)
    with pytest.raises(PermissionDenied):
        comment(session, reader, canvas, "?", templates, section="pour-qui")
    # A member reaches nothing else: not the workshop's boards, not starting a canvas.
    with pytest.raises(PermissionDenied):
        cards.board(session=session, actor=member, workshop_id=workshop.id)
    with pytest.raises(PermissionDenied):
        canvases.start_canvas(session=session, actor=member, workshop_id=workshop.id,
                              templates=templates, title="Le mien")

    canvas_links.revoke_access(session=session, actor=facilitator, access_id=editor_link.id)
    with pytest.raises(PermissionDenied):  # at once, even for a member already in
        canvases.canvas_view(session=session, actor=member, canvas_id=canvas.id,
                             templates=templates)
    assert canvas_links.actor_for_code(session, editor_link.code, "Josiane") is None
    assert [a.id for a in canvas_links.list_access(session=session, actor=facilitator,
                                               collective_id=workshop.collective_id)] == [
        reader_link.id]
    other = make_user(session, "autre")
    with pytest.raises(PermissionDenied):
        canvas_links.create_access(session=session, actor=other,
                               collective_id=workshop.collective_id)


def test_after_the_workshop_its_participants_read(session, facilitator, running_workshop,
                                                   templates):
    from core.services import phases

    elise = join(session, running_workshop, "Élise")
    canvas = canvases.start_canvas(session=session, actor=facilitator,
                                   workshop_id=running_workshop.id, templates=templates,
                                   title="Épicerie")
    saved = canvases.save_section(session=session, actor=elise, canvas_id=canvas.id,
                                  section_key="activite", text="Pendant l'atelier",
                                  base_revision_id=None, templates=templates)
    assert saved.saved is not None
    phases.end(session=session, actor=facilitator, workshop_id=running_workshop.id)
    with pytest.raises(PermissionDenied, match="over"):
        canvases.save_section(session=session, actor=elise, canvas_id=canvas.id,
                              section_key="activite", text="Après", templates=templates,
                              base_revision_id=saved.saved.id)
    with pytest.raises(PermissionDenied, match="over"):
        comment(session, elise, canvas, "?", templates, section="activite")
    # She still reads it; the facilitator still writes.
    view = canvases.canvas_view(session=session, actor=elise, canvas_id=canvas.id,
                                templates=templates)
    assert view.text("activite") == "Pendant l'atelier"
    assert canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                                 section_key="activite", text="Après, par Camille",
                                 base_revision_id=saved.saved.id,
                                 templates=templates).saved is not None


def test_markdown_export_keeps_typed_text_as_text(session, facilitator, workshop, templates):
    """Raw HTML, links (``javascript:`` too), images and emphasis typed by people stay the
    characters they typed once the export is rendered (markdown-it, CommonMark + HTML)."""
    from markdown_it import MarkdownIt

    hostile = ("<b>gras</b> <script>alert(1)</script> **fort** [lien](javascript:alert(1)) "
               "![x](http://example.org/x.png)\n# titre\n1. liste")
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, title=hostile.splitlines()[0][:160])
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="modele", text=hostile, base_revision_id=None,
                          templates=templates)
    view = canvases.canvas_view(session=session, actor=facilitator, canvas_id=canvas.id,
                                templates=templates)
    html = MarkdownIt("commonmark", {"html": True}).render(canvases.markdown(view, "fr"))
    for made in ("<b>", "<script>", "<strong>fort", "<a ", "<img", "<h1>titre", "<ol"):
        assert made not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "**fort**" in html
