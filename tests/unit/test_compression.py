"""launch/compression.py in front of Starlette's own StaticFiles (as Streamlit serves its
files), driven over ASGI: what a browser gets, and that each file is compressed once."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from starlette.staticfiles import StaticFiles

from launch import compression
from launch.compression import CompressedStatic

SCRIPT = ("function f(){return 'une carte, deux cartes';}\n" * 400).encode()


def one_request():
    """An ASGI ``receive``: the request's (empty) body, then nothing until cancelled (as a
    browser that stays connected while the answer comes)."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")
    return receive


def call(app, path: str, headers: dict[str, str] | None = None, method: str = "GET"
         ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through ``app``: status, headers, body."""
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "scheme": "http", "http_version": "1.1",
             "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    messages: list[dict] = []
    receive = one_request()

    async def send(message: dict) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    start = messages[0]
    assert start["type"] == "http.response.start"
    body = b"".join(m.get("body", b"") for m in messages[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def served(tmp_path: Path):
    (tmp_path / "index.js").write_bytes(SCRIPT)
    (tmp_path / "font.woff2").write_bytes(b"\x00" * 5000)
    (tmp_path / "tiny.css").write_bytes(b"a{}")
    return CompressedStatic(StaticFiles(directory=tmp_path))


def test_a_script_comes_gzipped_with_its_headers_and_a_weak_tag(served):
    status, headers, body = call(served, "/index.js", {"Accept-Encoding": "gzip, deflate"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == SCRIPT
    assert int(headers["content-length"]) == len(body) < len(SCRIPT) / 10
    assert "accept-encoding" in headers["vary"].lower()
    assert headers["etag"].startswith('W/"')
    assert headers["content-type"].startswith("text/javascript")


def test_each_file_is_compressed_once_however_many_phones_ask(served, monkeypatch):
    calls: list[int] = []
    real = compression._gzip
    monkeypatch.setattr(compression, "_gzip", lambda data: calls.append(len(data)) or real(data))
    bodies = {call(served, "/index.js", {"Accept-Encoding": "gzip"})[2] for _ in range(5)}
    assert calls == [len(SCRIPT)]
    assert len(bodies) == 1


def test_a_room_asking_at_once_compresses_once(served, monkeypatch):
    calls: list[int] = []
    real = compression._gzip
    monkeypatch.setattr(compression, "_gzip", lambda data: calls.append(len(data)) or real(data))

    async def phones() -> list[bytes]:
        async def one() -> bytes:
            chunks: list[bytes] = []
            scope = {"type": "http", "method": "GET", "path": "/index.js",
                     "raw_path": b"/index.js", "root_path": "", "query_string": b"",
                     "headers": [(b"accept-encoding", b"gzip")]}

            receive = one_request()

            async def send(message: dict) -> None:
                chunks.append(message.get("body", b""))

            await served(scope, receive, send)
            return b"".join(chunks)
        return await asyncio.gather(*(one() for _ in range(20)))

    bodies = asyncio.run(phones())
    assert calls == [len(SCRIPT)]
    assert {gzip.decompress(b) for b in bodies} == {SCRIPT}


def test_a_revalidation_still_gets_its_304(served):
    _status, headers, _body = call(served, "/index.js", {"Accept-Encoding": "gzip"})
    status, _headers, body = call(served, "/index.js", {"Accept-Encoding": "gzip",
                                                        "If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")


@pytest.mark.parametrize("path, headers, method", [
    ("/index.js", {}, "GET"),                                      # gzip not offered
    ("/index.js", {"Accept-Encoding": "gzip;q=0"}, "GET"),         # refused
    ("/index.js", {"Accept-Encoding": "gzip", "Range": "bytes=0-99"}, "GET"),
    ("/index.js", {"Accept-Encoding": "gzip"}, "HEAD"),
    ("/font.woff2", {"Accept-Encoding": "gzip"}, "GET"),           # already compressed
    ("/tiny.css", {"Accept-Encoding": "gzip"}, "GET"),             # too small to gain
])
def test_what_passes_untouched(served, path, headers, method):
    status, got, body = call(served, path, headers, method)
    assert "content-encoding" not in got
    assert not got.get("etag", "").startswith("W/")
    if method == "GET" and "Range" not in headers:
        assert status == 200
        assert len(body) == int(got["content-length"])
