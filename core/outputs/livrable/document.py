"""The synthesis laid out once: what each section says, in which order, as plain blocks —
headings, paragraphs, bullets, tables with their legend, a chart — that the Synthèse page
and the three writers (PDF, DOCX, Markdown) walk, each drawing them its own way. What the
document says is decided here only; how it looks, in each writer.

Text is set for print by the reader's language (``typography``: French narrow no-break
spaces, typographic apostrophes); a canvas section typed as a list ("- " lines) is a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.analysis.scoring_math import DISAGREEMENT_FLAG
from core.outputs.livrable.text import (
    FLAG_SIGN,
    action_cells,
    action_headers,
    actions_by_project,
    day,
    empty,
    participation_lines,
    robustness_sentence,
    score_cells,
    score_headers,
    t,
    weight,
)
from core.outputs.livrable.typography import typeset
from core.services.synthesis import RelationBlock, ScoringBlock, Synthesis
from core.text.i18n import N_

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1: a section of the synthesis, 2: a part of it, 3: a canvas's section


@dataclass(frozen=True)
class Para:
    text: str
    style: Literal["body", "note", "strong", "lead"] = "body"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    level: int = 0


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...]
    weights: tuple[float, ...]  # the share of the width each column asks for
    legend: tuple[str, ...] = ()  # what its signs and columns mean, printed under it


@dataclass(frozen=True)
class Chart:
    block: ScoringBlock
    alt: str


@dataclass(frozen=True)
class ScaleChart:
    """A project's diagnostic on the gradient's scale (the table beside it holds the
    figures: readers without the image lose nothing)."""

    block: RelationBlock
    alt: str


Block = Heading | Para | Bullets | Table | Chart | ScaleChart

_BULLET = re.compile(r"^\s*[-•*–]\s+")


def rich(text: str, lang: str) -> list[Block]:
    """Return what a person typed as paragraphs and lists: lines starting "- " (or "• ")
    are a list, other lines a paragraph (line breaks kept within it)."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Para(typeset("\n".join(paragraph), lang)))
            paragraph.clear()
        if items:
            blocks.append(Bullets(tuple(typeset(i, lang) for i in items)))
            items.clear()

    for line in text.strip().splitlines():
        if _BULLET.match(line):
            if paragraph:
                flush()
            items.append(_BULLET.sub("", line).strip())
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            paragraph.append(line.rstrip())
    flush()
    return blocks


def held(s: Synthesis) -> str:
    """When the workshop was held ("29 nov. 2026"; a span for a collective)."""
    if s.held_on is None:
        return ""
    if s.held_until is not None and s.held_until != s.held_on:
        return t(s, N_("from {start} to {end}"), start=day(s, s.held_on),
                 end=day(s, s.held_until))
    return day(s, s.held_on)


def title(s: Synthesis) -> str:
    """The document's title, set for print."""
    return typeset(s.title, s.lang)


def front(s: Synthesis) -> list[str]:
    """The title page's lines under the title: what it is, where, when, made when."""
    place = s.collective + (f" — {s.territory}" if s.territory else "")
    when = held(s)
    lines = [s.subtitle + (f" — {when}" if when else ""), place,
             t(s, N_("Document made on {day}"), day=day(s, s.made_on))]
    return [typeset(line, s.lang) for line in lines]


def body(s: Synthesis) -> list[Block]:
    """Every block of the synthesis's sections, in order."""
    out: list[Block] = []
    lang = s.lang

    def say(text: str, style: Literal["body", "note", "strong", "lead"] = "body") -> None:
        out.append(Para(typeset(text, lang), style))

    def bullets(items: list[str], level: int = 0) -> None:
        if items:
            out.append(Bullets(tuple(typeset(i, lang) for i in items), level))

    for section in s.sections:
        out.append(Heading(typeset(s.heading(section), lang), 1))
        nothing = empty(s, section)
        if nothing:
            say(nothing, "note")
        elif section == "participation":
            lines = participation_lines(s)
            if s.participation.names:
                lines.append(t(s, N_("Taking part: {names}."),
                               names=", ".join(s.participation.names)))
            bullets(lines)
        elif section == "needs":
            for theme in s.themes:
                out.append(Heading(typeset(f"{theme.label} ({len(theme.needs)})", lang), 2))
                bullets([need.text + (f" ({', '.join(x for x in (need.source, need.author) if x)})"
                                      if need.source or need.author else "")
                         + (" — " + t(s, N_("{n} “this concerns me”"), n=need.supports)
                            if need.supports else "") for need in theme.needs])
        elif section == "groups":
            for group in s.groups:
                out.append(Heading(typeset(group.name, lang), 2))
                bullets(list(group.cards))
        elif section == "ideas":
            for idea in s.ideas:
                say(idea.text, "strong")
                bullets([need + (f" ({source})" if source else "")
                         for need, source in idea.needs], level=1)
        elif section == "scoring":
            for block in s.scoring:
                if len(s.scoring) > 1:
                    out.append(Heading(typeset(block.workshop, lang), 2))
                if block.criteria:
                    say(t(s, N_("Criteria (and their weight): {list}."), list="; ".join(
                        f"{name} ({weight(s, w)})" for name, w in block.criteria)), "note")
                out.append(Table(
                    tuple(typeset(h, lang) for h in score_headers(s)),
                    tuple(tuple(typeset(c, lang) for c in score_cells(s, line))
                          for line in block.lines),
                    ("right", "left", "right", "right", "right"), (0.6, 4.0, 1.4, 1.4, 1.3),
                    tuple(typeset(x, lang) for x in (
                        t(s, N_("✓: chosen to go on with."))
                        if any(line.selected for line in block.lines) else "",
                        t(s, N_("Weighted score: the mean of the scores (1 to 5), each "
                                "criterion counted by its weight.")),
                        t(s, N_("Disagreement: how far apart the scores were (0: everyone "
                                "agreed; {sign} from {flag}, worth talking over)."),
                          sign=FLAG_SIGN, flag=f"{DISAGREEMENT_FLAG:.1f}".replace(".", ",")
                          if lang == "fr" else f"{DISAGREEMENT_FLAG:.1f}"),
                        t(s, N_("Needs backing it: the needs the idea answers.")),
                    ) if x)))
                if any(r.score is not None for r in block.results):
                    out.append(Chart(block, typeset(t(s, N_("Weighted score (1–5)")), lang)))
                sentence = robustness_sentence(s, block.robust)
                if sentence:
                    say(sentence, "note")
        elif section == "projects":
            for project in s.projects:
                out.append(Heading(typeset(project.title, lang), 2))
                say(project.template, "note")
                written = [(title, text) for title, text in project.sections if text.strip()]
                for title, text in written:
                    out.append(Heading(typeset(title, lang), 3))
                    out.extend(rich(text, lang))
                blank = [title for title, text in project.sections if not text.strip()]
                if blank:
                    say(t(s, N_("Still to write: {sections}."), sections="; ".join(blank)),
                        "note")
        elif section == "porteurs" and s.porteurs is not None:
            porteurs = s.porteurs
            for label, members in porteurs.groups:
                if label and len(porteurs.groups) > 1:
                    out.append(Heading(typeset(label, lang), 2))
                bullets([line.pitch
                         + (f" ({line.commune})" if line.commune else "")
                         + " — " + t(s, N_("{filled} of {total} sections written"),
                                     filled=line.filled, total=line.sections)
                         + (f" — {', '.join(line.names)}" if line.names else "")
                         for line in members])
            if porteurs.supports:
                out.append(Heading(typeset(t(s, N_("Support wanted")), lang), 2))
                bullets([f"{label} : {count}" if lang == "fr" else f"{label}: {count}"
                         for label, count in porteurs.supports])
            if porteurs.interest:
                out.append(Heading(typeset(t(s, N_("Interest in the incubation programme")),
                                           lang), 2))
                bullets([f"{label} : {count}" if lang == "fr" else f"{label}: {count}"
                         for label, count in porteurs.interest])
            if porteurs.annex:
                out.append(Heading(typeset(t(s, N_("Canvases shared by their porteurs")),
                                           lang), 2))
                for project in porteurs.annex:
                    say(project.title, "strong")
                    for title_, text in project.sections:
                        if text.strip():
                            out.append(Heading(typeset(title_, lang), 3))
                            out.extend(rich(text, lang))
        elif section == "relation":
            out.extend(_relation(s))
        elif section == "actions":
            for project_name, steps in actions_by_project(s):
                out.append(Heading(typeset(project_name, lang), 2))
                out.append(Table(
                    tuple(typeset(h, lang) for h in action_headers(s)),
                    tuple(tuple(typeset(c, lang) for c in action_cells(s, a)) for a in steps),
                    ("left", "left", "left", "left", "left"), (3.2, 1.6, 1.3, 1.9, 1.9)))
    return out


def _number(s: Synthesis, value: float) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if s.lang == "fr" else text


def _relation(s: Synthesis) -> list[Block]:
    """Where each project stands with its local authority: the level agreed and its path,
    the room's answers on the scale (chart and table), how far apart, the signs recognised,
    the levers chosen and their steps."""
    lang = s.lang
    out: list[Block] = []
    for block in s.relations:
        out.append(Heading(typeset(block.project, lang), 2))
        if block.level is not None:
            out.append(Para(typeset(t(s, N_("Level agreed: {level}."),
                                      level=block.scale[block.level]), lang), "strong"))
            if block.note:
                out.append(Para(typeset(block.note, lang), "note"))
        if len(block.path) > 1:
            out.append(Para(typeset(t(s, N_("Its path: {path}."), path=" → ".join(
                f"{name} ({day(s, when)})" for name, when in block.path)), lang)))
        elif block.path:
            out.append(Para(typeset(t(s, N_("Recorded on {day}."), day=day(s, block.path[0][1])),
                                    lang), "note"))
        if block.answered:
            porteurs = not block.signs and block.level is None and not block.path
            counted = t(s, N_("Projects")) if porteurs else t(s, N_("People"))
            summary = ", ".join(f"{name} {n}" for name, n in zip(block.scale, block.counts,
                                                                  strict=True))
            out.append(ScaleChart(block, typeset(t(s, N_("{counted} at each level: {summary}."),
                                                   counted=counted, summary=summary), lang)))
            legend = []
            if block.spread is not None:
                legend.append(t(s, N_("How far apart: {spread} level (0: everyone said the "
                                      "same level)."), spread=_number(s, block.spread)))
            if block.level is not None:
                legend.append(t(s, N_("✓: the level agreed.")))
            out.append(Table(
                tuple(typeset(h, lang) for h in (t(s, N_("Level")), counted, "")),
                tuple((typeset(name, lang), str(n), "✓" if i == block.level else "")
                      for i, (name, n) in enumerate(zip(block.scale, block.counts,
                                                        strict=True))),
                ("left", "right", "center"), (3.0, 1.4, 0.6),
                tuple(typeset(x, lang) for x in legend)))
        if block.signs:
            out.append(Heading(typeset(t(s, N_("Signs recognised")), lang), 3))
            out.append(Bullets(tuple(typeset(f"{text} — {n}", lang) for text, n in block.signs)))
        if block.levers:
            out.append(Heading(typeset(t(s, N_("Levers chosen and their steps")), lang), 3))
            out.append(Table(
                tuple(typeset(h, lang) for h in action_headers(s)),
                tuple(tuple(typeset(c, lang) for c in action_cells(s, a))
                      for a in block.levers),
                ("left", "left", "left", "left", "left"), (3.2, 1.6, 1.3, 1.9, 1.9)))
    return out
