"""What Fabrique's web server adds to Streamlit's (``asgi.py`` hands it to ``st.App``): the
facilitators' re-login cookie written and deleted over HTTP, each browser's own cookie, and
Streamlit's files sent compressed (``launch/compression.py``).

Streamlit reads a page's cookies (``st.context.cookies``, from the request that opened the
page's connection) but cannot write one: a script run speaks to the browser over the
websocket, where no ``Set-Cookie`` travels. streamlit-authenticator wrote its cookie from
JavaScript in an iframe, which reported back once loaded and so started a second run of
every page a visitor opened — a press carried by the first run was lost when that second run
stopped it. Here the cookie is set by an HTTP answer, so it can also be HttpOnly:

- ``POST /fabrique/session`` with the signed value in the ``X-Fabrique-Session`` header:
  the value is checked (signature, expiry, an active account) and set as the re-login
  cookie — HttpOnly, SameSite=Lax, Secure behind HTTPS. ``DELETE`` deletes it (logging out).
  A custom header cannot be sent from another site without a CORS preflight this server
  never grants, so no other site can sign a browser in or out.
- Every HTML page answer carries, if the browser has none yet, ``fabrique_browser``: a
  random value (HttpOnly) that lets a phone that lost its page join again under its name
  from the same browser (``participants.join_workshop``).

The page asks for the session cookie with a small script drawn in the run that signed in or
out (``ui/identity.py``); the script sends the order's id, which this module remembers so
that the page stops drawing it once done.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import DatabaseUnavailable
from core.services import accounts
from core.settings import get_settings
from core.storage.db import session_scope

SESSION_PATH = "/fabrique/session"
SESSION_HEADER = "X-Fabrique-Session"
ORDER_HEADER = "X-Fabrique-Order"
BROWSER_COOKIE = "fabrique_browser"
BROWSER_DAYS = 400  # the longest a browser keeps a cookie (Chromium's cap)

# Orders carried out by this server: id → when. Read by the pages of this process.
_done: OrderedDict[str, float] = OrderedDict()
_done_lock = threading.Lock()
_DONE_KEPT = 10_000


def order_done(order_id: str) -> bool:
    """Say whether this server carried out the cookie order ``order_id``."""
    with _done_lock:
        return order_id in _done


def _mark_done(order_id: str) -> None:
    if not order_id or len(order_id) > 64:
        return
    with _done_lock:
        _done[order_id] = time.monotonic()
        while len(_done) > _DONE_KEPT:
            _done.popitem(last=False)


def _secure(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy)."""
    settings = get_settings()
    if request.url.scheme == "https" or settings.public_url.startswith("https://"):
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return bool(settings.trusted_proxy_header) and forwarded.split(",")[-1].strip() == "https"


def _cookie_key() -> str:
    settings = get_settings()
    configured = settings.cookie_key.get_secret_value() if settings.cookie_key else None
    with session_scope() as session:
        return accounts.cookie_key(session, configured)


def _session(request: Request) -> Response:
    """Set (POST) or delete (DELETE) the re-login cookie."""
    order = request.headers.get(ORDER_HEADER, "")
    response = Response(status_code=204, headers={"Cache-Control": "no-store"})
    if request.method == "DELETE":
        response.delete_cookie(accounts.SESSION_COOKIE, path="/", secure=_secure(request),
                               httponly=True, samesite="lax")
        _mark_done(order)
        return response
    token = request.headers.get(SESSION_HEADER, "")
    try:
        key = _cookie_key()
        username = accounts.session_username(token, key)
        with session_scope() as session:
            active = accounts.actor_for_username(session, username) is not None
    except DatabaseUnavailable:
        return Response(status_code=503, headers={"Retry-After": "2"})
    if username is None or not active:
        return Response(status_code=403)
    days = get_settings().cookie_expiry_days
    response.set_cookie(accounts.SESSION_COOKIE, token, max_age=int(days * 86_400), path="/",
                        secure=_secure(request), httponly=True, samesite="lax")
    _mark_done(order)
    return response


def browser_digest(value: object) -> str | None:
    """Return what is kept of a browser's own cookie (a digest: the database never holds a
    value that would let someone pose as that browser), or None without one."""
    if not isinstance(value, str) or not 16 <= len(value) <= 64:
        return None
    return hashlib.sha256(value.encode("ascii", "replace")).hexdigest()


class BrowserCookie:
    """Give each browser its own random cookie with the first HTML page it loads (plain
    ASGI: websockets and Streamlit's other answers pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_cookie(scope, BROWSER_COOKIE):
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https" or \
            get_settings().public_url.startswith("https://")

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    cookie = SimpleCookie()
                    cookie[BROWSER_COOKIE] = secrets.token_urlsafe(24)
                    morsel = cookie[BROWSER_COOKIE]
                    morsel["path"] = "/"
                    morsel["max-age"] = str(BROWSER_DAYS * 86_400)
                    morsel["httponly"] = True
                    morsel["samesite"] = "Lax"
                    if secure:
                        morsel["secure"] = True
                    headers.append("set-cookie", morsel.OutputString())
            await send(message)

        await self.app(scope, receive, sending)


def _has_cookie(scope: Scope, name: str) -> bool:
    for key, value in scope.get("headers", ()):
        if key == b"cookie" and f"{name}=".encode() in value:
            return True
    return False


CANVAS_PDF_PATH = "/fabrique/canvas/{canvas_id:int}.pdf"


def canvas_pdf_url(canvas_id: int, *, lang: str, token: str | None = None,
                   code: str | None = None) -> str:
    """The address of a canvas's PDF, for whoever opens the page (a participant's
    personal token or a collective's link code travels along; a facilitator's re-login
    cookie goes by itself)."""
    query = f"?lang={lang}" + (f"&p={token}" if token else "") + (
        f"&k={code}" if code else "")
    return CANVAS_PDF_PATH.replace("{canvas_id:int}", str(canvas_id)) + query


def _canvas_pdf(request: Request) -> Response:
    """A canvas as PDF, made when asked, for whoever may read it (the rights are core's).

    Served over HTTP rather than by Streamlit's deferred download: a file Streamlit makes
    on a click is deleted once two runs of anyone's page end before the browser fetches
    it, which a room's busy server does."""
    # Imported here: the PDF library and the templates load only when a PDF is asked for.
    from core.domain.templates import load_templates
    from core.errors import FabriqueError
    from core.outputs import canvas_pdf
    from core.services import canvas_links, canvases, participants

    lang = "en" if request.query_params.get("lang") == "en" else "fr"
    try:
        with session_scope() as session:
            actor = (participants.actor_for_token(session, request.query_params.get("p"))
                     or canvas_links.actor_for_code(session, request.query_params.get("k", ""),
                                                    ""))
            if actor is None:
                username = accounts.session_username(
                    request.cookies.get(accounts.SESSION_COOKIE), _cookie_key())
                actor = accounts.actor_for_username(session, username) if username else None
            if actor is None:
                return Response(status_code=403)
            view = canvases.canvas_view(session=session, actor=actor,
                                        canvas_id=request.path_params["canvas_id"],
                                        templates=load_templates(get_settings().templates_dir))
        data = canvas_pdf.canvas_pdf(view, lang)
    except DatabaseUnavailable:
        return Response(status_code=503, headers={"Retry-After": "2"})
    except FabriqueError:
        return Response(status_code=403)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="canevas-{view.canvas.id}.pdf"',
        "Cache-Control": "no-store"})


def routes() -> list[Route]:
    """The routes Fabrique adds to Streamlit's."""
    return [Route(SESSION_PATH, _session, methods=["POST", "DELETE"]),
            Route(CANVAS_PDF_PATH, _canvas_pdf, methods=["GET"])]


def middleware() -> list[Middleware]:
    """The middleware Fabrique puts before Streamlit's (the first listed wraps the others)."""
    from launch.compression import CompressedStatic
    from launch.icons import IconFont

    return [Middleware(IconFont), Middleware(CompressedStatic), Middleware(BrowserCookie)]
