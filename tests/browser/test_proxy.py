"""Beyond one machine: two app servers on one PostgreSQL behind nginx (Debian's package),
configured by ``deploy/nginx.conf`` itself — phones join through the proxy, each browser
stays on its server (websocket included), and a card added on one server appears on the
wall served by the other."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from tests.browser.conftest import (
    Server,
    free_port,
    join,
    login,
    prepare_database,
    wait_idle,
)
from tests.browser.test_live import open_explore
from tests.conftest import unavailable

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROUTE = "fabrique_route"


class Proxy:
    """nginx on a free port, with the repository's site configuration pointed at
    ``upstreams`` (nothing else changed in it)."""

    def __init__(self, folder: Path, upstreams: list[int]) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        site = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        listed = re.findall(r"\n( *)server 127\.0\.0\.1:\d+;", site)
        assert len(listed) == 2 and upstreams, listed  # the configuration's two examples
        # Its two example servers become the given ones (two, or as many as a bench asks).
        indent = listed[0]
        servers = "\n".join(f"{indent}server 127.0.0.1:{port};" for port in upstreams)
        site = re.sub(r"(\n *server 127\.0\.0\.1:\d+;)+", "\n" + servers, site, count=1)
        (folder / "fabrique.conf").write_text(site)
        temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
# As docs/admin.md's VPS steps set it: every phone holds two connections (its websocket, and
# the one to its app server); at 512 a room of 300 had 62 phones turned away.
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    log_format routed '$request_uri $upstream_addr $cookie_{ROUTE}';
    access_log {folder}/access.log routed;
{temp}
    include {folder}/fabrique.conf;
}}
""")
        self.process: subprocess.Popen | None = None

    def start(self) -> Proxy:
        with (self.folder / "stderr.log").open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [NGINX, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")],
                stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.served_by("probe")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError((self.folder / "stderr.log").read_text())

    def served_by(self, route: str) -> str:
        """Return the app server (host:port) that answers a browser holding ``route``."""
        request = urllib.request.Request(f"{self.url}/_stcore/health",  # noqa: S310
                                         headers={"Cookie": f"{ROUTE}={route}"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert f"{ROUTE}={route}" in " ".join(response.headers.get_all("Set-Cookie", []))
            return response.headers["X-Fabrique-Server"]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.mark.postgres
def test_two_app_servers_behind_nginx(tmp_path, new_context, pg_database):
    if not Path(NGINX).exists():
        unavailable(f"no nginx at {NGINX} (apt-get install nginx)")
    servers = [Server(tmp_path / name, pg_database) for name in ("a", "b")]
    proxy_dir = tmp_path / "nginx"
    for folder in (*(s.data_dir for s in servers), proxy_dir):
        folder.mkdir()
    prepare_database(pg_database, servers[0].data_dir)
    proxy = Proxy(proxy_dir, [s.port for s in servers])
    for server in servers:
        server.env.update(FABRIQUE_PUBLIC_URL=proxy.url,
                          FABRIQUE_TRUSTED_PROXY_HEADER="X-Real-IP",
                          FABRIQUE_APP_PROCESSES="2")
    try:
        for server in servers:
            server.start()
        proxy.start()
        # A route (the sticky cookie's value) for each server.
        routes: dict[int, str] = {}
        for n in range(200):
            port = int(proxy.served_by(f"r{n}").rsplit(":", 1)[1])
            routes.setdefault(port, f"r{n}")
            if len(routes) == 2:
                break
        assert set(routes) == {s.port for s in servers}, routes
        first, second = servers
        workshop_id, code = open_explore(first)

        def browser_on(server: Server, **options):
            context = new_context(**options)
            context.add_cookies([{"name": ROUTE, "value": routes[server.port],
                                  "url": proxy.url}])
            return context.new_page()

        wall = browser_on(second, viewport={"width": 1600, "height": 1000})
        login(wall, proxy.url)
        wall.goto(f"{proxy.url}/projector?w={workshop_id}")
        wait_idle(wall)
        assert proxy.url.split("//")[1] in wall.content()  # the QR and join address
        phone = browser_on(first, viewport={"width": 390, "height": 844}, is_mobile=True)
        join(phone, proxy.url, code, "Karim")
        assert phone.url.startswith(proxy.url)
        phone.goto(phone.url.replace("/workshop", "/explore"))
        field = phone.get_by_label("Nouveau besoin")
        field.fill("Un atelier vélo partagé, par le proxy")
        field.press("Enter")
        wall.get_by_text("Un atelier vélo partagé, par le proxy").first.wait_for(
            timeout=10_000)
        # Every request of each browser, its websocket included, went to its own server.
        streams: dict[str, set[str]] = {}
        for line in (proxy_dir / "access.log").read_text().splitlines():
            uri, upstream, route = (line.split() + ["", "", ""])[:3]
            if uri.startswith("/_stcore/stream"):
                streams.setdefault(route, set()).add(upstream)
        assert streams.get(routes[first.port]) == {f"127.0.0.1:{first.port}"}, streams
        assert streams.get(routes[second.port]) == {f"127.0.0.1:{second.port}"}, streams
    finally:
        proxy.stop()
        for server in servers:
            server.stop()
