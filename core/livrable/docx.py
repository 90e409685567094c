"""The synthesis as a Word document (python-docx): real headings (the contents pane of
Word and LibreOffice lists them), real tables a collectivité can edit, the ranking chart as
an image. User text is written as text runs (no field codes, no formatting from it)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from core.i18n import N_
from core.livrable.charts import ranking_png
from core.livrable.text import (
    action_cells,
    action_headers,
    actions_by_project,
    day,
    empty,
    number,
    participation_lines,
    robustness_sentence,
    score_cells,
    score_headers,
    t,
)
from core.services.synthesis import Synthesis

ACCENT = RGBColor(0xC2, 0x41, 0x0C)
GREY = RGBColor(0x5A, 0x5A, 0x5A)


def _table(document, headers: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Light Grid Accent 2"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph()


def write(s: Synthesis) -> bytes:
    """Return the synthesis as a DOCX file."""
    document = Document()
    document.core_properties.title = s.title
    document.core_properties.language = s.lang
    normal = document.styles["Normal"]
    normal.font.name = "DejaVu Sans"
    normal.font.size = Pt(10)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2)

    document.add_heading(s.title, level=0)
    subtitle = document.add_paragraph()
    subtitle.add_run(s.subtitle).bold = True
    place = document.add_paragraph()
    run = place.add_run(s.collective + (f" — {s.territory}" if s.territory else "")
                        + f" — {day(s, s.made_on)}")
    run.font.color.rgb = GREY

    for key in s.sections:
        heading = document.add_heading(s.heading(key), level=1)
        for run in heading.runs:
            run.font.color.rgb = ACCENT
        nothing = empty(s, key)
        if nothing:
            document.add_paragraph(nothing)
        elif key == "participation":
            for line in participation_lines(s):
                document.add_paragraph(line, style="List Bullet")
            if s.participation.names:
                document.add_paragraph(t(s, N_("Taking part: {names}."),
                                         names=", ".join(s.participation.names)),
                                       style="List Bullet")
        elif key == "needs":
            for theme in s.themes:
                document.add_heading(f"{theme.label} ({len(theme.needs)})", level=2)
                for need in theme.needs:
                    paragraph = document.add_paragraph(style="List Bullet")
                    paragraph.add_run(need.text)
                    extra = [x for x in (need.source, need.author) if x]
                    if extra:
                        paragraph.add_run(f" ({', '.join(extra)})").italic = True
                    if need.supports:
                        paragraph.add_run(f" — {need.supports} ✋")
        elif key == "groups":
            for group in s.groups:
                document.add_heading(group.name, level=2)
                for card in group.cards:
                    document.add_paragraph(card, style="List Bullet")
        elif key == "ideas":
            for idea in s.ideas:
                document.add_paragraph().add_run(idea.text).bold = True
                for need_text, source in idea.needs:
                    document.add_paragraph(need_text + (f" ({source})" if source else ""),
                                           style="List Bullet 2")
        elif key == "scoring":
            for block in s.scoring:
                if len(s.scoring) > 1:
                    document.add_heading(block.workshop, level=2)
                if block.criteria:
                    document.add_paragraph(t(s, N_("Criteria: {list}."), list="; ".join(
                        f"{name} ({number(s, weight, 1)})" for name, weight in block.criteria)))
                _table(document, score_headers(s), [score_cells(s, line) for line in block.lines])
                png = ranking_png(s, block)
                if png is not None:
                    document.add_picture(io.BytesIO(png), width=Cm(16))
                sentence = robustness_sentence(s, block.robust)
                if sentence:
                    document.add_paragraph(sentence)
        elif key == "projects":
            for project in s.projects:
                document.add_heading(project.title, level=2)
                document.add_paragraph().add_run(project.template).italic = True
                for title, text in project.sections:
                    document.add_heading(title, level=3)
                    document.add_paragraph(text.strip() or "—")
        elif key == "actions":
            for project_name, lines in actions_by_project(s):
                document.add_heading(project_name, level=2)
                _table(document, action_headers(s), [action_cells(s, a) for a in lines])
        document.add_paragraph().add_run().add_break(WD_BREAK.LINE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
