"""The synthesis as Markdown: headings, lists and tables (numbers aligned right, the legend
under them); user text escaped."""

from __future__ import annotations

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
from core.outputs.livrable.text import md
from core.services.synthesis import Synthesis

_RULE = {"left": "---", "right": "--:", "center": ":-:"}


def _lines(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return ["#" * (block.level + 1) + " " + md(block.text), ""]
    if isinstance(block, Para):
        text = md(block.text)
        return [f"**{text}**" if block.style == "strong"
                else f"*{text}*" if block.style == "note" else text, ""]
    if isinstance(block, Bullets):
        return ["  " * block.level + "- " + md(item) for item in block.items] + [""]
    if isinstance(block, Table):
        cells = [[md(c).replace("  \n", " ") for c in row] for row in block.rows]
        return (["| " + " | ".join(md(h) for h in block.headers) + " |",
                 "|" + "|".join(_RULE[a] for a in block.align) + "|"]
                + ["| " + " | ".join(row) + " |" for row in cells] + [""]
                + [f"*{md(line)}*  " for line in block.legend]
                + ([""] if block.legend else []))
    if isinstance(block, Chart | ScaleChart):
        return []  # the table beside it holds the figures
    return []


def write(s: Synthesis) -> str:
    """Return the synthesis as Markdown."""
    first, *others = front(s)
    out = [f"# {md(title(s))}", "", f"**{md(first)}**  "] + [f"*{md(x)}*  " for x in others]
    out.append("")
    for block in body(s):
        out += _lines(block)
    return "\n".join(out).rstrip() + "\n"
