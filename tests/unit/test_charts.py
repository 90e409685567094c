"""The scoring charts as a person sees them: drawn by Vega itself (vl-convert, the renderer
the PDF uses) to SVG, then read — numbers written for the language, and every mark that
stands for a value named for a screen reader."""

from __future__ import annotations

import re

import vl_convert

from core.analysis.scoring_math import CandidateResult
from core.outputs import charts

RESULTS = [
    CandidateResult(candidate=1, score=4.25, rank=1, criterion_means={10: 4.5, 11: 2.5},
                    criterion_counts={10: 4, 11: 4}, abstentions=0, disagreement=1.5,
                    axes={"impact": 4.5, "feasibility": 2.5}),
    CandidateResult(candidate=2, score=2.75, rank=2, criterion_means={10: 3.0, 11: 1.5},
                    criterion_counts={10: 4, 11: 4}, abstentions=0, disagreement=0.5,
                    axes={"impact": 3.0, "feasibility": 1.5}),
]
TITLES = {1: "Une recyclerie", 2: "Un jardin partagé"}
CRITERIA = {10: "Impact", 11: "Faisabilité"}


def svg(chart) -> str:
    return vl_convert.vegalite_to_svg(chart.to_json())


def texts(drawing: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", drawing)


def test_numbers_follow_the_language():
    french = texts(svg(charts.ranking(RESULTS, TITLES, "fr")))
    english = texts(svg(charts.ranking(RESULTS, TITLES, "en")))
    assert "4,25" in french and "2,75" in french
    assert "4.25" in english and "2.75" in english
    assert not any(re.fullmatch(r"\d+\.\d+", t) for t in french), french
    assert "Score pondéré (1–5)" in french and "Weighted score (1–5)" in english
    heat = texts(svg(charts.heatmap(RESULTS, TITLES, CRITERIA, "fr")))
    assert "4,5" in heat and "1,5" in heat
    matrix = texts(svg(charts.matrix(RESULTS, TITLES, {1: 3, 2: 1}, "fr")))
    assert "Faisabilité" in matrix


def labels(chart) -> list[str]:
    return re.findall(r'aria-label="([^"]*)"', svg(chart))


def test_marks_are_named_for_screen_readers():
    assert "Une recyclerie: 4,25" in labels(charts.ranking(RESULTS, TITLES, "fr"))
    assert "Une recyclerie, Impact: 4,5" in labels(charts.heatmap(RESULTS, TITLES, CRITERIA,
                                                                  "fr"))
    assert "Un jardin partagé: 3, 1,5" in labels(charts.matrix(RESULTS, TITLES, {}, "fr"))
    assert "Une recyclerie: 1.5" in labels(charts.disagreement(RESULTS, TITLES, "en"))
    assert "Une recyclerie: 7" in labels(charts.dots([(1, 7, 1)], TITLES, "fr"))
