"""launch/icons.py: Streamlit's icon font cut down to the icons drawn — every icon named in
Fabrique and in Streamlit's own scripts is in the cut, the cut was made from the installed
Streamlit's font, and the middleware serves it (or steps aside when it was not)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from starlette.staticfiles import StaticFiles

from launch import icons
from launch.icons import IconFont
from tests.unit.test_compression import call


@pytest.fixture(scope="module")
def cut_names() -> dict[str, str]:
    return icons.ligatures(TTFont(io.BytesIO(icons.CUT.read_bytes())))


@pytest.fixture(scope="module")
def whole_names() -> dict[str, str]:
    font = icons.installed_font()
    assert font is not None, "Streamlit bundles no Material Symbols font any more"
    return icons.ligatures(TTFont(io.BytesIO(font.read_bytes())))


def test_the_cut_was_made_from_the_installed_streamlits_font():
    record = json.loads(icons.CUT_INFO.read_text(encoding="utf-8"))
    font = icons.installed_font()
    assert font is not None
    assert (record["cut_from"], record["sha256"]) == (
        font.name, icons.fingerprint(font.read_bytes())), "run `make icons`"


def test_every_icon_fabrique_names_is_in_the_cut(cut_names, whole_names):
    named = icons.named_in_fabrique(set(whole_names))
    # The finder itself: a ":material/…:" string, and names given to ui/render.icon().
    assert {"front_hand", "back_hand", "emoji_events", "account_balance", "timer"} <= named
    missing = sorted(named - set(cut_names))
    assert not missing, f"not in the cut icon font (run `make icons`): {missing}"


def test_every_icon_streamlit_draws_is_in_the_cut(cut_names, whole_names):
    named = icons.named_in_streamlit() & set(whole_names)
    assert {"expand_more", "keyboard_double_arrow_left", "more_vert", "close"} <= named
    assert not sorted(named - set(cut_names))


def test_an_icon_in_the_cut_is_the_same_drawing_as_in_the_whole_font():
    whole_font = icons.installed_font()
    assert whole_font is not None
    whole = TTFont(io.BytesIO(whole_font.read_bytes()))
    cut = TTFont(io.BytesIO(icons.CUT.read_bytes()))
    whole_glyphs, cut_glyphs = icons.ligatures(whole), icons.ligatures(cut)
    for name in ("front_hand", "how_to_vote", "expand_more"):
        drawn = whole["glyf"][whole_glyphs[name]], cut["glyf"][cut_glyphs[name]]
        assert drawn[0].getCoordinates(whole["glyf"])[0] == \
            drawn[1].getCoordinates(cut["glyf"])[0]


def test_the_cut_is_much_lighter_and_keeps_nothing_else(cut_names, whole_names):
    whole_font = icons.installed_font()
    assert whole_font is not None
    assert len(icons.CUT.read_bytes()) < whole_font.stat().st_size / 10
    assert len(cut_names) < len(whole_names) / 10
    assert "rocket_launch" not in cut_names  # never named: not carried


@pytest.fixture
def streamlit_files(tmp_path: Path):
    """A copy of Streamlit's font where Streamlit serves it, and another file."""
    font = icons.installed_font()
    assert font is not None
    media = tmp_path / "static" / "media"
    media.mkdir(parents=True)
    (media / font.name).write_bytes(font.read_bytes())
    (media / "other.woff2").write_bytes(b"\x00" * 2000)
    return font, StaticFiles(directory=tmp_path)


def test_the_browser_gets_the_cut_font_at_streamlits_address(streamlit_files):
    font, files = streamlit_files
    app = IconFont(files)
    status, headers, body = call(app, f"/static/media/{font.name}")
    assert status == 200 and body == icons.CUT.read_bytes()
    assert headers["content-type"] == "font/woff2"
    assert headers["content-length"] == str(len(body))
    assert headers["cache-control"] == "no-cache"  # a later cut reaches every browser
    status, headers, body = call(app, f"/static/media/{font.name}",
                                 {"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    # Behind a base path (a proxy's /fabrique/): the same.
    assert call(app, f"/fabrique/static/media/{font.name}")[2] == icons.CUT.read_bytes()
    # Anything else is Streamlit's.
    assert call(app, "/static/media/other.woff2")[2] == b"\x00" * 2000


def test_a_cut_from_another_font_steps_aside(streamlit_files, tmp_path, monkeypatch, caplog):
    font, files = streamlit_files
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"cut_from": font.name, "sha256": "0" * 64}))
    monkeypatch.setattr(icons, "CUT_INFO", record)
    with caplog.at_level("WARNING"):
        app = IconFont(files)
    assert "make icons" in caplog.text
    assert call(app, f"/static/media/{font.name}")[2] == font.read_bytes()  # the whole font
