"""Results of a big vote: 60 participants × 30 candidates × 8 criteria (14,400 scores).
Prints the aggregation time, the results service time (database included) and the
server-side rerun time of the results page (AppTest). Target: under 300 ms.

    .venv/bin/python bench/results.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PARTICIPANTS, CANDIDATES = 60, 30


def median_ms(function, runs: int = 7) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    data_dir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{data_dir / 'bench.db'}"
    os.environ.update(DATABASE_URL=url, FABRIQUE_DATA_DIR=str(data_dir),
                      FABRIQUE_LOAD_DEMO="false")
    from sqlmodel import select
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from core import scoring_math as math
    from core.db import session_scope
    from core.migrate import upgrade
    from core.models import Card, CardKind, Participant, Role, Score, User
    from core.services import phases, scoring, workshops
    from core.services.accounts import actor_for_username, hash_password
    from core.settings import PROJECT_ROOT
    from core.templates import load_templates

    upgrade(url)
    rnd = random.Random(7)
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
        phases.start(session=session, actor=actor, workshop_id=workshop.id)
        for i in range(CANDIDATES):
            session.add(Card(collective_id=collective.id, workshop_id=workshop.id,
                             kind=CardKind.IDEA.value, text=f"Idée numéro {i} pour le bourg"))
        for p in range(PARTICIPANTS):
            session.add(Participant(workshop_id=workshop.id, display_name=f"P{p}",
                                    name_key=f"p{p}", token=f"token-{p:04d}-bench"))
        session.commit()
        ideas = session.exec(select(Card.id)).all()
        criteria = scoring.apply_criteria_set(session=session, actor=actor,
                                              workshop_id=workshop.id,
                                              criteria_set=templates.default_criteria_set)
        candidates = scoring.set_candidates(session=session, actor=actor,
                                            workshop_id=workshop.id, card_ids=list(ideas))
        people = session.exec(select(Participant.id)).all()
        for person in people:
            for candidate in candidates:
                for criterion in criteria:
                    value = None if rnd.random() < 0.08 else rnd.randint(1, 5)
                    session.add(Score(participant_id=person, candidate_id=candidate.id,
                                      criterion_id=criterion.id, value=value))
        session.commit()
        scoring.open_scoring(session=session, actor=actor, workshop_id=workshop.id)
        scoring.reveal_results(session=session, actor=actor, workshop_id=workshop.id)
        specs = [math.CriterionSpec(c.id, c.weight, c.direction, c.axis) for c in criteria]
        entries = [math.ScoreEntry(s.participant_id, s.candidate_id, s.criterion_id, s.value)
                   for s in session.exec(select(Score))]
        ids = [c.id for c in candidates]
        print(f"{len(people)} participants × {len(ids)} candidates × {len(specs)} criteria = "
              f"{len(entries)} scores")
        agg = median_ms(lambda: math.aggregate(specs, ids, entries))
        rob = median_ms(lambda: math.robustness(specs, ids, entries))
        print(f"  aggregation               median {agg[0]:.0f} ms (max {agg[1]:.0f})")
        print(f"  robustness (18 rankings)  median {rob[0]:.0f} ms (max {rob[1]:.0f})")
        wid = workshop.id

    def service() -> None:
        with session_scope(url=url) as session:
            scoring.results(session=session, actor=actor, workshop_id=wid)

    svc = median_ms(service)
    print(f"  results service (DB + all) median {svc[0]:.0f} ms (max {svc[1]:.0f})")

    original = PagesManager.__init__

    def init(self, *a, **k):  # keep AppTest on st.navigation (see tests/app/conftest.py)
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in dict(authentication_status=True, username="bench", name="Bench",
                           logout=None, workshop_id=wid).items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception, at.exception
    page = median_ms(at.run)
    print(f"  results page rerun        median {page[0]:.0f} ms (max {page[1]:.0f}) "
          "(AppTest, server side, whole script incl. app.py, table and ranking chart)")


if __name__ == "__main__":
    main()
