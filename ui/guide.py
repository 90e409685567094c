"""The facilitator's guide (``docs/guide-animateur.md``, French), read by the Aide page and
linked from every screen to its part. The guide is our own text, kept in the repository:
its sections are marked ``<!-- section: key -->`` before their title, its images live in
``docs/images/`` (taken by the browser tests), and nothing is fetched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.settings import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "guide-animateur.md"
IMAGES = PROJECT_ROOT / "docs"
_MARK = re.compile(r"^<!-- section: ([a-z0-9-]+) -->$", re.M)
_IMAGE = re.compile(r"^!\[([^\]]*)\]\((images/[^)]+)\)$")
PARAM = "s"  # the part asked for, in the Aide page's address
_ANCHOR = re.compile(r"\]\(#([a-z0-9-]+)\)")


@dataclass(frozen=True)
class Image:
    """A screenshot of the guide, with its caption."""

    path: Path
    caption: str


@dataclass(frozen=True)
class Section:
    """One part of the guide: its key (``?s=`` in the Aide page's address), its title, and
    its body as Markdown pieces and images, in order."""

    key: str
    title: str
    blocks: tuple[str | Image, ...]


def parse(text: str) -> tuple[str, list[Section]]:
    """Split the guide into its introduction (Markdown) and its sections. A link to
    another section (``](#key)``) becomes a link to that part of the Aide page."""
    pieces = _MARK.split(text)
    intro, rest = pieces[0], pieces[1:]
    sections = []
    for key, body in zip(rest[::2], rest[1::2], strict=True):
        lines = body.strip().splitlines()
        title = lines[0].removeprefix("## ").strip()
        blocks: list[str | Image] = []
        prose: list[str] = []
        for line in lines[1:]:
            found = _IMAGE.match(line.strip())
            if found is None:
                prose.append(_ANCHOR.sub(r"](guide?s=\1)", line))
                continue
            if "\n".join(prose).strip():
                blocks.append("\n".join(prose).strip())
            prose = []
            blocks.append(Image(IMAGES / found.group(2), found.group(1)))
        if "\n".join(prose).strip():
            blocks.append("\n".join(prose).strip())
        sections.append(Section(key, title, tuple(blocks)))
    intro_lines = [line for line in intro.strip().splitlines() if not line.startswith("# ")]
    return "\n".join(intro_lines).strip(), sections


@lru_cache(maxsize=1)
def _read(mtime: float) -> tuple[str, list[Section]]:
    return parse(GUIDE.read_text(encoding="utf-8"))


def guide() -> tuple[str, list[Section]]:
    """Return the guide's introduction and sections (read again when the file changes)."""
    return _read(GUIDE.stat().st_mtime)


def section_keys() -> list[str]:
    """Return the keys of the guide's sections, in order."""
    return [section.key for section in guide()[1]]
