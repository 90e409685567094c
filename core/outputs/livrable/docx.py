"""The synthesis as a Word document (python-docx) a collectivité can open, edit and print:
A4, a header with the title and a footer with the page number, a table of contents (a
field the word processor fills in; its entries already there before it does), real
headings in one colour scheme, real tables, the ranking chart as an image. The body is in
Arial, which every office suite has or replaces by a font of the same measures (Liberation
Sans in LibreOffice). User text is written as text runs (no field codes, no formatting
from it)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

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

FONT = "Arial"
ACCENT = RGBColor(0xB0, 0x3A, 0x0A)  # the app's primary colour
DARK = RGBColor(0x21, 0x25, 0x29)
GREY = RGBColor(0x5A, 0x5A, 0x5A)
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "center": WD_ALIGN_PARAGRAPH.CENTER}


def _font(style, size: float, colour: RGBColor | None = None, bold: bool | None = None) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    if colour is not None:
        style.font.color.rgb = colour
    if bold is not None:
        style.font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    # The theme's fonts would win over ours in some suites: none.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attribute)) is not None:
            del fonts.attrib[qn(attribute)]


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """Add a field (``PAGE``, ``TOC …``) to ``paragraph``, showing ``shown`` until the
    word processor computes it."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(shown)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _setup(document, s: Synthesis) -> None:
    styles = document.styles
    _font(styles["Normal"], 10)
    _font(styles["Title"], 24, ACCENT, bold=True)
    _font(styles["Heading 1"], 15, ACCENT, bold=True)
    _font(styles["Heading 2"], 12, DARK, bold=True)
    _font(styles["Heading 3"], 10.5, DARK, bold=True)
    for name in ("List Bullet", "List Bullet 2"):
        _font(styles[name], 10)
    _font(styles["Caption"], 8.5, GREY, bold=False)
    styles["Caption"].font.italic = False
    # The default template underlines the title with a blue rule: none.
    borders = styles["Title"].element.pPr.find(qn("w:pBdr"))
    if borders is not None:
        styles["Title"].element.pPr.remove(borders)
    for section in document.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2)
        section.different_first_page_header_footer = True  # the title page bare
        header = section.header.paragraphs[0]
        header.text = title(s)
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in header.runs:
            run.font.size, run.font.color.rgb = Pt(8), GREY
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        label = t(s, N_("Page {n}"), n="")
        footer.add_run(label.rstrip() + " ")
        _field(footer, "PAGE", "1")
        for run in footer.runs:
            run.font.size, run.font.color.rgb = Pt(8), GREY
    # Ask the word processor to fill the table of contents in when the file opens.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


TABLE_POINTS = 9.0
PAGE_CM = 17.0  # A4 less 2 cm each side


def _widths(block: Table) -> list[float]:
    """Each column at least as wide as its longest word (an Arial bold letter is about
    0.62 of the type's size; cell margins 0.4 cm), the rest of the width by the weights:
    no word cut in two ("Accompagnemen t")."""
    letter_cm = TABLE_POINTS * 0.62 * 2.54 / 72
    need = []
    for index, header in enumerate(block.headers):
        words = header.split() + [w for row in block.rows for w in row[index].split()]
        need.append(max((len(w) for w in words), default=1) * letter_cm + 0.4)
    spare = PAGE_CM - sum(need)
    if spare <= 0:
        return [n * PAGE_CM / sum(need) for n in need]
    total = sum(block.weights)
    extra = [max(0.0, PAGE_CM * w / total - n) for w, n in zip(block.weights, need,
                                                                 strict=True)]
    scale = min(1.0, spare / sum(extra)) if sum(extra) else 0.0
    return [n + e * scale for n, e in zip(need, extra, strict=True)]


def _table(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    widths = [Cm(w) for w in _widths(block)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for cell, text, align, width in zip(table.rows[0].cells, block.headers, block.align,
                                        widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = ALIGN[align]
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(TABLE_POINTS)
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:fill"), "FFF4E6")
        cell._tc.get_or_add_tcPr().append(shading)
    # The header row repeats on each page the table runs over.
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_row.append(repeat)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, text, align, width in zip(cells, row, block.align, widths, strict=True):
            cell.width = width
            cell.paragraphs[0].alignment = ALIGN[align]
            cell.paragraphs[0].add_run(text).font.size = Pt(TABLE_POINTS)
    for line in block.legend:
        paragraph = document.add_paragraph(style="Caption")
        run = paragraph.add_run(line)
        run.italic = False
        run.font.color.rgb = GREY
    document.add_paragraph()


def _draw(document, s: Synthesis, block: Block) -> None:
    if isinstance(block, Heading):
        document.add_heading(block.text, level=block.level)
    elif isinstance(block, Para):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.style == "strong":
            run.bold = True
        elif block.style == "note":
            run.font.size, run.font.color.rgb = Pt(9), GREY
        elif block.style == "lead":
            run.font.size = Pt(12)
    elif isinstance(block, Bullets):
        style = "List Bullet" if block.level == 0 else "List Bullet 2"
        for item in block.items:
            document.add_paragraph(item, style=style)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Chart):
        png = ranking_png(s, block.block, font="Liberation Sans")
        if png is not None:
            _describe(document.add_picture(io.BytesIO(png), width=Cm(16)), block.alt)
    elif isinstance(block, ScaleChart):
        picture = document.add_picture(io.BytesIO(scale_png(s, block.block,
                                                            font="Liberation Sans")),
                                       width=Cm(12))
        _describe(picture, block.alt)


def _describe(picture, alt: str) -> None:
    """Give a picture its text for screen readers (Word's "alt text": docPr's descr)."""
    picture._inline.docPr.set("descr", alt)


def write(s: Synthesis) -> bytes:
    """Return the synthesis as a DOCX file."""
    document = Document()
    document.core_properties.title = s.title
    document.core_properties.language = s.lang
    _setup(document, s)
    blocks = body(s)

    document.add_paragraph(title(s), style="Title")
    first, *others = front(s)
    document.add_paragraph().add_run(first).bold = True
    for line in others:
        run = document.add_paragraph().add_run(line)
        run.font.color.rgb = GREY
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    contents = document.add_paragraph()
    contents.add_run(t(s, N_("Contents"))).bold = True
    listed = document.add_paragraph()
    # The entries, until the word processor puts the page numbers in.
    shown = "\n".join(b.text for b in blocks if isinstance(b, Heading) and b.level == 1)
    _field(listed, 'TOC \\o "1-2" \\h \\z \\u', shown)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for block in blocks:
        _draw(document, s, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
