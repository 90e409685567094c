"""Server-side rerun time of the Explorer board with 1,000 cards (p50 / p95, AppTest),
next to a bare Streamlit page drawing 1,000 elements. Target: p95 ≤ 150 ms.

    .venv/bin/python bench/board.py [--cards 1000] [--runs 30]
"""

from __future__ import annotations

import argparse

from _setup import (
    EVALDATA,
    app_as_facilitator,
    app_as_participant,
    bench_workshop,
    fresh_database,
    p50_p95,
    timings_ms,
)

BARE = """
import streamlit as st
for i in range({n}):
    st.markdown(f"Carte {{i}} : un besoin du territoire, écrit par quelqu'un.")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    url = fresh_database()
    import pandas as pd
    from streamlit.testing.v1 import AppTest

    from core.domain.models import Card, CardKind, PhaseKind
    from core.services import participants, phases
    from core.storage.db import session_scope
    from ui import screens

    texts = pd.read_csv(EVALDATA / "consultation_an_egalite_fh_2016"
                        / "syntheses_contributions.csv").synthese.astype(str).tolist()
    with session_scope(write=True, url=url) as session:
        bench = bench_workshop(session)
        themes = list(bench.templates.themes)
        for i in range(args.cards):
            session.add(Card(collective_id=bench.collective_id, workshop_id=bench.workshop_id,
                             kind=CardKind.NEED, text=texts[i % len(texts)][:500],
                             theme=themes[i % len(themes)]))
        session.commit()
        phases.start(session=session, actor=bench.actor, workshop_id=bench.workshop_id)
        index = next(p.position for p in phases.phases_of(session, bench.workshop_id)
                     if p.kind == PhaseKind.EXPLORE)
        phases.go_to(session=session, actor=bench.actor, workshop_id=bench.workshop_id,
                     index=index)
        token = participants.join_workshop(session=session, code=bench.join_code,
                                           display_name="Paulette").token

    print(f"Explorer board with {args.cards} cards, {args.runs} reruns each "
          "(AppTest, server side, whole script incl. app.py):")
    facilitator = app_as_facilitator(bench.workshop_id, screens.EXPLORE.path)
    p50, p95 = p50_p95(timings_ms(facilitator.run, args.runs))
    print(f"  facilitator      p50 {p50:.0f} ms  p95 {p95:.0f} ms")
    participant = app_as_participant(token)
    p50, p95 = p50_p95(timings_ms(participant.run, args.runs))
    print(f"  participant      p50 {p50:.0f} ms  p95 {p95:.0f} ms")
    bare = AppTest.from_string(BARE.format(n=args.cards), default_timeout=120)
    bare.run()
    p50, p95 = p50_p95(timings_ms(bare.run, args.runs))
    print(f"  bare Streamlit page, {args.cards} st.markdown elements: "
          f"p50 {p50:.0f} ms  p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
