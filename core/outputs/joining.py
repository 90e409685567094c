"""How participants reach the workshop: the join address and its QR code, made locally."""

from __future__ import annotations

import socket
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not binds


def lan_address() -> str | None:
    """Return this machine's address on the local network (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # Connecting a UDP socket only picks the outgoing interface.
        probe.connect(("10.254.254.254", 1))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def join_url(*, page_url: str | None, code: str, public_url: str = "",
             lan: str | None = None, port: int = 0) -> str:
    """Return the address to join a workshop.

    ``public_url`` (settings) wins; otherwise the address the facilitator uses, with a
    local-only host replaced by the machine's network address, so phones can reach it, and
    its port replaced by ``port`` when given (the page is on the projector's own server).
    """
    return app_url(page_url=page_url, path="/join", query={"code": code},
                   public_url=public_url, lan=lan, port=port)


def app_url(*, page_url: str | None, path: str, query: dict[str, str],
            public_url: str = "", lan: str | None = None, port: int = 0) -> str:
    """Return an address of this app others can open (see ``join_url``)."""
    base = public_url or page_url or "http://localhost:8501"
    parts = urlsplit(base)
    host = parts.hostname or "localhost"
    if not public_url and host in LOCAL_HOSTS and lan:
        host = lan
    if ":" in host:
        host = f"[{host}]"
    shown_port = parts.port if public_url or not port else port
    netloc = host if shown_port is None else f"{host}:{shown_port}"
    prefix = parts.path.rstrip("/") if public_url else ""
    return urlunsplit((parts.scheme or "http", netloc, prefix + path, urlencode(query), ""))


def qr_data_uri(url: str, *, scale: int = 8) -> str:
    """Return a QR code of ``url`` as an SVG ``data:`` URI (dark on white), for an ``<img>``:
    Streamlit's HTML sanitiser keeps images but removes inline SVG."""
    return segno.make(url, error="m").svg_data_uri(scale=scale, dark="#111111",
                                                    light="#ffffff")
