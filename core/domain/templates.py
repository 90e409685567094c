"""Templates as data: themes, sources and workshop formats read from YAML files in ``data/``.

A facilitator adds a theme or a format by editing or adding a file; a malformed file is
refused with an error that names the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.domain.models import PhaseKind, WorkshopMode
from core.errors import TemplateError
from core.text.i18n import N_, pick

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$")]


NO_THEME_COLOR = "#868e96"  # cards without a theme, on every board

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(_Strict):
    """A text given in French and English."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return pick({"fr": self.fr, "en": self.en}, lang)


class Theme(_Strict):
    key: Key
    label: Localized
    color: str = Field(default="#868e96", pattern=r"^#[0-9a-fA-F]{6}$")


class Source(_Strict):
    key: Key
    label: Localized


class FormatPhase(_Strict):
    kind: PhaseKind
    title: Localized
    duration_min: int = Field(ge=0, le=600)
    instructions: Localized
    private_writing: bool = False
    # The canvas sections this phase works on ("chacun son projet": everyone's canvas
    # opens on them; the wall shows their question).
    focus: list[Key] = Field(default_factory=list)


class WorkshopFormat(_Strict):
    key: Key
    name: Localized
    description: Localized
    # collective: the room's funnel to its projects; projects: each participant (or team)
    # formalises their own project.
    mode: WorkshopMode = WorkshopMode.COLLECTIVE
    phases: list[FormatPhase] = Field(min_length=1)

    @property
    def total_minutes(self) -> int:
        return sum(p.duration_min for p in self.phases)


class CriterionTemplate(_Strict):
    key: Key
    name: Localized
    question: Localized
    weight: float = Field(default=1.0, ge=0, le=10)
    direction: Literal["higher_better", "lower_better"] = "higher_better"
    axis: Literal["impact", "feasibility", ""] = ""

    @property
    def sign(self) -> int:
        return 1 if self.direction == "higher_better" else -1


class CriteriaSet(_Strict):
    key: Key
    name: Localized
    default: bool = False
    criteria: list[CriterionTemplate] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CriteriaSet:
        _unique_keys(self.criteria, "criterion")
        return self


class CanvasSection(_Strict):
    key: Key
    title: Localized
    questions: list[Localized] = Field(min_length=1)
    example: Localized
    row: int = Field(ge=1, le=20)
    span: int = Field(default=1, ge=1, le=6)
    # Pre-filled when the canvas starts from a candidate: its linked needs, or its scores.
    evidence: Literal["needs", "scores", "actions", ""] = ""


class CanvasTemplate(_Strict):
    key: Key
    name: Localized
    description: Localized
    default: bool = False
    columns: int = Field(ge=1, le=6)
    sections: list[CanvasSection] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CanvasTemplate:
        _unique_keys(self.sections, "section")
        for section in self.sections:
            if section.span > self.columns:
                raise ValueError(f"section '{section.key}' spans {section.span} columns, "
                                 f"the canvas has {self.columns}")
        return self

    def rows(self) -> list[list[CanvasSection]]:
        """Return the sections row by row, in file order within a row."""
        by_row: dict[int, list[CanvasSection]] = {}
        for section in self.sections:
            by_row.setdefault(section.row, []).append(section)
        return [by_row[r] for r in sorted(by_row)]

    def section(self, key: str) -> CanvasSection | None:
        return next((s for s in self.sections if s.key == key), None)


def _unique_keys(items: list[Any], what: str) -> list[Any]:
    seen: set[str] = set()
    for item in items:
        if item.key in seen:
            raise ValueError(f"duplicate {what} key '{item.key}'")
        seen.add(item.key)
    return items


class GradientSign(_Strict):
    key: Key
    text: Localized


class GradientLever(_Strict):
    key: Key
    text: Localized
    supports: list[Key] = Field(default_factory=list)  # keys of data/supports.yaml


class GradientLevel(_Strict):
    key: Key
    label: Localized
    example: Localized | None = None
    signs: list[GradientSign] = Field(min_length=1)
    levers_title: Localized | None = None
    levers: list[Key] = Field(default_factory=list)


class Gradient(_Strict):
    """Where a project stands in one relation (with its collectivité…): ordered levels,
    each with the signs that show it and the levers that help a project move up."""

    key: Key
    name: Localized
    question: Localized
    source: Localized
    section: Key | None = None  # the canvas section the relation belongs to
    levels: list[GradientLevel] = Field(min_length=2)
    levers: list[GradientLever] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Gradient:
        _unique_keys(self.levels, "level")
        _unique_keys(self.levers, "lever")
        _unique_keys([s for level in self.levels for s in level.signs], "sign")
        known = {lever.key for lever in self.levers}
        for level in self.levels:
            for key in level.levers:
                if key not in known:
                    raise ValueError(f"level '{level.key}' names lever '{key}', which is "
                                     "not in levers")
        return self

    def level(self, key: str) -> GradientLevel | None:
        return next((level for level in self.levels if level.key == key), None)

    def index(self, key: str) -> int:
        """Return a level's place on the scale (0 for the lowest); -1 if unknown."""
        return next((i for i, level in enumerate(self.levels) if level.key == key), -1)

    def lever(self, key: str) -> GradientLever | None:
        return next((lever for lever in self.levers if lever.key == key), None)

    def sign(self, key: str) -> GradientSign | None:
        return next((s for level in self.levels for s in level.signs if s.key == key), None)

    def level_of_sign(self, key: str) -> str:
        return next((level.key for level in self.levels for s in level.signs
                     if s.key == key), "")


class ThemesFile(_Strict):
    themes: list[Theme] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> ThemesFile:
        _unique_keys(self.themes, "theme")
        return self


class Support(_Strict):
    key: Key
    label: Localized


class SupportsFile(_Strict):
    supports: list[Support] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SupportsFile:
        _unique_keys(self.supports, "support")
        return self


class SourcesFile(_Strict):
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SourcesFile:
        _unique_keys(self.sources, "source")
        return self


M = TypeVar("M", bound=BaseModel)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(file)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def read_yaml_model(path: Path, model: type[M]) -> M:
    """Read ``path`` as YAML into ``model``; raise ``TemplateError`` naming file and field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TemplateError(
            N_("Template file {file} cannot be read: {details}"), file=str(path), details=str(exc)
        ) from exc
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        raise TemplateError(
            N_("Template file {file} is invalid: {details}"),
            file=str(path),
            details=_describe(exc),
        ) from exc


@dataclass(frozen=True)
class Templates:
    """Everything loaded from ``data/``."""

    themes: dict[str, Theme]
    sources: dict[str, Source]
    formats: dict[str, WorkshopFormat]
    criteria_sets: dict[str, CriteriaSet]
    canvases: dict[str, CanvasTemplate]
    supports: dict[str, Support]
    gradients: dict[str, Gradient]

    @property
    def default_canvas(self) -> CanvasTemplate:
        """Return the canvas template marked default (else the first)."""
        return next((c for c in self.canvases.values() if c.default),
                    next(iter(self.canvases.values())))

    @property
    def default_criteria_set(self) -> CriteriaSet:
        """Return the set marked default (else the first)."""
        return next((s for s in self.criteria_sets.values() if s.default),
                    next(iter(self.criteria_sets.values())))

    def theme_color(self, key: str) -> str:
        """Return a theme's colour (grey for no theme or an unknown one)."""
        theme = self.themes.get(key)
        return theme.color if theme else NO_THEME_COLOR

    def theme_label(self, key: str, lang: str) -> str:
        theme = self.themes.get(key)
        return theme.label(lang) if theme else key

    def source_label(self, key: str, lang: str) -> str:
        source = self.sources.get(key)
        return source.label(lang) if source else key

    def support_label(self, key: str, lang: str) -> str:
        support = self.supports.get(key)
        return support.label(lang) if support else key


def _load(directory: Path) -> Templates:
    themes = read_yaml_model(directory / "themes.yaml", ThemesFile).themes
    sources = read_yaml_model(directory / "sources.yaml", SourcesFile).sources
    formats = _load_keyed(directory / "formats", WorkshopFormat)
    supports = {s.key: s for s in read_yaml_model(directory / "supports.yaml",
                                                  SupportsFile).supports}
    gradients = _load_keyed(directory / "gradients", Gradient)
    _check_gradient_supports(directory / "gradients", gradients, supports)
    return Templates(
        themes={t.key: t for t in themes},
        sources={s.key: s for s in sources},
        formats=formats,
        criteria_sets=_load_keyed(directory / "criteria", CriteriaSet),
        canvases=_load_keyed(directory / "canvases", CanvasTemplate),
        supports=supports,
        gradients=gradients,
    )


def _check_gradient_supports(folder: Path, gradients: dict[str, Gradient],
                             supports: dict[str, Support]) -> None:
    """Refuse a gradient whose lever names a kind of support ``supports.yaml`` lacks."""
    for gradient in gradients.values():
        for i, lever in enumerate(gradient.levers):
            for key in lever.supports:
                if key not in supports:
                    raise TemplateError(
                        N_("Template file {file} is invalid: {details}"),
                        file=str(folder / f"{gradient.key}.yaml"),
                        details=f"levers.{i}.supports: unknown support '{key}' "
                                "(see supports.yaml)")


K = TypeVar("K", CriteriaSet, WorkshopFormat, CanvasTemplate, Gradient)


def _load_keyed(folder: Path, model: type[K]) -> dict[str, K]:
    """Read every ``*.yaml`` of ``folder`` into ``model``; keys must be unique."""
    found: dict[str, K] = {}
    for path in sorted(folder.glob("*.yaml")):
        item = read_yaml_model(path, model)
        if item.key in found:
            raise TemplateError(N_("Template file {file} is invalid: {details}"),
                                file=str(path), details=f"key: duplicate key '{item.key}'")
        found[item.key] = item
    if not found:
        raise TemplateError(N_("Template file {file} cannot be read: {details}"),
                            file=str(folder), details="no template (*.yaml) found")
    return found


_cache: dict[Path, tuple[tuple[tuple[str, float], ...], Templates]] = {}


def _signature(directory: Path) -> tuple[tuple[str, float], ...]:
    files = sorted(p for p in directory.rglob("*.yaml") if p.is_file())
    return tuple((str(p), p.stat().st_mtime) for p in files)


def load_templates(directory: Path) -> Templates:
    """Load and validate the templates in ``directory``; reread when a file changes."""
    directory = directory.resolve()
    signature = _signature(directory)
    cached = _cache.get(directory)
    if cached and cached[0] == signature:
        return cached[1]
    templates = _load(directory)
    _cache[directory] = (signature, templates)
    return templates
