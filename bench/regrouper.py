"""Server-side rerun time of the Regrouper page with 500 cards in 8 groups (AppTest,
median of several reruns). Prints figures.

    .venv/bin/python bench/regrouper.py [--cards 500]
"""

from __future__ import annotations

import argparse

from _setup import (
    EVALDATA,
    app_as_facilitator,
    bench_workshop,
    fresh_database,
    median_max,
    timings_ms,
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = fresh_database()
    import pandas as pd

    from core.domain.models import Card, CardKind
    from core.services import clusters
    from core.storage.db import session_scope
    from ui import screens

    texts = pd.read_csv(EVALDATA / "consultation_an_egalite_fh_2016"
                        / "syntheses_contributions.csv").synthese.astype(str).tolist()
    texts = texts[: args.cards]
    with session_scope(write=True, url=url) as session:
        bench = bench_workshop(session)
        for text in texts:
            session.add(Card(collective_id=bench.collective_id, workshop_id=bench.workshop_id,
                             kind=CardKind.IDEA, text=text[:500]))
        session.commit()
        proposal = clusters.suggest(session=session, actor=bench.actor,
                                    workshop_id=bench.workshop_id, k=8)
        named = [clusters.ProposedGroup(p.name or "Divers", p.card_ids) for p in proposal]
        clusters.accept_groups(session=session, actor=bench.actor,
                               workshop_id=bench.workshop_id, groups=named)

    at = app_as_facilitator(bench.workshop_id, screens.GROUP.path, timeout=60)
    median, worst = median_max(timings_ms(at.run, args.runs))
    print(f"Regrouper, {len(texts)} idea cards in 8 groups: rerun median {median:.0f} ms, "
          f"max {worst:.0f} ms over {args.runs} reruns (AppTest, server side, whole script "
          "incl. app.py)")


if __name__ == "__main__":
    main()
