"""A workshop's spreadsheets (core/outputs/exports.py), read back as a French spreadsheet
reads them: pandas with ``;`` and a decimal comma."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from core.domain import inputs
from core.domain.models import CardKind, PhaseKind
from core.errors import PermissionDenied
from core.outputs import exports
from core.services import cards, clusters, scoring
from tests.conftest import join, start_at


def read(data: bytes, lang: str = "fr") -> pd.DataFrame:
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM: Excel reads the accents
    sep, decimal = (";", ",") if lang == "fr" else (",", ".")
    return pd.read_csv(io.BytesIO(data), sep=sep, decimal=decimal, encoding="utf-8-sig",
                       keep_default_na=False)


@pytest.fixture
def scored(session, facilitator, running_workshop, templates):
    """Two ideas scored by two people on impact-effort, a group, a need with support."""
    workshop = running_workshop
    need = cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                          templates=templates, card_in=inputs.CardCreate(
                              text="=HYPERLINK(\"http://x\")", theme="mobilites"))
    ideas = [cards.add_card(session=session, actor=facilitator, workshop_id=workshop.id,
                            templates=templates, card_in=inputs.CardCreate(
                                text=text, kind=CardKind.IDEA, need_ids=(need.id,)))
             for text in ("Un repair café", "Une épicerie")]
    group = clusters.create_group(session=session, actor=facilitator, workshop_id=workshop.id,
                                  group_in=inputs.GroupCreate(name="Commerces",
                                                              kind=CardKind.IDEA))
    clusters.move_cards(session=session, actor=facilitator, workshop_id=workshop.id,
                        moves=[(ideas[1].id, group.id, 0)])
    people = [join(session, workshop, name) for name in ("Paulette", "Marcel")]
    cards.toggle_support(session=session, actor=people[0], card_id=need.id)
    scoring.apply_criteria_set(session=session, actor=facilitator, workshop_id=workshop.id,
                               criteria_set=templates.criteria_sets["impact-effort"])
    candidates = scoring.set_candidates(session=session, actor=facilitator,
                                        workshop_id=workshop.id,
                                        card_ids=[i.id for i in ideas])
    start_at(session, facilitator, workshop, PhaseKind.SCORE)
    scoring.open_vote(session=session, actor=facilitator, workshop_id=workshop.id)
    board = scoring.scoring_board(session=session, actor=facilitator, workshop_id=workshop.id)
    for person, values in zip(people, ((5, 2), (4, 1)), strict=True):
        for candidate in candidates:
            for criterion, value in zip(board.criteria, values, strict=True):
                scoring.submit_score(session=session, actor=person, candidate_id=candidate.id,
                                     criterion_id=criterion.id, value=value)
    return workshop


def test_every_sheet_reads_back_in_a_french_spreadsheet(session, facilitator, scored,
                                                       templates):
    tables = exports.sheets(session=session, actor=facilitator, workshop_id=scored.id,
                            templates=templates, lang="fr")
    archive = zipfile.ZipFile(io.BytesIO(exports.zip_file(tables, "fr")))
    assert sorted(archive.namelist()) == sorted(
        ["cartes.csv", "groupes.csv", "scores.csv", "scores-par-personne.csv",
         "prochaines-etapes.csv"])
    found = {name: read(archive.read(name)) for name in archive.namelist()}
    cards_sheet = found["cartes.csv"]
    need = cards_sheet[cards_sheet["Type"] == "besoin"].iloc[0]
    assert need["Texte"] == "'=HYPERLINK(\"http://x\")"  # never a formula
    assert need["Ça me concerne"] == 1 and need["Thème"] == "Mobilités"
    idea = cards_sheet[cards_sheet["Texte"] == "Une épicerie"].iloc[0]
    assert idea["Groupe"] == "Commerces" and idea["Besoins auxquels elle répond"] == (
        f"#{need['Numéro']}")
    assert list(found["groupes.csv"]["Groupe"]) == ["Commerces"]
    scores = found["scores.csv"]
    result = scoring.results(session=session, actor=facilitator, workshop_id=scored.id)
    assert scores["Score pondéré"].dtype.kind == "f"  # read as numbers, not as text
    assert list(scores["Score pondéré"]) == pytest.approx([r.score for r in result.scored])
    raw = found["scores-par-personne.csv"]
    assert len(raw) == 2 * 2 * 2 and set(raw["Personne"]) == {"Participant·e 1",
                                                               "Participant·e 2"}
    named = exports.sheets(session=session, actor=facilitator, workshop_id=scored.id,
                           templates=templates, lang="en", named=True)
    english = read(exports.csv_file(named["raw_scores"], "en"), "en")
    assert set(english["Person"]) == {"Paulette", "Marcel"}


def test_only_the_facilitator_exports(session, scored, participant, other_facilitator,
                                      templates):
    for actor in (participant, other_facilitator):
        with pytest.raises(PermissionDenied):
            exports.sheets(session=session, actor=actor, workshop_id=scored.id,
                           templates=templates, lang="fr")
