"""Results of a big vote: 60 participants × 30 candidates × 8 criteria (14,400 scores).
Prints the aggregation time, the results service time (database included) and the
server-side rerun time of the results page (AppTest). Target: under 300 ms.

    .venv/bin/python bench/results.py
"""

from __future__ import annotations

import random

from _setup import app_as_facilitator, bench_workshop, fresh_database, median_max, timings_ms

PARTICIPANTS, CANDIDATES = 60, 30


def median_ms(function, runs: int = 7) -> tuple[float, float]:
    return median_max(timings_ms(function, runs))


def main() -> None:
    url = fresh_database()
    from sqlmodel import select

    from core.analysis import scoring_math as math
    from core.domain.models import Card, CardKind, Participant, Score
    from core.services import phases, scoring
    from core.storage.db import session_scope
    from ui import screens

    rnd = random.Random(7)
    with session_scope(write=True, url=url) as session:
        bench = bench_workshop(session)
        actor, templates = bench.actor, bench.templates
        collective_id = bench.collective_id
        phases.start(session=session, actor=actor, workshop_id=bench.workshop_id)
        for i in range(CANDIDATES):
            session.add(Card(collective_id=collective_id, workshop_id=bench.workshop_id,
                             kind=CardKind.IDEA, text=f"Idée numéro {i} pour le bourg"))
        for p in range(PARTICIPANTS):
            session.add(Participant(workshop_id=bench.workshop_id, display_name=f"P{p}",
                                    name_key=f"p{p}", token=f"token-{p:04d}-bench"))
        session.commit()
        ideas = session.exec(select(Card.id)).all()
        criteria = scoring.apply_criteria_set(session=session, actor=actor,
                                              workshop_id=bench.workshop_id,
                                              criteria_set=templates.default_criteria_set)
        candidates = scoring.set_candidates(session=session, actor=actor,
                                            workshop_id=bench.workshop_id, card_ids=list(ideas))
        people = session.exec(select(Participant.id)).all()
        for person in people:
            for candidate in candidates:
                for criterion in criteria:
                    value = None if rnd.random() < 0.08 else rnd.randint(1, 5)
                    session.add(Score(participant_id=person, candidate_id=candidate.id,
                                      criterion_id=criterion.id, value=value))
        session.commit()
        scoring.open_vote(session=session, actor=actor, workshop_id=bench.workshop_id)
        scoring.reveal_results(session=session, actor=actor, workshop_id=bench.workshop_id)
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
        wid = bench.workshop_id

    def service() -> None:
        with session_scope(url=url) as session:
            scoring.results(session=session, actor=actor, workshop_id=wid)

    svc = median_ms(service)
    print(f"  results service (DB + all) median {svc[0]:.0f} ms (max {svc[1]:.0f})")

    at = app_as_facilitator(wid, screens.RESULTS.path, timeout=60)
    page = median_ms(at.run)
    print(f"  results page rerun        median {page[0]:.0f} ms (max {page[1]:.0f}) "
          "(AppTest, server side, whole script incl. app.py, table and ranking chart)")


if __name__ == "__main__":
    main()
