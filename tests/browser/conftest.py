"""Browser fixtures: a real ``streamlit run`` server on a free port, driven by Debian's
Chromium through Playwright (never a downloaded browser). A failing test leaves a
screenshot of every open page in ``test-artifacts/``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import col, select

from core.domain.models import Workshop
from core.services import accounts
from core.settings import PROJECT_ROOT, Settings
from core.storage.db import dispose_engines, session_scope
from launch.startup import bootstrap
from tests.conftest import PASSWORD, unavailable
from tests.pg_server import scratch_database

CHROMIUM = os.environ.get("FABRIQUE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ADMIN = "anna"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_free(port: int) -> bool:
    """Say whether nothing listens on ``port`` of 127.0.0.1 (``fabrique serve`` takes the
    ports after its own)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(port: int) -> bool:
    """Say whether a Streamlit server answers its health check on ``port``."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",  # noqa: S310
                                    timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


class Server:
    """A Fabrique server process on its own data directory (and database)."""

    def __init__(self, data_dir: Path, database_url: str | None = None,
                 load_demo: bool = True) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url or f"sqlite:///{data_dir / 'fabrique.db'}"
        self.env = {
            **os.environ,
            "FABRIQUE_DATA_DIR": str(data_dir),
            "DATABASE_URL": self.database_url,
            "FABRIQUE_LOAD_DEMO": "true" if load_demo else "false",
            "FABRIQUE_DEFAULT_LANGUAGE": "fr",
        }
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "server.log"

    def start(self) -> Server:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "asgi.py"),
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--server.headless", "true", "--browser.serverAddress", "127.0.0.1"],
                cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not answer /_stcore/health within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def prepare_database(url: str, data_dir: Path) -> None:
    """Prepare the database as `make run` does (migrations, demo), then create the admin."""
    bootstrap(Settings(database_url=url, data_dir=data_dir))
    with session_scope(write=True, url=url) as session:
        accounts.create_first_admin(session=session, code=accounts.setup_code(session),
                                    username=ADMIN, name="Anna Animatrice", password=PASSWORD)
    dispose_engines(url)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A fresh server process (so cold: it has served nothing yet) on a new SQLite file,
    demo collective loaded, admin "anna" created."""
    srv = Server(tmp_path)
    prepare_database(srv.database_url, tmp_path)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def pg_database(postgres_server: str) -> Iterator[str]:
    """Return the URL of a new, empty PostgreSQL database (for servers to share); dropped
    after the test."""
    with scratch_database(postgres_server, "fabrique_srv") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_context(browser, request):
    """Return a factory of isolated browser contexts (one per person); screenshots on failure."""
    contexts = []
    outside: list[str] = []

    def make(**kwargs):
        kwargs.setdefault("viewport", {"width": 1400, "height": 1000})
        kwargs.setdefault("locale", "fr-FR")
        context = browser.new_context(**kwargs)
        context.set_default_timeout(20_000)
        # Offline by design: every request must go to the local server.
        context.on("request", lambda r: None if _is_local(r.url) else outside.append(r.url))
        contexts.append(context)
        return context

    yield make
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{i}-{j}.png"),
                                full_page=True)
                # Streamlit scrolls inside its own frame: the screenshot shows one screen,
                # the text all of the page (a notice, an error, a field's value).
                (ARTIFACTS / f"{request.node.name}-{i}-{j}.txt").write_text(
                    page.url + "\n\n" + page.evaluate(
                        """() => document.body.innerText + '\\n\\nFIELDS\\n' +
                        [...document.querySelectorAll('textarea, input')].map(
                            e => (e.getAttribute('aria-label') || e.name) + ': '
                                 + e.value).join('\\n')"""), encoding="utf-8")
    for context in contexts:
        context.close()
    assert outside == [], f"requests left the machine: {outside[:5]}"


def _is_local(url: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return parsed.scheme in {"data", "blob", "about"} or parsed.hostname in {
        "127.0.0.1", "localhost"}


GUIDE_IMAGES = PROJECT_ROOT / "docs" / "images"


def guide_shot(page, name: str) -> None:
    """Take the facilitator's guide's screenshot ``name`` (``docs/guide-animateur.md``) where
    a test reaches its screen: kept in ``test-artifacts/guide/`` at every run, and written
    over ``docs/images/`` with ``FABRIQUE_GUIDE_IMAGES=1`` (``make guide-images``), so the
    guide shows the app as it is."""
    wait_idle(page)
    folder = GUIDE_IMAGES if os.environ.get("FABRIQUE_GUIDE_IMAGES") == "1" \
        else ARTIFACTS / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


# A key shown twice: elements a finished run left beside the new ones (ui/sweeper.py).
DOUBLED_KEYS_JS = """() => {
    const seen = new Set(), twice = [];
    for (const el of document.querySelectorAll('[class*="st-key-"]'))
        for (const name of el.classList)
            if (name.startsWith('st-key-')) {
                if (seen.has(name)) twice.push(name);
                seen.add(name);
            }
    return twice;
}"""


def wait_idle(page, settle_ms: int = 400) -> None:
    """Wait until Streamlit is connected, not running, with no stale element and no
    element left twice by a run (``ui/sweeper.py``), for a while."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-connection-state="CONNECTED"]'
        '[data-test-script-state="notRunning"]'
    )
    stable_since = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        idle = page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return !!app && app.dataset.testScriptState === 'notRunning'
                    && app.dataset.testConnectionState === 'CONNECTED'
                    && !document.querySelector('[data-stale="true"]');
            }"""
        ) and not page.evaluate(DOUBLED_KEYS_JS)
        now = time.monotonic()
        if idle:
            stable_since = stable_since or now
            if now - stable_since >= settle_ms / 1000:
                return
        else:
            stable_since = None
        page.wait_for_timeout(50)
    raise AssertionError("Streamlit did not settle within 20 s (elements shown twice: "
                         f"{page.evaluate(DOUBLED_KEYS_JS)})")


def join(page, base_url: str, code: str, name: str) -> str:
    """Join a workshop through the real form; return the participant's token (in the URL)."""
    page.goto(f"{base_url}/join?code={code}")
    wait_idle(page)
    page.get_by_label("Votre nom").fill(name)
    page.get_by_role("button", name="Rejoindre").click()
    page.wait_for_url(re.compile(r"[?&]p="))
    wait_idle(page)
    # Streamlit's move to the workshop page drops the query string, which the page's next
    # run writes back: on a busy laptop the page can look idle in between.
    page.wait_for_function("() => new URLSearchParams(location.search).has('p')")
    return page.url.split("p=")[1].split("&")[0]


def login(page, base_url: str, username: str = ADMIN, password: str = PASSWORD) -> None:
    """Log in through the real form and wait for the re-login cookie to be written."""
    page.goto(base_url + "/")
    wait_idle(page)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="Collectifs et ateliers").wait_for()
    deadline = time.monotonic() + 10
    while not any(c["name"] == "fabrique_session" for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise AssertionError("the re-login cookie was never written")
        page.wait_for_timeout(100)
    wait_idle(page)


def font_px(locator) -> float:
    """The computed font size of what ``locator`` finds. A live wall redraws its HTML as
    its timer ticks, so the element found may be replaced before it is measured (a detached
    element has no style): measure again until it is in the page."""
    for _ in range(50):
        size = locator.evaluate("e => e.isConnected ? parseFloat(getComputedStyle(e).fontSize)"
                                " : -1")
        if size > 0:
            return float(size)
        locator.page.wait_for_timeout(50)
    raise AssertionError(f"{locator} was never measured in the page")


def box_of(locator) -> dict:
    """The bounding box of what ``locator`` finds, measured again while the element is being
    redrawn (a live screen replaces its HTML as its timer ticks or its fragment reruns;
    between the two Playwright sees no box)."""
    for _ in range(50):
        box = locator.bounding_box()
        if box is not None:
            return box
        locator.page.wait_for_timeout(50)
    raise AssertionError(f"{locator} never had a box in the page")


# --- accessibility -------------------------------------------------------------------

AXE = PROJECT_ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# What axe finds in Streamlit's own markup, which the project cannot change (listed in the
# README): rule id → the Streamlit element (data-testid) it sits in.
STREAMLIT_OWN = {
    # The menu with sections: <ul> holding <div> sections holding <li> pages
    # (frontend/app/src/components/Sidebar/SidebarNav.tsx, generateNavSections).
    "list": "stSidebarNav",
    "listitem": "stSidebarNav",
}
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const inside = (selector) => {
    const el = document.querySelector(selector);
    const owner = el && el.closest('[data-testid]');
    return owner ? owner.dataset.testid : '';
  };
  const nav = (selector) => {
    const el = document.querySelector(selector);
    return el && el.closest('[data-testid="stSidebarNav"]') ? 'stSidebarNav' : inside(selector);
  };
  // WCAG 1.4.3 asks no contrast of "text that is part of an inactive user interface
  // component": the label of a disabled widget (a closed vote's scores), which Streamlit
  // greys and marks `disabled` but axe does not tie to the disabled control.
  const inactive = (selector) => !!document.querySelector(selector)
    ?.closest('[data-testid="stWidgetLabel"]')?.hasAttribute('disabled');
  return result.violations
    .filter((v) => v.impact !== 'minor')
    .flatMap((v) => v.nodes
      .filter((n) => !(v.id === 'color-contrast' && inactive(n.target[0])))
      .map((n) => ({
      rule: v.id, impact: v.impact, target: n.target.join(' '), within: nav(n.target[0]),
      html: n.html.slice(0, 160), summary: (n.failureSummary || '').slice(-200)})));
}"""


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, but for those of minor impact and
    Streamlit's own (axe-core comes from the npm package in tests/browser/axe, injected by
    Playwright: nothing is fetched)."""
    if not AXE.exists():
        unavailable(f"axe-core is not installed ({AXE}): npm ci --prefix tests/browser/axe")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = [v for v in page.evaluate(AXE_RUN) if STREAMLIT_OWN.get(v["rule"]) != v["within"]]
    if found:
        # A live fragment rerunning while axe reads the page fades its elements for a moment
        # (Streamlit's "stale" opacity), which axe sees as low contrast: a barrier counts
        # when it is still there once the page has settled again.
        wait_idle(page)
        again = {(v["rule"], v["target"]) for v in page.evaluate(AXE_RUN)}
        found = [v for v in found if (v["rule"], v["target"]) in again]
    return found


# The demo's workshop to run: the newest (the demo also holds an earlier, ended one).
DEMO_WORKSHOP = select(Workshop).order_by(col(Workshop.id).desc()).limit(1)


# --- what a page's opening costs --------------------------------------------------------

NOT_FOUND = ("does not seem to exist", "Page not found")


class Runs:
    """The script runs a page asked for and got, read off its websocket: ``asked`` (the
    browser's requests to run the page, not a fragment's tick) and ``full`` (the full runs
    the server started, its own reruns and page switches included)."""

    def __init__(self, page) -> None:
        self.asked = self.full = 0
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    def _received(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "new_session" and not message.metadata.run.fragment_ids:
            self.full += 1

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, str):
            return
        message = BackMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "rerun_script" and not message.rerun_script.fragment_id:
            self.asked += 1

    def reset(self) -> None:
        self.asked = self.full = 0


def shows_not_found(page) -> bool:
    """Whether Streamlit's "Page not found" box (English, whatever the app's language) is
    on the page."""
    text = page.evaluate("() => document.body.innerText")
    return any(words in text for words in NOT_FOUND)


class Wire:
    """The HTTP responses a page got and their size on the wire (Chromium's own count of
    received bytes, encoded body and headers)."""

    def __init__(self, page) -> None:
        self.sizes: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        self.encodings: dict[str, str] = {}
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        response = event["response"]
        self.urls[event["requestId"]] = response["url"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        self.encodings[event["requestId"]] = headers.get("content-encoding", "")

    def _finished(self, event) -> None:
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def total(self) -> int:
        return sum(self.sizes.values())

    def compressed(self) -> int:
        return sum(1 for rid in self.sizes if self.encodings.get(rid))

    def largest(self, n: int = 5) -> list[tuple[int, str, str]]:
        rows = [(size, self.urls.get(rid, "?").split("/")[-1][:48], self.encodings.get(rid, ""))
                for rid, size in self.sizes.items()]
        return sorted(rows, reverse=True)[:n]
