"""The livrable: a synthesis written as PDF (``pdf``), DOCX (``docx``) or Markdown
(``markdown``), from one ``core.services.synthesis.Synthesis``; charts drawn offline
(``charts``). User text is always written as text."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the writers load on first use: the command line starts fast
    from core.services.synthesis import Synthesis

FORMATS = ("pdf", "docx", "md")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
}


def write(synthesis: Synthesis, fmt: str) -> bytes:
    """Return the synthesis in ``fmt`` (pdf, docx or md)."""
    writers: dict[str, Callable[[Synthesis], bytes]]
    from core.outputs.livrable import docx, markdown, pdf

    writers = {"pdf": pdf.write, "docx": docx.write,
               "md": lambda s: markdown.write(s).encode("utf-8")}
    if fmt not in writers:
        raise ValueError(f"unknown format: {fmt}")
    return writers[fmt](synthesis)
