"""A canvas as a landscape PDF that looks like the canvas: one box per section, placed on
the template's grid, to print for the wall of the tiers-lieu.

fpdf2's built-in fonts cannot write œ, ’ or €: the PDF embeds DejaVu Sans (Debian package
``fonts-dejavu-core``; another path with ``FABRIQUE_PDF_FONT``).
"""

from __future__ import annotations

import os
from pathlib import Path

from fpdf import FPDF

from core.errors import InvalidInput
from core.services.canvases import CanvasView
from core.text.i18n import N_

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
PAGE_MARGIN = 10.0
GAP = 3.0
TITLE_HEIGHT = 16.0


def font_files() -> tuple[Path, Path]:
    """Return the regular and bold DejaVu fonts the PDFs embed, or refuse with the fix."""
    configured = os.environ.get("FABRIQUE_PDF_FONT")
    candidates = ([Path(configured).parent] if configured else []) + FONT_DIRS
    for folder in candidates:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    raise InvalidInput(N_("The PDF needs the DejaVu font (Debian: apt install "
                          "fonts-dejavu-core). The Markdown export works without it."))


def check_fonts() -> None:
    """Refuse early, with the fix, when the PDF font is missing."""
    font_files()


def canvas_pdf(view: CanvasView, lang: str) -> bytes:
    """Return the canvas as a landscape A4 PDF, sections on the template's grid."""
    regular, bold = font_files()
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.set_title(view.canvas.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.set_xy(PAGE_MARGIN, PAGE_MARGIN)
    pdf.cell(0, 8, view.canvas.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(0, 5, view.template.name(lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)

    rows = view.template.rows()
    columns = view.template.columns
    width = pdf.w - 2 * PAGE_MARGIN
    top = PAGE_MARGIN + TITLE_HEIGHT
    row_height = (pdf.h - top - PAGE_MARGIN - GAP * (len(rows) - 1)) / len(rows)
    column_width = (width - GAP * (columns - 1)) / columns
    for r, row in enumerate(rows):
        x = PAGE_MARGIN
        y = top + r * (row_height + GAP)
        for section in row:
            box_width = column_width * section.span + GAP * (section.span - 1)
            pdf.set_draw_color(120, 120, 120)
            pdf.rect(x, y, box_width, row_height)
            pdf.set_xy(x + 2, y + 2)
            pdf.set_font("DejaVu", "B", 9)
            pdf.multi_cell(box_width - 4, 4.2, section.title(lang), align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 8)
            text = view.text(section.key).strip()
            pdf.set_x(x + 2)
            # Shrink the type until the text fits in its box (down to 5 pt).
            size = 8.0
            while size > 5 and _height(pdf, text, box_width - 4, size) > (
                    y + row_height - pdf.get_y() - 2):
                size -= 0.5
            pdf.set_font("DejaVu", "", size)
            pdf.multi_cell(box_width - 4, size * 0.45, text or "—", align="L",
                           new_x="LMARGIN", new_y="NEXT")
            x += box_width + GAP
    return bytes(pdf.output())


def _height(pdf: FPDF, text: str, width: float, size: float) -> float:
    pdf.set_font("DejaVu", "", size)
    lines = pdf.multi_cell(width, size * 0.45, text or "—", align="L", dry_run=True,
                           output="LINES")
    assert isinstance(lines, list)
    return len(lines) * size * 0.45
