"""The synthesis of a big workshop: 60 participants, 1,000 cards, 30 candidates × 8 criteria
scored by all, 5 canvases, 40 next steps, and where each project stands with its
collectivité (a diagnostic answered by all, levels recorded, two levers each). Prints the
Synthèse page's server-side rerun (AppTest), the time to build the synthesis, the PDF and
the DOCX, and the chart rendering apart. Targets: page ≤ 300 ms, PDF ≤ 3 s, DOCX ≤ 2 s.

    .venv/bin/python bench/synthesis.py [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import time

from _setup import (
    EVALDATA,
    app_as_facilitator,
    bench_workshop,
    fresh_database,
    median_max,
    timings_ms,
)

PARTICIPANTS, CARDS, CANDIDATES, CRITERIA, CANVASES, ACTIONS = 60, 1000, 30, 8, 5, 40


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = fresh_database()
    import pandas as pd
    from sqlmodel import select

    from core.domain.models import (
        Action,
        CanvasRevision,
        Card,
        CardKind,
        Participant,
        Score,
        Workshop,
        WorkshopStatus,
    )
    from core.outputs import livrable
    from core.outputs.livrable import charts as chart_images
    from core.services import canvases, phases, scoring, synthesis
    from core.storage.db import session_scope
    from ui import screens

    texts = pd.read_csv(EVALDATA / "consultation_an_egalite_fh_2016"
                        / "syntheses_contributions.csv").synthese.astype(str).tolist()
    rnd = random.Random(11)
    with session_scope(write=True, url=url) as session:
        bench = bench_workshop(session, "soiree-2h")
        wid, actor, templates = bench.workshop_id, bench.actor, bench.templates
        themes = list(templates.themes)
        phases.start(session=session, actor=actor, workshop_id=wid)
        people = [Participant(workshop_id=wid, display_name=f"Personne {p}",
                              name_key=f"personne {p}", token=f"bench-synthesis-{p:04d}")
                  for p in range(PARTICIPANTS)]
        session.add_all(people)
        for i in range(CARDS):
            kind = CardKind.IDEA if i < CANDIDATES else CardKind.NEED
            session.add(Card(collective_id=bench.collective_id, workshop_id=wid, kind=kind,
                             text=texts[i % len(texts)][:400], theme=themes[i % len(themes)],
                             source="atelier", participant_id=None))
        session.commit()
        ideas = [c.id for c in session.exec(select(Card).where(Card.kind == CardKind.IDEA))]
        criteria = scoring.apply_criteria_set(
            session=session, actor=actor, workshop_id=wid,
            criteria_set=templates.default_criteria_set)[:CRITERIA]
        candidates = scoring.set_candidates(session=session, actor=actor, workshop_id=wid,
                                            card_ids=ideas)
        for person in people:
            for candidate in candidates:
                for criterion in criteria:
                    session.add(Score(participant_id=person.id, candidate_id=candidate.id,
                                      criterion_id=criterion.id,
                                      value=None if rnd.random() < 0.08
                                      else rnd.randint(1, 5)))
        session.commit()
        scoring.open_vote(session=session, actor=actor, workshop_id=wid)
        scoring.reveal_results(session=session, actor=actor, workshop_id=wid)
        sections = [s.key for s in templates.default_canvas.sections]
        canvas_ids = []
        for i in range(CANVASES):
            canvas = canvases.start_canvas(session=session, actor=actor, workshop_id=wid,
                                           templates=templates,
                                           candidate_id=candidates[i].id)
            canvas_ids.append(canvas.id)
            for key in sections:
                session.add(CanvasRevision(canvas_id=canvas.id, section_key=key,
                                           text=" ".join(texts[i:i + 3])[:900],
                                           author_name="Bench"))
        for i in range(ACTIONS):
            session.add(Action(collective_id=bench.collective_id, workshop_id=wid,
                               canvas_id=canvas_ids[i % CANVASES] if i % 4 else None,
                               what=texts[i][:200], who=f"Personne {i}",
                               support_wanted="incubateur,collectivite" if i % 3 == 0 else ""))
        session.commit()
        # "Et la collectivité ?": everyone answers about the first canvas; each canvas has
        # a level moved once and two levers made steps.
        from core.domain import inputs
        from core.domain.models import Diagnostic, DiagnosticAnswer, PhaseKind
        from core.services import relation

        index = next(p.position for p in phases.phases_of(session, wid)
                     if p.kind == PhaseKind.DIAGNOSTIC)
        phases.go_to(session=session, actor=actor, workshop_id=wid, index=index)
        phase = phases.current_phase(session, session.get(Workshop, wid))
        round_ = Diagnostic(workshop_id=wid, phase_id=phase.id, gradient_key="collectivite",
                            canvas_id=canvas_ids[0])
        session.add(round_)
        session.flush()
        gradient = templates.gradients["collectivite"]
        signs = [x.key for level in gradient.levels for x in level.signs]
        levels = [level.key for level in gradient.levels]
        for person in people:
            session.add(DiagnosticAnswer(diagnostic_id=round_.id, participant_id=person.id,
                                         canvas_id=canvas_ids[0],
                                         signs=",".join(rnd.sample(signs, 3)),
                                         level=rnd.choice(levels[:3])))
        session.commit()
        for i, canvas_id in enumerate(canvas_ids):
            for level in levels[i % 3:i % 3 + 2]:
                relation.record_level(session=session, actor=actor, canvas_id=canvas_id,
                                      level=level, note="Bench", templates=templates)
            relation.choose_levers(
                session=session, actor=actor, canvas_id=canvas_id, workshop_id=wid,
                templates=templates, picks=[inputs.LeverPick(lever=k) for k in
                                            gradient.levels[i % 3].levers[:2]])
        workshop = session.get(Workshop, wid)
        assert workshop is not None and workshop.status == WorkshopStatus.RUNNING

    def build():
        with session_scope(url=url) as session:
            return synthesis.build(session=session, actor=actor, templates=templates,
                                   lang="fr", workshop_id=wid, anonymous=True)

    print(f"Synthesis of {PARTICIPANTS} participants, {CARDS} cards, {CANDIDATES} candidates × "
          f"{CRITERIA} criteria scored by all, {CANVASES} canvases, {ACTIONS} next steps "
          f"({args.runs} runs each, median / max):")
    built = median_max(timings_ms(build, args.runs))
    print(f"  read the synthesis (database)   {built[0]:6.0f} ms  (max {built[1]:.0f})")
    found = build()
    livrable.write(found, "pdf")  # the first chart pays vl-convert's start (reported below)
    for fmt in ("pdf", "docx", "md"):
        chart_images.RENDER_SECONDS.clear()
        started = time.perf_counter()
        data = livrable.write(found, fmt)
        total = time.perf_counter() - started
        charts_s = sum(chart_images.RENDER_SECONDS)
        print(f"  {fmt.upper():4} {len(data) / 1024:7.0f} KiB   built in {total * 1000:6.0f} ms"
              f"  of which charts {charts_s * 1000:4.0f} ms")
    at = app_as_facilitator(wid, screens.SYNTHESIS.path, timeout=120)
    page = median_max(timings_ms(at.run, args.runs))
    print(f"  Synthèse page rerun (AppTest, server side, whole script incl. app.py) "
          f"{page[0]:.0f} ms (max {page[1]:.0f})")


if __name__ == "__main__":
    main()
