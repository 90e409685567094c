"""Two participants score in their own browsers; the facilitator reveals their ranking."""

from sqlmodel import col, select

from core.domain import inputs
from core.domain.models import Card, CardKind, PhaseKind, Score, VoteMode
from core.services import cards, phases, scoring
from core.services.accounts import actor_for_username
from core.storage.db import session_scope
from tests.browser.conftest import (
    ADMIN,
    ARTIFACTS,
    DEMO_WORKSHOP,
    box_of,
    font_px,
    guide_shot,
    join,
    login,
    wait_idle,
)

IDEAS = ["Un repair café mensuel", "Une épicerie solidaire au bourg"]


def prepare(server, mode: VoteMode = VoteMode.SCORES):
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        workshop = session.exec(DEMO_WORKSHOP).one()
        phases.start(session=session, actor=admin, workshop_id=workshop.id)
        templates = __import__("core.domain.templates", fromlist=["x"]).load_templates(
            __import__("core.settings", fromlist=["x"]).PROJECT_ROOT / "data")
        ideas = [cards.add_card(session=session, actor=admin, workshop_id=workshop.id,
                                card_in=inputs.CardCreate(text=t, kind=CardKind.IDEA),
                                templates=templates) for t in IDEAS]
        scoring.apply_criteria_set(session=session, actor=admin, workshop_id=workshop.id,
                                   criteria_set=templates.criteria_sets["impact-effort"])
        candidates = scoring.set_candidates(session=session, actor=admin,
                                            workshop_id=workshop.id,
                                            card_ids=[i.id for i in ideas])
        if mode != VoteMode.SCORES:
            scoring.configure_votes(session=session, actor=admin, workshop_id=workshop.id,
                                    mode=mode, dots_per_person=5)
        scoring.open_vote(session=session, actor=admin, workshop_id=workshop.id)
        return workshop.id, workshop.join_code, [c.id for c in candidates]


def vote(page, candidate_id, values):
    """Click a value for each criterion of one candidate ("1"…"5" or "Je ne sais pas")."""
    block = page.locator(f".st-key-candidate-{candidate_id}")
    groups = block.locator('[data-testid="stButtonGroup"]')
    for index, value in enumerate(values):
        groups.nth(index).get_by_role("radio", name=value, exact=True).click()
        wait_idle(page)


def test_two_participants_score_and_the_facilitator_reveals(server, new_context):
    workshop_id, code, candidates = prepare(server)
    ballots = {"Paulette": {candidates[0]: ("5", "1"), candidates[1]: ("2", "4")},
               "Marcel": {candidates[0]: ("4", "Je ne sais pas"), candidates[1]: ("3", "3")}}
    for name, ballot in ballots.items():
        page = new_context(viewport={"width": 420, "height": 900}).new_page()
        token = join(page, server.url, code, name)
        page.goto(f"{server.url}/score?p={token}")
        page.get_by_role("heading", name="Mon vote").wait_for()
        wait_idle(page)
        for candidate, values in ballot.items():
            vote(page, candidate, values)
        page.get_by_text("4 / 4 réponses données").wait_for()
        if name == "Paulette":
            guide_shot(page, "telephone-vote")
        # Before the reveal, a participant sees no result.
        page.goto(f"{server.url}/results?p={token}")
        page.get_by_text("quand l'animateur·rice les révélera").wait_for()
    with session_scope(url=server.database_url) as session:
        assert len(session.exec(select(Score).where(
            col(Score.candidate_id).in_(candidates))).all()) == 8

    facilitator = new_context(viewport={"width": 1600, "height": 1000}).new_page()
    login(facilitator, server.url)
    facilitator.goto(f"{server.url}/results?w={workshop_id}")
    wait_idle(facilitator)
    facilitator.get_by_text("2 / 2").wait_for()
    facilitator.get_by_role("button", name="Révéler les résultats").click()
    wait_idle(facilitator)
    # Repair café: impact (5+4)/2 = 4.5, effort 1 → 5 (Marcel abstains): 4.75.
    # Épicerie: impact 2.5, effort (4, 3) → (2, 3): 2.5 → 2.5. The repair café leads.
    leader = facilitator.get_by_text(IDEAS[0]).filter(has_text="emoji_events").first
    leader.wait_for()  # first, with the trophy (Material Symbols' "emoji_events")
    with session_scope(url=server.database_url) as session:
        titles = {c.id: c.text for c in session.exec(select(Card))}
        result = scoring.results(session=session, actor=actor_for_username(session, ADMIN),
                                 workshop_id=workshop_id)
        assert [titles[c.card_id] for r in result.scored
                for c in result.board.candidates if c.id == r.candidate] == IDEAS
        assert abs(result.scored[0].score - 4.75) < 1e-9

    # The wall shows the ranking with its scores, written the French way, and bars.
    with session_scope(write=True, url=server.database_url) as session:
        admin = actor_for_username(session, ADMIN)
        index = next(p.position for p in phases.phases_of(session, workshop_id)
                     if p.kind == PhaseKind.SCORE)
        phases.go_to(session=session, actor=admin, workshop_id=workshop_id, index=index)
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    wait_idle(wall)
    rows = wall.locator(".fab-rank-row")
    rows.first.wait_for()
    assert rows.count() == 2
    assert rows.nth(0).locator(".fab-rank-score").inner_text() == "4,75 / 5"
    assert rows.nth(1).locator(".fab-rank-score").inner_text() == "2,50 / 5"
    widths = [box_of(rows.nth(i).locator(".fab-rank-bar > div"))["width"]
              for i in range(2)]
    assert widths[0] > widths[1] > 0
    assert font_px(rows.nth(0)) >= 32
    wall.screenshot(path=str(ARTIFACTS / "projector-results.png"))


def test_the_facilitators_vote_progress_follows_the_ballots(server, new_context):
    """"Ont terminé" moves on the facilitator's Évaluer page as ballots come in, without a
    reload (the wall and this page say the same)."""
    import time

    from core.services import participants

    workshop_id, code, candidates = prepare(server)
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    login(page, server.url)
    with session_scope(write=True, url=server.database_url) as session:
        voter = participants.join_workshop(session=session, code=code, display_name="Lucie")
        actor = participants.actor_for_token(session, voter.token)
    page.goto(f"{server.url}/score?w={workshop_id}")
    wait_idle(page)
    page.get_by_text("Ont terminé : 0 / 1").wait_for()
    with session_scope(write=True, url=server.database_url) as session:
        board = scoring.scoring_board(session=session, actor=actor, workshop_id=workshop_id)
        for candidate in candidates:
            for criterion in board.criteria:
                scoring.submit_score(session=session, actor=actor, candidate_id=candidate,
                                     criterion_id=criterion.id, value=3)
    start = time.monotonic()
    page.get_by_text("Ont terminé : 1 / 1").wait_for(timeout=10_000)
    assert time.monotonic() - start < 3


def test_the_wall_ranks_a_vote_by_dots(server, new_context):
    """In a vote by dots the wall's ranking counts dots, with bars."""
    from core.services import participants

    workshop_id, code, candidates = prepare(server, VoteMode.DOTS)
    with session_scope(write=True, url=server.database_url) as session:
        for name, dots in (("Lucie", (1, 4)), ("Paul", (2, 3))):
            voter = participants.join_workshop(session=session, code=code, display_name=name)
            actor = participants.actor_for_token(session, voter.token)
            for candidate, n in zip(candidates, dots, strict=True):
                scoring.set_dots(session=session, actor=actor, candidate_id=candidate, dots=n)
        admin = actor_for_username(session, ADMIN)
        index = next(p.position for p in phases.phases_of(session, workshop_id)
                     if p.kind == PhaseKind.SCORE)
        phases.go_to(session=session, actor=admin, workshop_id=workshop_id, index=index)
        scoring.close_vote(session=session, actor=admin, workshop_id=workshop_id)
        scoring.reveal_results(session=session, actor=admin, workshop_id=workshop_id)
    wall = new_context(viewport={"width": 1920, "height": 1080}).new_page()
    login(wall, server.url)
    wall.goto(f"{server.url}/projector?w={workshop_id}")
    rows = wall.locator(".fab-rank-row")
    rows.first.wait_for()
    wait_idle(wall)
    assert rows.count() == 2
    assert [rows.nth(i).locator(".fab-rank-title").inner_text() for i in range(2)] == [
        IDEAS[1], IDEAS[0]]
    assert [rows.nth(i).locator(".fab-rank-score").inner_text() for i in range(2)] == [
        "7 gommettes", "3 gommettes"]
    widths = [box_of(rows.nth(i).locator(".fab-rank-bar > div"))["width"]
              for i in range(2)]
    assert widths[0] > 2 * widths[1] > 0
    wall.screenshot(path=str(ARTIFACTS / "projector-results-dots.png"))
