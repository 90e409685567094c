"""The synthesis as an A4 portrait PDF: a title page with the contents, numbered pages,
French typography (DejaVu embedded, so œ ’ € « » print), tables, and the ranking chart as
an image. User text is written as plain text (no Markdown, no HTML)."""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.canvas_pdf import font_files
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

MARGIN = 18.0
ACCENT = (194, 65, 12)
GREY = (90, 90, 90)


class _Document(FPDF):
    def __init__(self, synthesis: Synthesis) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.synthesis = synthesis
        regular, bold = font_files()
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(synthesis.title)
        self.set_lang(synthesis.lang)
        self.set_creator("Fabrique")
        self.fresh_page = False  # a page just added, nothing on it yet

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GREY)
        label = t(self.synthesis, N_("Page {n}"), n=self.page_no())
        self.cell(0, 5, f"{self.synthesis.title} — {label}", align="R")
        self.set_text_color(0, 0, 0)

    # --- blocks -------------------------------------------------------------------------

    def heading(self, text: str, level: int) -> None:
        sizes = {0: 17, 1: 13, 2: 11}
        if level == 0 and not self.fresh_page:
            self.add_page()
        elif level > 0:
            self.ln(2)
        self.fresh_page = False
        self.start_section(text, level=level)
        self.set_font("DejaVu", "B", sizes[level])
        if level == 0:
            self.set_text_color(*ACCENT)
        self.multi_cell(0, 7 if level == 0 else 6, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def para(self, text: str, *, size: float = 10, grey: bool = False,
             bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        if grey:
            self.set_text_color(*GREY)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)

    def bullet(self, text: str, *, indent: float = 0, size: float = 10) -> None:
        self.set_font("DejaVu", "", size)
        self.set_x(MARGIN + indent)
        self.multi_cell(0, size * 0.5, f"• {text}", new_x="LMARGIN", new_y="NEXT")

    def grid(self, headers: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.set_font("DejaVu", "", 8.5)
        heading = FontFace(emphasis="BOLD", fill_color=(255, 244, 230))
        with self.table(col_widths=widths, headings_style=heading, line_height=4.6,
                        text_align="LEFT", markdown=False) as table:
            for row in [headers, *rows]:
                cells = table.row()
                for value in row:
                    cells.cell(value)
        self.ln(3)


def _contents(pdf: FPDF, outline: list) -> None:
    assert isinstance(pdf, _Document)
    pdf.set_x(MARGIN)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, t(pdf.synthesis, N_("Contents")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for section in outline:
        if section.level > 1:
            continue
        indent = 6 * section.level
        pdf.set_x(MARGIN + indent)
        label = section.name if len(section.name) <= 80 else section.name[:79] + "…"
        pdf.cell(150 - indent, 6, label, link=pdf.add_link(page=section.page_number))
        pdf.cell(0, 6, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def write(s: Synthesis) -> bytes:
    """Return the synthesis as a PDF."""
    pdf = _Document(s)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 22)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 10, s.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.para(s.subtitle, size=12)
    place = s.collective + (f" — {s.territory}" if s.territory else "")
    pdf.para(place, size=11, grey=True)
    pdf.para(day(s, s.made_on), size=11, grey=True)
    pdf.ln(6)
    # The contents are drawn here at the end, once page numbers are known; the placeholder
    # starts the next page, where the first section begins.
    pdf.insert_toc_placeholder(_contents, pages=1, allow_extra_pages=True)
    pdf.fresh_page = True

    for section in s.sections:
        pdf.heading(s.heading(section), 0)
        nothing = empty(s, section)
        if nothing:
            pdf.para(nothing, grey=True)
        elif section == "participation":
            for line in participation_lines(s):
                pdf.bullet(line)
            if s.participation.names:
                pdf.bullet(t(s, N_("Taking part: {names}."),
                             names=", ".join(s.participation.names)))
        elif section == "needs":
            for theme in s.themes:
                pdf.heading(f"{theme.label} ({len(theme.needs)})", 1)
                for need in theme.needs:
                    extra = [x for x in (need.source, need.author) if x]
                    concern = f" — {need.supports} ✋" if need.supports else ""
                    pdf.bullet(need.text + (f" ({', '.join(extra)})" if extra else "")
                               + concern)
        elif section == "groups":
            for group in s.groups:
                pdf.heading(group.name, 1)
                for card in group.cards:
                    pdf.bullet(card)
        elif section == "ideas":
            for idea in s.ideas:
                pdf.para(idea.text, bold=True)
                for need_text, source in idea.needs:
                    pdf.bullet(need_text + (f" ({source})" if source else ""), indent=5, size=9)
                pdf.ln(1)
        elif section == "scoring":
            for block in s.scoring:
                if len(s.scoring) > 1:
                    pdf.heading(block.workshop, 1)
                if block.criteria:
                    pdf.para(t(s, N_("Criteria: {list}."), list="; ".join(
                        f"{name} ({number(s, weight, 1)})" for name, weight in block.criteria)),
                        size=9, grey=True)
                    pdf.ln(1)
                pdf.grid(score_headers(s), [score_cells(s, line) for line in block.lines],
                         (10, 80, 25, 25, 22))
                png = ranking_png(s, block)
                if png is not None:
                    pdf.image(io.BytesIO(png), w=pdf.epw * 0.9,
                              alt_text=t(s, N_("Weighted score (1–5)")))
                sentence = robustness_sentence(s, block.robust)
                if sentence:
                    pdf.para(sentence, size=9, grey=True)
        elif section == "projects":
            for project in s.projects:
                pdf.heading(project.title, 1)
                pdf.para(project.template, size=9, grey=True)
                for title, text in project.sections:
                    pdf.heading(title, 2)
                    pdf.para(text.strip() or "—", size=9.5)
        elif section == "actions":
            for project_name, lines in actions_by_project(s):
                pdf.heading(project_name, 1)
                pdf.grid(action_headers(s), [action_cells(s, a) for a in lines],
                         (60, 28, 22, 32, 32))
    return bytes(pdf.output())
