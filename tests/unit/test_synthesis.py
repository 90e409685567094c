"""The synthesis and the livrable: every chosen section, French text intact, the chart, no
participant's name when anonymous, user text never interpreted."""

import io

import pytest
from docx import Document
from pypdf import PdfReader

from core import inputs, livrable
from core.errors import PermissionDenied
from core.livrable import markdown
from core.models import CardKind, PhaseKind
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
    for section in synthesis.SECTIONS:
        assert found.heading(section) in text, section
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
    assert found.heading("needs") in text and found.heading("actions") in text
    assert found.heading("scoring") not in text and found.heading("projects") not in text


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


def test_collective_synthesis_spans_its_workshops(session, facilitator, full_workshop,
                                                  templates):
    from core.services import workshops

    workshops.create_workshop(session=session, actor=facilitator,
                              collective_id=full_workshop.collective_id,
                                  workshop_in=inputs.WorkshopCreate(
                                      title="Deuxième"),
                              workshop_format=templates.formats["outille-toi-2h"], lang="fr")
    found = synthesis.build(session=session, actor=facilitator, templates=templates, lang="en",
                            collective_id=full_workshop.collective_id)
    assert found.participation.workshops == 2
    assert found.subtitle == "Synthesis of 2 workshops"
    assert len(found.actions) == 2 and len(found.scoring) == 1
