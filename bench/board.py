"""Server-side rerun time of the Explorer board with 1,000 cards (p50 / p95, AppTest),
next to a bare Streamlit page drawing 1,000 elements. Target: p95 ≤ 150 ms.

    .venv/bin/python bench/board.py [--cards 1000] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE = """
import streamlit as st
for i in range({n}):
    st.markdown(f"Carte {{i}} : un besoin du territoire, écrit par quelqu'un.")
"""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def timed(at, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{data_dir / 'bench.db'}"
    os.environ.update(DATABASE_URL=url, FABRIQUE_DATA_DIR=str(data_dir),
                      FABRIQUE_LOAD_DEMO="false")
    import pandas as pd
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from core.db import session_scope
    from core.migrate import upgrade
    from core.models import Card, CardKind, PhaseKind, Role, User
    from core.services import participants, phases, workshops
    from core.services.accounts import actor_for_username, hash_password
    from core.settings import PROJECT_ROOT
    from core.templates import load_templates

    upgrade(url)
    texts = pd.read_csv(ROOT.parent / "shared" / "evaldata" / "consultation_an_egalite_fh_2016"
                        / "syntheses_contributions.csv").synthese.astype(str).tolist()
    templates = load_templates(PROJECT_ROOT / "data")
    themes = list(templates.themes)
    with session_scope(write=True, url=url) as session:
        session.add(User(username="bench", name="Bench", role=Role.FACILITATOR.value,
                         password_hash=hash_password("bench password")))
        session.commit()
        actor = actor_for_username(session, "bench")
        collective = workshops.create_collective(session=session, actor=actor, name="Bench")
        workshop = workshops.create_workshop(
            session=session, actor=actor, collective_id=collective.id, title="Bench",
            workshop_format=templates.formats["ideation-3h"], lang="fr")
        for i in range(args.cards):
            session.add(Card(collective_id=collective.id, workshop_id=workshop.id,
                             kind=CardKind.NEED.value, text=texts[i % len(texts)][:500],
                             theme=themes[i % len(themes)]))
        session.commit()
        phases.start(session=session, actor=actor, workshop_id=workshop.id)
        index = next(p.position for p in phases.phases_of(session, workshop.id)
                     if p.kind == PhaseKind.EXPLORE.value)
        phases.go_to(session=session, actor=actor, workshop_id=workshop.id, index=index)
        token = participants.join_workshop(session=session, code=workshop.join_code,
                                           display_name="Paulette").token
        wid = workshop.id

    original = PagesManager.__init__

    def init(self, *a, **k):  # keep AppTest on st.navigation (see tests/app/conftest.py)
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    print(f"Explorer board with {args.cards} cards, {args.runs} reruns each "
          "(AppTest, server side, whole script incl. app.py):")
    facilitator = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in dict(authentication_status=True, username="bench", name="Bench",
                           logout=None, workshop_id=wid).items():
        facilitator.session_state[key] = value
    facilitator.run()
    facilitator.switch_page("pages/explore.py").run()
    assert not facilitator.exception, facilitator.exception
    p50, p95 = percentiles(timed(facilitator, args.runs))
    print(f"  facilitator      p50 {p50:.0f} ms  p95 {p95:.0f} ms")
    participant = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    participant.query_params["p"] = token
    participant.run()
    assert not participant.exception, participant.exception
    p50, p95 = percentiles(timed(participant, args.runs))
    print(f"  participant      p50 {p50:.0f} ms  p95 {p95:.0f} ms")
    bare = AppTest.from_string(BARE.format(n=args.cards), default_timeout=120)
    bare.run()
    p50, p95 = percentiles(timed(bare, args.runs))
    print(f"  bare Streamlit page, {args.cards} st.markdown elements: "
          f"p50 {p50:.0f} ms  p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
