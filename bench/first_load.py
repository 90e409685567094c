"""What a fresh browser downloads on its first visit, on the wire (bodies as sent, headers
included), in Chromium against a served Fabrique (``streamlit run asgi.py``, as ``make run``):

- a phone opening ``/join`` (the address on the room's poster), until the page is drawn;
- the wall: a laptop signing in and opening the projector on the demo workshop;
- the same phone opening ``/join`` again (its cache kept): what each later visit costs.

    .venv/bin/python bench/first_load.py [--runs 3]

Prints, per visit, the bytes on the wire, the responses, how many came compressed, and the
largest responses.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import _setup  # noqa: F401  (the project on sys.path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from core.storage.db import session_scope
    from tests.browser.conftest import (
        CHROMIUM,
        CHROMIUM_ARGS,
        DEMO_WORKSHOP,
        Server,
        Wire,
        login,
        prepare_database,
        wait_idle,
    )

    data_dir = Path(tempfile.mkdtemp())
    server = Server(data_dir)
    prepare_database(server.database_url, data_dir)
    server.start()
    with session_scope(url=server.database_url) as session:
        workshop_id = session.exec(DEMO_WORKSHOP).one().id
    figures: dict[str, list[tuple[int, int, int]]] = {}
    largest: dict[str, list[tuple[int, str, str]]] = {}

    def measured(label: str, wire: Wire) -> None:
        figures.setdefault(label, []).append((wire.total(), len(wire.sizes), wire.compressed()))
        largest[label] = wire.largest()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                phone_context = browser.new_context(viewport={"width": 390, "height": 844})
                phone = phone_context.new_page()
                wire = Wire(phone)
                phone.goto(f"{server.url}/join")
                wait_idle(phone)
                phone.get_by_text("Rejoindre un atelier").first.wait_for()
                measured("phone, first /join", wire)
                again = phone_context.new_page()
                wire = Wire(again)
                again.goto(f"{server.url}/join")
                wait_idle(again)
                measured("phone, /join again (cache kept)", wire)
                phone_context.close()

                wall = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
                wire = Wire(wall)
                login(wall, server.url)
                wall.goto(f"{server.url}/projector?w={workshop_id}")
                wait_idle(wall)
                measured("wall, sign in and projector", wire)
                wall.context.close()
            browser.close()
    finally:
        server.stop()

    print(f"First loads on the wire, {args.runs} runs (median):")
    for label, rows in figures.items():
        size = statistics.median(r[0] for r in rows)
        shown = f"{size / 1e6:6.2f} MB" if size >= 100_000 else f"{size / 1e3:6.1f} kB"
        print(f"  {label:34} {shown}  "
              f"{statistics.median(r[1] for r in rows):4.0f} responses, "
              f"{statistics.median(r[2] for r in rows):3.0f} compressed")
        for size, name, encoding in largest[label]:
            print(f"      {size / 1e3:8.1f} kB  {encoding or '-':5} {name}")


if __name__ == "__main__":
    main()
