"""Streamlit's own files sent compressed, each compressed once per server.

Streamlit serves its JavaScript, CSS and the page itself uncompressed (it leaves that to a
proxy in front: compressing on every request costs the origin CPU each time). A laptop in a
hall has no proxy, and 300 phones on one Wi-Fi each fetching 3 MB before anyone types is the
room's first wait. So a file Streamlit answers with an ``ETag`` (a static file: the tag names
its content) and a compressible type is gzipped the first time a browser asks for it, kept in
memory under its path and tag, and from then on sent as is: each file costs one compression
per server, not one per phone. Gzip, because browsers offer Brotli and zstd only over HTTPS,
and a hall's laptop is reached over plain HTTP.

Everything else passes untouched: a response already encoded, a partial one (``Range``), a
``HEAD``, a ``304``, a type already compressed (fonts, images), a browser not offering gzip.
The cache headers stay Streamlit's; the ETag becomes weak (same content, other bytes), which
Starlette's own check still honours, so a revalidation still gets its ``304``.
"""

from __future__ import annotations

import asyncio
import gzip
import threading

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/wasm", "application/manifest+json")
MINIMUM_SIZE = 1024
# All of Streamlit's files compressed take a few MB; the cap only guards against a surprise.
CACHE_LIMIT = 64 * 1024 * 1024


class _Cache:
    """Compressed bodies by (path, ETag), bounded in total size."""

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self.limit = limit
        self.size = 0
        self.bodies: dict[tuple[str, str], bytes] = {}
        self.locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: tuple[str, str]) -> bytes | None:
        return self.bodies.get(key)

    def put(self, key: tuple[str, str], body: bytes) -> None:
        with self._guard:
            if key in self.bodies or self.size + len(body) > self.limit:
                return
            self.bodies[key] = body
            self.size += len(body)

    def lock(self, key: tuple[str, str]) -> asyncio.Lock:
        # One compression per file even when a whole room asks for it at once.
        with self._guard:
            return self.locks.setdefault(key, asyncio.Lock())


def _offers_gzip(headers: Headers) -> bool:
    for part in headers.get("accept-encoding", "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            return quality not in ("0", "0.0", "0.00", "0.000")
    return False


def _compressible(headers: MutableHeaders) -> bool:
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    length = headers.get("content-length")
    return ("content-encoding" not in headers and "etag" in headers
            and kind.startswith(COMPRESSIBLE)
            and length is not None and length.isdigit() and int(length) >= MINIMUM_SIZE)


class CompressedStatic:
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp, cache: _Cache | None = None) -> None:
        self.app = app
        self.cache = cache or _Cache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        if "range" in request_headers or not _offers_gzip(request_headers):
            await self.app(scope, receive, send)
            return

        # "start": nothing sent yet; "pass": an answer not compressed here; "collect": the
        # file's bytes gathered to be compressed; "sent": its compressed copy sent.
        state = "start"
        start: Message = {}
        key = ("", "")
        chunks: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal state, start, key
            if state == "pass":
                await send(message)
            elif state == "start":
                headers = MutableHeaders(scope=message)
                if message["status"] != 200 or not _compressible(headers):
                    state = "pass"
                    await send(message)
                    return
                start, key = message, (scope["path"], headers["etag"])
                cached = self.cache.get(key)
                if cached is not None:
                    await self._send(send, start, cached)
                    state = "sent"
                else:
                    state = "collect"
            elif state == "collect":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._send(send, start, await self._compressed(key, b"".join(chunks)))
                    state = "sent"
            # "sent": the file's own bytes are dropped.

        await self.app(scope, receive, sending)

    async def _compressed(self, key: tuple[str, str], data: bytes) -> bytes:
        async with self.cache.lock(key):
            body = self.cache.get(key)
            if body is None:
                # In a worker thread: the event loop keeps serving the other phones.
                body = await anyio.to_thread.run_sync(_gzip, data)
                self.cache.put(key, body)
        return body

    @staticmethod
    async def _send(send: Send, start: Message, body: bytes) -> None:
        headers = MutableHeaders(scope=start)
        headers["content-encoding"] = "gzip"
        headers["content-length"] = str(len(body))
        headers.add_vary_header("Accept-Encoding")
        if not headers["etag"].startswith("W/"):
            headers["etag"] = "W/" + headers["etag"]
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})


def _gzip(data: bytes) -> bytes:
    # mtime=0: the same file always gives the same bytes.
    return gzip.compress(data, compresslevel=9, mtime=0)
