"""The synthesis and the livrable: every chosen section, French text intact, the chart, no
participant's name when anonymous, user text never interpreted."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from core.domain import inputs
from core.domain.models import CardKind, PhaseKind
from core.errors import PermissionDenied
from core.outputs import livrable
from core.outputs.livrable import markdown
from core.outputs.livrable.typography import typeset
from core.services import (
    actions,
    canvases,
    cards,
    clusters,
    phases,
    scoring,
    synthesis,
)
from tests.conftest import join, start_at

FRENCH = "L’œuvre « commune » coûte 10 € — déjà prévu"
HOSTILE = "<b>gras</b> **fort** [lien](javascript:alert(1)) ![x](http://example.org/x.png)"


@pytest.fixture
def full_workshop(session, facilitator, workshop, templates):
    """A workshop run to its end: needs, ideas, a group, a vote, a canvas, next steps."""
    start_at(session, facilitator, workshop, PhaseKind.EXPLORE)
    elise, marc = join(session, workshop, "Élise Dupré"), join(session, workshop, "Marc Petit")
    needs = [cards.add_card(session=session, actor=who, workshop_id=workshop.id,
                            card_in=inputs.CardCreate(text=text, theme=theme,
                                                      source="entretien"),
                            templates=templates)
             for who, text, theme in ((elise, FRENCH, "lien-social"),
                                      (marc, "Plus de commerce au bourg", "alimentation"),
                                      (marc, HOSTILE, ""))]
    cards.toggle_support(session=session, actor=elise, card_id=needs[1].id)
    ideas = [cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                            card_in=inputs.CardCreate(text=text, kind=CardKind.IDEA,
                                                      need_ids=links),
                            templates=templates)
             for text, links in (("Une épicerie-café associative", [needs[0].id, needs[1].id]),
                                 ("Un marché de producteurs", [needs[1].id]))]
    clusters.accept_groups(session=session, actor=facilitator, workshop_id=workshop.id,
                           groups=[clusters.ProposedGroup("Commerces", [i.id for i in ideas])])
    scoring.apply_criteria_set(session=session, actor=facilitator, workshop_id=workshop.id,
                               criteria_set=templates.default_criteria_set)
    candidates = scoring.set_candidates(session=session, actor=facilitator,
                                        workshop_id=workshop.id, card_ids=[i.id for i in ideas])
    start_at(session, facilitator, workshop, PhaseKind.SCORE)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=workshop.id)
    for voter, best in ((elise, 5), (marc, 4)):
        for criterion in board.criteria:
            for candidate, value in zip(candidates, (best, 2), strict=True):
                scoring.submit_score(session=session, actor=voter, candidate_id=candidate.id,
                                     criterion_id=criterion.id, value=value)
    scoring.set_selected(session=session, actor=facilitator, candidate_id=candidates[0].id,
                         selected=True)
    canvas = canvases.start_canvas(session=session, actor=facilitator, workshop_id=workshop.id,
                                   templates=templates, candidate_id=candidates[0].id)
    canvases.save_section(session=session, actor=facilitator, canvas_id=canvas.id,
                          section_key="activite", text=FRENCH, base_revision_id=None,
                          templates=templates)
    start_at(session, facilitator, workshop, PhaseKind.NEXT_STEPS)
    actions.add_action(session=session, actor=elise, workshop_id=workshop.id,
                       action_in=inputs.ActionCreate(what="Rencontrer la mairie", for_me=True,
                                                     supports=("collectivite",),
                                                     canvas_id=canvas.id),
                       templates=templates)
    actions.add_action(session=session, actor=facilitator, workshop_id=workshop.id,
                       action_in=inputs.ActionCreate(what="Chercher un local",
                                                     who="Marc Petit"),
                       templates=templates)
    phases.end(session=session, actor=facilitator, workshop_id=workshop.id)
    return workshop


def build(session, facilitator, workshop, templates, **kw):
    return synthesis.build(session=session, actor=facilitator, templates=templates,
                           lang="fr", workshop_id=workshop.id, **kw)


def test_synthesis_holds_the_evidence_chain(session, facilitator, full_workshop, templates):
    found = build(session, facilitator, full_workshop, templates, anonymous=False)
    assert found.participation.participants == 2
    assert (found.participation.needs, found.participation.ideas) == (3, 2)
    assert found.participation.ballots == 2
    assert found.participation.names == ["Élise Dupré", "Marc Petit"]
    assert [t.label for t in found.themes][:2] == ["Alimentation et agriculture locale",
                                                   "Lien social"]
    [epicerie, marche] = found.ideas
    assert [n for n, _src in epicerie.needs] == [FRENCH, "Plus de commerce au bourg"]
    assert {src for _n, src in epicerie.needs} == {"Entretien"}
    [block] = found.scoring
    assert [(line.rank, line.title) for line in block.lines] == [
        (1, "Une épicerie-café associative"), (2, "Un marché de producteurs")]
    assert block.lines[0].selected and block.lines[0].backing == 2
    [project] = found.projects
    assert project.title == "Une épicerie-café associative"
    assert (dict(project.sections)["L'activité proposée"]) == FRENCH
    # The room's scoring pre-fills the need, written as the results write it (4,50, not
    # 4,5); the success indicators are the collective's to write, not a ranking.
    need = dict(project.sections)["Le besoin du territoire"]
    assert "Rang 1 sur 2" in need and "4,50 / 5" in need, need
    assert dict(project.sections)["Les indicateurs de réussite"] == ""
    assert [(a.what, a.who, a.supports) for a in found.actions] == [
        ("Chercher un local", "Marc Petit", []),
        ("Rencontrer la mairie", "Élise Dupré", ["Collectivité (commune, communauté de "
                                                 "communes, département)"])]


def test_anonymous_holds_no_participant_name(session, facilitator, full_workshop, templates):
    found = build(session, facilitator, full_workshop, templates, anonymous=True)
    assert found.participation.names == []
    assert {a.who for a in found.actions} == {"Un·e participant·e"}
    for fmt in ("md", "pdf", "docx"):
        text = read_back(livrable.write(found, fmt), fmt)
        for name in ("Élise", "Marc", "Dupré", "Petit"):
            assert name not in text, (fmt, name)


def read_back(data: bytes, fmt: str) -> str:
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "docx":
        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_livrable_reads_back_with_every_heading_french_text_and_a_chart(
        session, facilitator, full_workshop, templates, fmt):
    found = build(session, facilitator, full_workshop, templates)
    data = livrable.write(found, fmt)
    text = read_back(data, fmt)
    # Every section a workshop of the room's funnel holds (not the porteurs' projects).
    assert found.sections == tuple(x for x in synthesis.SECTIONS if x != "porteurs")
    for section in found.sections:
        assert typeset(found.heading(section), "fr") in text, section
    assert "L’œuvre « commune » coûte 10 € — déjà prévu" in " ".join(text.split())
    assert "Rencontrer la mairie" in text and "Commerces" in text
    if fmt == "pdf":
        reader = PdfReader(io.BytesIO(data))
        assert sum(len(page.images) for page in reader.pages) >= 1
        assert "Sommaire" in text and "Page 2" in text
    else:
        document = Document(io.BytesIO(data))
        assert len(document.inline_shapes) >= 1
        styles = {p.style.name for p in document.paragraphs}
        assert {"Heading 1", "Heading 2"} <= styles
        assert len(document.tables) >= 2  # scores, next steps


def test_only_the_chosen_sections(session, facilitator, full_workshop, templates):
    found = build(session, facilitator, full_workshop, templates,
                  sections=("needs", "actions"))
    text = markdown.write(found)
    heading = {key: typeset(found.heading(key), "fr") for key in synthesis.SECTIONS}
    assert heading["needs"] in text and heading["actions"] in text
    assert heading["scoring"] not in text and heading["projects"] not in text


def test_user_text_stays_text_in_markdown(session, facilitator, full_workshop, templates):
    from markdown_it import MarkdownIt

    text = markdown.write(build(session, facilitator, full_workshop, templates))
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<b>" not in html and "<a " not in html and "<img" not in html
    assert "<strong>fort" not in html
    # Shown as typed, once rendered.
    assert "&lt;b&gt;gras&lt;/b&gt; **fort** [lien](javascript:alert(1))" in html


def test_only_the_facilitator_reads_the_synthesis(session, full_workshop, templates,
                                                  other_facilitator):
    from core.services import participants

    [elise] = [participants.actor_for_token(session, p.token)
               for p in participants.people_of(session, full_workshop.id)
               if p.display_name.startswith("Élise")]
    for who in (elise, other_facilitator):
        with pytest.raises(PermissionDenied):
            synthesis.build(session=session, actor=who, templates=templates, lang="fr",
                            workshop_id=full_workshop.id)


def test_the_synthesis_is_read_with_one_authorisation(session, facilitator, full_workshop,
                                                     templates, monkeypatch):
    """How the facilitator stands towards the workshop is decided once; the boards, the
    vote, the canvases and the steps are read within it (the steps' own rights, drawn on
    the next-steps page, cost one more)."""
    from core.services import access

    decided: list[str] = []
    real = access.who_for_collective
    monkeypatch.setattr(access, "who_for_collective",
                        lambda *a, **k: decided.append("who") or real(*a, **k))
    found = build(session, facilitator, full_workshop, templates)
    assert found.projects and found.scoring and found.actions  # all of it was read
    assert len(decided) <= 2, decided


def test_collective_synthesis_spans_its_workshops(session, facilitator, full_workshop,
                                                  templates):
    from core.services import workshops

    workshops.create_workshop(session=session, actor=facilitator,
                              collective_id=full_workshop.collective_id,
                                  workshop_in=inputs.WorkshopCreate(
                                      title="Deuxième"),
                              workshop_format=templates.formats["soiree-2h"], lang="fr")
    found = synthesis.build(session=session, actor=facilitator, templates=templates, lang="en",
                            collective_id=full_workshop.collective_id)
    assert found.participation.workshops == 2
    assert found.subtitle == "Synthesis of 2 workshops"
    assert len(found.actions) == 2 and len(found.scoring) == 1


def test_the_pdf_follows_french_print(session, facilitator, full_workshop, templates):
    """What a funder is handed: A4, numbered pages, no line starting with a high
    punctuation mark (narrow no-break space before ; : ! ?), no stretched word spacing
    (left-aligned text: fpdf2 justifies with the Tw operator), table headers unbroken
    ("Accompagnemen / t souhaité"), the workshop's date, the signs explained."""
    import re

    from core.outputs.livrable.typography import NNBSP

    found = build(session, facilitator, full_workshop, templates)
    data = livrable.write(found, "pdf")
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)
        text = page.extract_text()
        assert f"Page {number}" in text
        starts = [line for line in text.splitlines() if re.match(r"\s*[;:!?»]", line)]
        assert starts == [], starts
        contents = page.get_contents().get_data()
        spacing = [float(v) for v in re.findall(rb"([-\d.]+) Tw", contents)]
        assert all(v == 0 for v in spacing), spacing
    text = read_back(data, "pdf")
    assert "Accompagnement" in " ".join(text.split()) and "Accompagnemen\n" not in text
    assert f"entendu{NNBSP}: les besoins" in text  # the heading, set
    assert "retenue pour la suite" in text and "Désaccord" in text  # the legend
    assert found.held_on is not None


def test_the_docx_is_a_document_to_hand_over(session, facilitator, full_workshop, templates):
    """A4, a header and page numbers (a PAGE field), a table of contents (a TOC field
    listing the sections before any update), one colour scheme and Arial (which every
    office suite has or stands in for), canvas lists as lists."""
    found = build(session, facilitator, full_workshop, templates)
    document = Document(io.BytesIO(livrable.write(found, "docx")))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    footer = section.footer._element.xml
    assert "PAGE" in footer and "Page" in footer
    assert section.header.paragraphs[0].text == found.title
    body_xml = document.element.body.xml
    assert "TOC \\o" in body_xml and typeset(found.heading("needs"), "fr") in body_xml
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        assert document.styles[name].font.name == "Arial", name
    colours = {str(document.styles[n].font.color.rgb) for n in
               ("Title", "Heading 1", "Heading 2", "Heading 3")}
    assert colours <= {"B03A0A", "212529"}, colours  # not Word's default blues
    assert document.styles["Title"].element.pPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr") is None


def test_emoji_typed_in_a_card_print(session, facilitator, full_workshop, templates):
    """An emoji in a card prints with Symbola (Debian's fonts-symbola) beside DejaVu,
    rather than as an empty box."""
    from core.outputs.livrable.pdf import EMOJI_FONTS
    from tests.conftest import unavailable

    if not any(path.is_file() for path in EMOJI_FONTS):
        unavailable("no emoji font (apt-get install fonts-symbola)")
    start_at(session, facilitator, full_workshop, PhaseKind.EXPLORE)
    phases.start(session=session, actor=facilitator, workshop_id=full_workshop.id)
    cards.add_card(session=session, actor=facilitator, workshop_id=full_workshop.id,
                   card_in=inputs.CardCreate(text="Un atelier vélo 🚲 le samedi"),
                   templates=templates)
    text = read_back(livrable.write(build(session, facilitator, full_workshop, templates),
                                    "pdf"), "pdf")
    assert "Un atelier vélo 🚲 le samedi" in " ".join(text.split())


def test_names_appear_where_people_agreed(session, facilitator, full_workshop, templates):
    """Anonymous by default; a participant who ticked "mon nom peut figurer dans la
    synthèse" is named on the next steps they do — the others stay "Un·e participant·e"."""
    from core.domain.models import Participant
    from core.services import participants

    elise = session.exec(Participant.__table__.select().where(
        Participant.display_name == "Élise Dupré")).first()
    actor = participants.actor_for_token(session, elise.token)
    participants.set_named(session=session, actor=actor, named=True)
    found = build(session, facilitator, full_workshop, templates, anonymous=True)
    who = {a.what: a.who for a in found.actions}
    assert who == {"Rencontrer la mairie": "Élise Dupré", "Chercher un local": "Un·e participant·e"}
    assert found.participation.names == []
    with pytest.raises(PermissionDenied):
        participants.set_named(session=session, actor=facilitator, named=True)
