"""Server-side rerun time of the Regrouper page with 500 cards in 8 groups (AppTest,
median of several reruns). Prints figures.

    .venv/bin/python bench/regrouper.py [--cards 500]
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{data_dir / 'bench.db'}"
    os.environ.update(DATABASE_URL=url, FABRIQUE_DATA_DIR=str(data_dir),
                      FABRIQUE_LOAD_DEMO="false")

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from core.db import session_scope
    from core.migrate import upgrade
    from core.models import Card, CardKind, Role, User
    from core.services import clusters, workshops
    from core.services.accounts import actor_for_username, hash_password
    from core.settings import PROJECT_ROOT
    from core.templates import load_templates

    upgrade(url)
    lines = (ROOT.parent / "shared" / "evaldata" / "consultation_an_egalite_fh_2016" /
             "syntheses_contributions.csv")
    import pandas as pd
    texts = pd.read_csv(lines).synthese.astype(str).tolist()[: args.cards]
    with session_scope(write=True, url=url) as session:
        session.add(User(username="bench", name="Bench", role=Role.FACILITATOR.value,
                         password_hash=hash_password("bench password")))
        session.commit()
        actor = actor_for_username(session, "bench")
        templates = load_templates(PROJECT_ROOT / "data")
        collective = workshops.create_collective(session=session, actor=actor, name="Bench")
        workshop = workshops.create_workshop(
            session=session, actor=actor, collective_id=collective.id, title="Bench",
            workshop_format=templates.formats["ideation-3h"], lang="fr")
        for text in texts:
            session.add(Card(collective_id=collective.id, workshop_id=workshop.id,
                             kind=CardKind.IDEA.value, text=text[:500]))
        session.commit()
        proposal = clusters.suggest(session=session, actor=actor, workshop_id=workshop.id, k=8)
        named = [clusters.ProposedGroup(p.name or "Divers", p.card_ids) for p in proposal]
        clusters.accept_groups(session=session, actor=actor, workshop_id=workshop.id,
                               groups=named)

    original = PagesManager.__init__

    def init(self, *a, **k):  # keep AppTest on st.navigation (see tests/app/conftest.py)
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in dict(authentication_status=True, username="bench", name="Bench",
                           logout=None, workshop_id=workshop.id).items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/group.py").run()
    assert not at.exception, at.exception
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        at.run()
        timings.append(time.perf_counter() - start)
    print(f"Regrouper, {len(texts)} idea cards in 8 groups: rerun median "
          f"{statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
          f"over {args.runs} reruns (AppTest, server side, whole script incl. app.py)")


if __name__ == "__main__":
    main()
