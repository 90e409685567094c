"""Templates as data: shipped files load, broken files are refused naming file and field."""

import shutil
from pathlib import Path

import pytest

from core.domain.templates import load_templates
from core.errors import TemplateError
from core.settings import PROJECT_ROOT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", target)
    return target


def test_shipped_templates_load(templates):
    assert {"alimentation", "mobilites", "habitat", "bien-vieillir", "tourisme", "culture",
            "emploi-insertion", "economie-circulaire", "energie", "services-proximite",
            "lien-social", "numerique"} <= set(templates.themes)
    assert set(templates.sources) == {"entretien", "micro-trottoir", "atelier",
                                      "questionnaire", "observation"}
    assert templates.formats["outille-toi-2h"].total_minutes == 120
    assert templates.theme_label("mobilites", "fr") == "Mobilités"
    assert templates.theme_label("mobilites", "en") == "Getting around"


def test_missing_field_names_file_and_field(data_copy):
    path = data_copy / "themes.yaml"
    path.write_text("themes:\n  - key: eau\n    color: '#123456'\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_templates(data_copy)
    assert exc.value.params["file"].endswith("themes.yaml")
    assert "themes.0.label" in exc.value.params["details"]


def test_bad_colour_and_duplicate_keys(data_copy):
    (data_copy / "sources.yaml").write_text(
        "sources:\n  - {key: a, label: {fr: A, en: A}}\n  - {key: a, label: {fr: B, en: B}}\n",
        encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_templates(data_copy)
    assert "duplicate source key 'a'" in exc.value.params["details"]


def test_broken_yaml_is_reported(data_copy):
    (data_copy / "formats" / "broken.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_templates(data_copy)
    assert exc.value.params["file"].endswith("broken.yaml")


def test_unknown_phase_kind_is_refused(data_copy):
    (data_copy / "formats" / "new.yaml").write_text(
        "key: new\nname: {fr: N, en: N}\ndescription: {fr: D, en: D}\nphases:\n"
        "  - {kind: sieste, title: {fr: S, en: S}, duration_min: 5,"
        " instructions: {fr: I, en: I}}\n",
        encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_templates(data_copy)
    assert "phases.0.kind" in exc.value.params["details"]


def test_a_new_format_file_is_picked_up(data_copy):
    assert "new" not in load_templates(data_copy).formats
    (data_copy / "formats" / "new.yaml").write_text(
        "key: new\nname: {fr: Nouveau, en: New}\ndescription: {fr: D, en: D}\nphases:\n"
        "  - {kind: exchange, title: {fr: Échange, en: Talk}, duration_min: 30,"
        " instructions: {fr: Parlons, en: Let's talk}}\n",
        encoding="utf-8")
    assert load_templates(data_copy).formats["new"].total_minutes == 30


def test_shipped_canvases_load(templates):
    assert set(templates.canvases) == {"outille-toi", "business-model-canvas", "lean-canvas",
                                       "fiche-action"}
    assert templates.default_canvas.key == "outille-toi"
    assert len(templates.canvases["business-model-canvas"].sections) == 9
    assert len(templates.canvases["lean-canvas"].sections) == 9
    outille = templates.default_canvas
    assert [s.key for s in outille.sections][:3] == ["besoin", "pour-qui", "activite"]
    assert outille.section("besoin").evidence == "needs"
    assert outille.section("collectif").title("fr") == "Le collectif porteur et sa gouvernance"
    assert all(s.questions and s.example.en for s in outille.sections)
    # Every row fits in the grid.
    for canvas in templates.canvases.values():
        for row in canvas.rows():
            assert sum(s.span for s in row) <= canvas.columns, canvas.key


def test_a_broken_canvas_file_is_refused_by_name(data_copy):
    (data_copy / "canvases" / "mine.yaml").write_text(
        "key: mine\nname: {fr: M, en: M}\ndescription: {fr: D, en: D}\ncolumns: 2\n"
        "sections:\n  - {key: a, row: 1, span: 3, title: {fr: A, en: A},"
        " questions: [{fr: Q, en: Q}], example: {fr: E, en: E}}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        load_templates(data_copy)
    assert exc.value.params["file"].endswith("mine.yaml")
    assert "spans 3 columns" in exc.value.params["details"]
