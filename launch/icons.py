"""Streamlit's icon font, cut down to the icons Fabrique and Streamlit draw.

Every ``:material/…:`` icon is a ligature of Streamlit's bundled Material Symbols font: the
word ``front_hand`` drawn as one glyph. That font holds 4,300 icons and weighs 375 kB, a
third of what a phone downloads on its first visit to ``/join``; Fabrique draws a hundred
of them, and Streamlit's own screens about eighty. ``build()`` keeps those (with the letters
their names are typed with and only the ligatures that form them: no closure over every
word the letters could spell) and writes the cut font beside this module, with the name and
fingerprint of the font it was cut from. ``IconFont``, a middleware, answers a browser's
request for Streamlit's font with that cut font (about 20 kB).

The cut is made once, by a developer (``make icons``), not by the laptop: it needs fontTools
and Brotli (the development dependencies) and takes two seconds. The tests check that every
icon named in the code, in ``data/`` and in Streamlit's own scripts is in it, and that it was
cut from the font the installed Streamlit serves. If Streamlit is upgraded and the cut not
made again, the middleware steps aside (Streamlit's whole font is served, as before) and
says so once in the server's log.

The cut font is sent ``no-cache`` with its own ETag, not with Streamlit's year-long
``immutable``: its address is Streamlit's, and a later cut (a new icon) must reach browsers
that kept the old one. A revalidation costs a ``304`` of a few hundred bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
from pathlib import Path

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
CUT = Path(__file__).with_name("material-symbols.woff2")
CUT_INFO = Path(__file__).with_name("material-symbols.json")
FONT_PATTERN = "MaterialSymbols-Rounded.*.woff2"
# Where Fabrique names icons: ":material/name:" strings, and names given to ui/render.icon()
# (any quoted word that is an icon's name is kept: a few extra glyphs, never a missing one).
SOURCES = ("app.py", "pages", "ui", "core", "launch", "data")
SOURCE_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".toml", ".md")
_MATERIAL = re.compile(r"material/([a-z0-9_]+)")
_QUOTED_WORD = re.compile(r"[\"']([a-z][a-z0-9_]*)[\"']")


def streamlit_static() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "static"


def installed_font() -> Path | None:
    """Streamlit's Material Symbols font, as installed (None if this Streamlit has none)."""
    return next(iter(sorted((streamlit_static() / "media").glob(FONT_PATTERN))), None)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the cut (a developer's step: fontTools and Brotli) -------------------------------------

def ligatures(font) -> dict[str, str]:
    """Each icon's name in ``font`` (a fontTools ``TTFont``) and the glyph it forms."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names: dict[str, str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            if table.LookupType == 7:  # an extension: the real table inside
                table = table.ExtSubTable
            if table.LookupType != 4:
                continue
            for first, formed in table.ligatures.items():
                for ligature in formed:
                    glyphs = (first, *ligature.Component)
                    if all(g in letters for g in glyphs):
                        names["".join(letters[g] for g in glyphs)] = ligature.LigGlyph
    return names


def named_in_streamlit() -> set[str]:
    """The icons Streamlit's own scripts draw (its menus, expanders, status, toolbars)."""
    return {name for script in (streamlit_static() / "js").glob("*.js")
            for name in _MATERIAL.findall(script.read_text(encoding="utf-8", errors="ignore"))}


def named_in_fabrique(known: set[str]) -> set[str]:
    """The icons Fabrique's code and data name (``known``: the font's icon names)."""
    found: set[str] = set()
    for source in SOURCES:
        path = ROOT / source
        files = [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix in SOURCE_SUFFIXES)
        for file in files:
            text = file.read_text(encoding="utf-8", errors="ignore")
            found.update(_MATERIAL.findall(text))
            found.update(w for w in _QUOTED_WORD.findall(text) if w in known)
    return found & known


def build() -> tuple[int, int, int]:
    """Cut the installed font down to the icons named; write it and its record beside this
    module. Return (icons kept, bytes before, bytes after)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = installed_font()
    if source is None:
        raise SystemExit("this Streamlit bundles no Material Symbols font")
    data = source.read_bytes()
    names = ligatures(TTFont(io.BytesIO(data)))
    kept = sorted((named_in_streamlit() | named_in_fabrique(set(names))) & set(names))
    options = subset.Options()
    options.layout_closure = False  # only the ligatures wholly inside what is kept
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.flavor = "woff2"
    cutter = subset.Subsetter(options)
    cutter.populate(text="".join(sorted(set("".join(kept)))),
                    glyphs=[names[name] for name in kept])
    font = TTFont(io.BytesIO(data))
    cutter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    CUT.write_bytes(out.getvalue())
    CUT_INFO.write_text(json.dumps({"cut_from": source.name, "sha256": fingerprint(data),
                                    "icons": kept}, indent=1) + "\n", encoding="utf-8")
    return len(kept), len(data), len(out.getvalue())


# --- serving it ----------------------------------------------------------------------------

class IconFont:
    """ASGI middleware: Streamlit's icon font answered with the cut one (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.suffix = ""
        self.body = b""
        self.etag = ""
        source = installed_font()
        try:
            record = json.loads(CUT_INFO.read_text(encoding="utf-8"))
            body = CUT.read_bytes()
        except (OSError, ValueError):
            LOGGER.warning("no cut icon font (%s): Streamlit's whole font is served", CUT)
            return
        if source is None or source.name != record.get("cut_from") or \
                fingerprint(source.read_bytes()) != record.get("sha256"):
            LOGGER.warning("the cut icon font was made from another Streamlit's font "
                           "(make icons): Streamlit's whole font is served")
            return
        self.suffix = "/static/media/" + source.name
        self.body = body
        self.etag = f'"{fingerprint(body)[:32]}"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (not self.suffix or scope["type"] != "http" or scope["method"] not in ("GET", "HEAD")
                or not scope["path"].endswith(self.suffix)):
            await self.app(scope, receive, send)
            return
        fresh = Headers(scope=scope).get("if-none-match", "") in (self.etag, "W/" + self.etag)
        headers = [(b"etag", self.etag.encode()), (b"cache-control", b"no-cache")]
        if fresh:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", b"font/woff2"),
                    (b"content-length", str(len(self.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else self.body})


if __name__ == "__main__":
    kept, before, after = build()
    print(f"{CUT.name}: {kept} icons, {before:,} bytes -> {after:,} bytes")
