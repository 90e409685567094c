"""The synthesis as an A4 portrait PDF to hand to a collectivité or a funder: a title page
with the workshop's date and the contents, numbered pages, sections that follow on (a new
page only when a heading would be left alone at the foot of one), left-aligned text with
hanging bullets, tables whose columns fit their words (numbers on the right, a legend under
them), the ranking chart in the text's font. DejaVu is embedded (œ ’ € « » and the narrow
no-break space of French typography print), Symbola beside it where installed for the emoji
people type. User text is written as plain text (no Markdown, no HTML)."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from core.outputs.canvas_pdf import font_files
from core.outputs.livrable.charts import ranking_png, scale_png
from core.outputs.livrable.document import (
    Block,
    Bullets,
    Chart,
    Heading,
    Para,
    ScaleChart,
    Table,
    body,
    front,
    title,
)
from core.outputs.livrable.text import t
from core.services.synthesis import Synthesis
from core.text.i18n import N_

MARGIN = 18.0
ACCENT = (176, 58, 10)  # the app's primary colour, #b03a0a
GREY = (90, 90, 90)
# Where Debian's fonts-symbola puts its font: emoji typed in cards print with it.
EMOJI_FONTS = [Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
               Path("/usr/share/fonts/truetype/symbola/Symbola.ttf")]
HEADING_SIZES = {1: 15.0, 2: 12.0, 3: 10.5}
KEEP_WITH_HEADING = 30.0  # mm: a heading with less room than this under it starts a page
CELL_PADDING = 1.2  # mm each side, as fpdf2 draws table cells


class _Document(FPDF):
    def __init__(self, synthesis: Synthesis) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.synthesis = synthesis
        regular, bold = font_files()
        self.add_font("DejaVu", "", str(regular))
        self.add_font("DejaVu", "B", str(bold))
        emoji = next((path for path in EMOJI_FONTS if path.is_file()), None)
        if emoji is not None:
            self.add_font("Symbola", "", str(emoji))
            self.set_fallback_fonts(["Symbola"], exact_match=False)
        self.drawable: set[int] = set()
        for font in self.fonts.values():
            self.drawable |= set(getattr(font, "cmap", {}))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.set_title(synthesis.title)
        self.set_lang(synthesis.lang)
        self.set_creator("Fabrique")

    def clean(self, text: str) -> str:
        """``text`` with what no embedded font draws left out (an emoji without Symbola)
        rather than printed as an empty box; line breaks and joiners kept."""
        return "".join(c for c in text if ord(c) in self.drawable or c in "\n\t"
                       or c in "\u200d\ufe0f")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*GREY)
        label = t(self.synthesis, N_("Page {n}"), n=self.page_no())
        self.cell(0, 5, self.clean(f"{title(self.synthesis)} — {label}"), align="R")
        self.set_text_color(0, 0, 0)

    def room(self) -> float:
        """The height left on this page, in mm."""
        return self.h - self.b_margin - self.get_y()

    # --- blocks -------------------------------------------------------------------------

    def heading(self, block: Heading, below: float = 0.0) -> None:
        """Draw a heading, on the next page if it would stand alone at this one's foot with
        the headings right under it (``below``: their height)."""
        size = HEADING_SIZES[block.level]
        if self.room() < KEEP_WITH_HEADING + size + below:
            self.add_page()
        else:
            self.ln({1: 5, 2: 3, 3: 1.5}[block.level])
        self.start_section(block.text, level=block.level - 1)
        self.set_font("DejaVu", "B", size)
        if block.level == 1:
            self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, self.clean(block.text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def para(self, block: Para) -> None:
        size = {"body": 10.0, "note": 9.0, "strong": 10.0, "lead": 12.0}[block.style]
        self.set_font("DejaVu", "B" if block.style == "strong" else "", size)
        if block.style == "note":
            self.set_text_color(*GREY)
        self.multi_cell(0, size * 0.5, self.clean(block.text), align="L",
                        new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(1)

    def bullets(self, block: Bullets) -> None:
        size = 10.0 if block.level == 0 else 9.0
        self.set_font("DejaVu", "", size)
        indent = 5.0 * block.level
        for item in block.items:
            self.set_x(MARGIN + indent)
            self.cell(4.5, size * 0.5, "•")
            # A hanging indent: the text's lines start under each other, not under "•".
            self.multi_cell(self.epw - indent - 4.5, size * 0.5, self.clean(item), align="L",
                            new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def table_block(self, block: Table) -> None:
        size = 8.5
        widths = self.column_widths(block, size)
        if sum(widths) > self.epw:  # a hair over, from rounding: fpdf2 refuses it
            widths = tuple(w * self.epw / sum(widths) for w in widths)
        heading = FontFace(emphasis="BOLD", fill_color=(255, 244, 230))
        aligns = tuple(a.upper() for a in block.align)
        self.set_font("DejaVu", "", size)
        with self.table(col_widths=widths, width=min(sum(widths), self.epw),
                        headings_style=heading,
                        line_height=4.6, text_align=aligns, markdown=False,
                        align="LEFT") as table:
            for row in (block.headers, *block.rows):
                cells = table.row()
                for value in row:
                    cells.cell(self.clean(value))
        self.ln(1.5)
        for line in block.legend:
            self.set_font("DejaVu", "", 8)
            self.set_text_color(*GREY)
            self.multi_cell(0, 3.8, self.clean(line), align="L", new_x="LMARGIN",
                            new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.ln(2)

    def column_widths(self, block: Table, size: float) -> tuple[float, ...]:
        """Each column as wide as its longest word (its header's in bold), so no word is cut
        ("Accompagnemen / t"); what is left of the page's width shared by the weights."""
        need = []
        for index, header in enumerate(block.headers):
            self.set_font("DejaVu", "B", size)
            widest = max((self.get_string_width(w) for w in header.split()), default=0.0)
            self.set_font("DejaVu", "", size)
            for row in block.rows:
                cell = self.clean(row[index])
                widest = max(widest, *(self.get_string_width(w) for w in cell.split()), 0.0)
            need.append(widest + 2 * CELL_PADDING + 0.8)
        spare = self.epw - sum(need)
        if spare <= 0:  # words wider than the page: shrink in proportion
            return tuple(n * self.epw / sum(need) for n in need)
        total = sum(block.weights)
        # The weights say the width each column wants; a column already wider keeps its need.
        wanted = [self.epw * w / total for w in block.weights]
        extra = [max(0.0, want - n) for want, n in zip(wanted, need, strict=True)]
        scale = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
        return tuple(n + e * scale for n, e in zip(need, extra, strict=True))

    def chart(self, block: Chart) -> None:
        png = ranking_png(self.synthesis, block.block, font="DejaVu Sans")
        if png is None:
            return
        width = self.epw * 0.9
        if self.room() < width * 0.45:
            self.add_page()
        self.image(io.BytesIO(png), w=width, alt_text=block.alt)
        self.ln(2)

    def scale_chart(self, block: ScaleChart) -> None:
        png = scale_png(self.synthesis, block.block, font="DejaVu Sans")
        width = self.epw * 0.7
        if self.room() < width * 0.45:
            self.add_page()
        self.image(io.BytesIO(png), w=width, alt_text=block.alt)
        self.ln(2)

    def draw(self, block: Block) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Para):
            self.para(block)
        elif isinstance(block, Bullets):
            self.bullets(block)
        elif isinstance(block, Table):
            self.table_block(block)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, ScaleChart):
            self.scale_chart(block)


def _contents(pdf: FPDF, outline: list) -> None:
    assert isinstance(pdf, _Document)
    pdf.set_x(MARGIN)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, t(pdf.synthesis, N_("Contents")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in outline:
        if section.level > 1:
            continue
        pdf.set_font("DejaVu", "B" if section.level == 0 else "", 10)
        indent = 6 * section.level
        pdf.set_x(MARGIN + indent)
        name = pdf.clean(section.name)
        label = name if len(name) <= 80 else name[:79] + "…"
        pdf.cell(150 - indent, 6, label, link=pdf.add_link(page=section.page_number))
        pdf.cell(0, 6, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def write(s: Synthesis) -> bytes:
    """Return the synthesis as a PDF."""
    pdf = _Document(s)
    pdf.add_page()
    pdf.ln(30)
    pdf.set_font("DejaVu", "B", 24)
    pdf.set_text_color(*ACCENT)
    pdf.multi_cell(0, 11, pdf.clean(title(s)), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)
    first, *others = front(s)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 7, pdf.clean(first), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.set_text_color(*GREY)
    for line in others:
        pdf.multi_cell(0, 6, pdf.clean(line), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    # The contents, on a page of their own after the title page (drawn at the end, once
    # the page numbers are known); the sections follow on the page after.
    pdf.insert_toc_placeholder(_contents, pages=1, allow_extra_pages=True)
    blocks = body(s)
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            # The headings that follow at once go with it ("Prochaines étapes", then a
            # project's name, then its table): kept together with what starts under them.
            chained = 0.0
            for after in blocks[index + 1:]:
                if not isinstance(after, Heading):
                    break
                chained += HEADING_SIZES[after.level] * 0.5 + 4
            pdf.heading(block, chained)
        else:
            pdf.draw(block)
    return bytes(pdf.output())
