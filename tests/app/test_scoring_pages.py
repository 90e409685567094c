"""Évaluer (pages/score.py) and Résultats (pages/results.py), facilitator and participant."""

import re

from sqlmodel import select

from core.domain import inputs
from core.domain.models import CardKind, Score, Workshop
from core.services import cards, scoring
from tests.app.conftest import as_participant, as_user, fresh, texts

IDEAS = ["Covoiturage solidaire vers la gare", "Une fête de village au printemps"]


def prepared(db, templates, workshop, state="open"):
    facilitator = workshop["facilitator"]
    wid = workshop["workshop_id"]
    ideas = [cards.add_card(session=db, actor=facilitator, workshop_id=wid,
                            card_in=inputs.CardCreate(text=t, kind=CardKind.IDEA),
                            templates=templates) for t in IDEAS]
    scoring.apply_criteria_set(session=db, actor=facilitator, workshop_id=wid,
                               criteria_set=templates.criteria_sets["impact-effort"])
    candidates = scoring.set_candidates(session=db, actor=facilitator, workshop_id=wid,
                                        card_ids=[i.id for i in ideas])
    if state == "open":
        scoring.open_vote(session=db, actor=facilitator, workshop_id=wid)
    board = scoring.scoring_board(session=db, actor=facilitator, workshop_id=wid)
    return [c.id for c in candidates], {c.key: c.id for c in board.criteria}


def page(new_app, workshop_id, path, user="camille"):
    at = as_user(new_app(), user)
    at.session_state["workshop_id"] = workshop_id
    at.run()
    at.switch_page(path).run()
    assert not at.exception
    return at


def test_facilitator_prepares_and_opens_the_vote(new_app, db, templates,
                                                 running_workshop_app):
    wid = running_workshop_app["workshop_id"]
    for text in IDEAS:
        cards.add_card(session=db, actor=running_workshop_app["facilitator"], workshop_id=wid,
                       card_in=inputs.CardCreate(text=text,
                                                 kind=CardKind.IDEA), templates=templates)
    at = page(new_app, wid, "pages/score.py")
    at.selectbox(key="criteria_set").select("impact-effort").run()
    at.button(key="apply_set").click().run()
    assert "Impact" in texts(at) and "Effort" in texts(at)
    at.multiselect(key="candidate_ideas").select(1).select(2)
    at.button(key="FormSubmitter:candidates-Enregistrer les pistes").click().run()
    at.button(key="open_vote").click().run()
    assert not at.exception
    fresh(db)
    assert db.get(Workshop, wid).scoring_state == "open"
    board = scoring.scoring_board(session=db, actor=running_workshop_app["facilitator"],
                                  workshop_id=wid)
    assert [c.title for c in board.candidates] == IDEAS
    assert "Ont terminé : 0 / 1" in "".join(str(h.proto.body) for h in at.get("html"))


def test_the_vote_opens_in_one_click_with_the_set_shown(new_app, db, templates,
                                                       running_workshop_app):
    """Candidates chosen, no criteria set applied: "Ouvrir le vote" opens it with the set
    the page shows (the default one), without "Utiliser ce jeu" first."""
    wid = running_workshop_app["workshop_id"]
    idea = cards.add_card(session=db, actor=running_workshop_app["facilitator"],
                          workshop_id=wid, templates=templates,
                          card_in=inputs.CardCreate(text=IDEAS[0], kind=CardKind.IDEA))
    scoring.set_candidates(session=db, actor=running_workshop_app["facilitator"],
                           workshop_id=wid, card_ids=[idea.id])
    at = page(new_app, wid, "pages/score.py")
    assert at.selectbox(key="criteria_set").value == templates.default_criteria_set.key
    at.button(key="open_vote").click().run()
    assert not at.exception and not at.error
    fresh(db)
    assert db.get(Workshop, wid).scoring_state == "open"
    board = scoring.scoring_board(session=db, actor=running_workshop_app["facilitator"],
                                  workshop_id=wid)
    assert [c.key for c in board.criteria] == [
        c.key for c in templates.default_criteria_set.criteria]


def test_participant_scores_and_abstains(new_app, db, templates, running_workshop_app):
    candidates, criteria = prepared(db, templates, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/score.py").run()
    assert not at.exception
    assert "Covoiturage solidaire vers la gare" in texts(at)
    at.segmented_control(key=f"score_{candidates[0]}_{criteria['impact']}").set_value(4).run()
    at.segmented_control(key=f"score_{candidates[0]}_{criteria['effort']}").set_value("?").run()
    assert not at.exception
    fresh(db)
    stored = {(s.criterion_id, s.value) for s in db.exec(select(Score))}
    assert stored == {(criteria["impact"], 4), (criteria["effort"], None)}
    assert at.get("progress")[0].proto.text == "2 / 4 réponses données"
    # The results stay hidden from her.
    at.switch_page("pages/results.py").run()
    assert "quand l'animateur·rice les révélera" in texts(at)
    assert not at.dataframe


def test_a_closed_vote_refuses_scores(new_app, db, templates, running_workshop_app):
    candidates, criteria = prepared(db, templates, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/score.py").run()
    scoring.close_vote(session=fresh(db), actor=running_workshop_app["facilitator"],
                          workshop_id=running_workshop_app["workshop_id"])
    at.segmented_control(key=f"score_{candidates[0]}_{criteria['impact']}").set_value(5).run()
    assert "Le vote est clos" in texts(at)
    fresh(db)
    assert db.exec(select(Score)).all() == []


def test_a_click_no_callback_handled_is_sent_not_shown_as_given(new_app, db, templates,
                                                                running_workshop_app):
    """The vote closes and the phone's ballot is drawn disabled; a click sent just before
    arrives after: Streamlit runs no callback for a disabled control (nor for one on a page
    the phone has left: ui/push.keep_late_actions). The ballot sends it itself — refused
    out loud here — instead of showing a 5 that was never stored. A score stored from
    another screen of hers is shown as stored."""
    candidates, criteria = prepared(db, templates, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/score.py").run()
    key = f"score_{candidates[0]}_{criteria['impact']}"
    other = f"score_{candidates[1]}_{criteria['impact']}"
    from core.services.participants import actor_for_token
    scoring.submit_score(session=fresh(db), actor=actor_for_token(db, running_workshop_app[
        "token"]), candidate_id=candidates[1], criterion_id=criteria["impact"], value=2)
    scoring.close_vote(session=fresh(db), actor=running_workshop_app["facilitator"],
                         workshop_id=running_workshop_app["workshop_id"])
    at.run()
    assert at.segmented_control(key=key).disabled
    assert at.segmented_control(key=other).value == 2  # stored from her other screen
    # As the browser sends it (AppTest refuses to click a disabled control: the click was
    # made before the control was drawn disabled).
    at.segmented_control(key=key)._value = 5
    at.run()
    assert not at.exception
    assert "Le vote est clos" in " ".join(e.value for e in at.error)
    assert at.segmented_control(key=key).value is None
    fresh(db)
    assert [(s.candidate_id, s.value) for s in db.exec(select(Score))] == [(candidates[1], 2)]


def test_a_score_the_database_did_not_take_is_not_shown_as_given(
        new_app, db, templates, running_workshop_app, monkeypatch):
    """Another writer holds the database past the wait: the phone says so, and its ballot
    shows what is stored (nothing), not the refused 5 as if it counted."""
    import threading

    from core.storage import db as database

    candidates, criteria = prepared(db, templates, running_workshop_app)
    at = as_participant(new_app(), running_workshop_app["token"]).run()
    at.switch_page("pages/score.py").run()
    key = f"score_{candidates[0]}_{criteria['impact']}"
    monkeypatch.setattr(database, "POOL_WAIT_SECONDS", 0.3)
    held, done = threading.Event(), threading.Event()

    def other_writer() -> None:
        with database._write_gate(database.current_url()):
            held.set()
            done.wait(10)

    threading.Thread(target=other_writer, daemon=True).start()
    held.wait(5)
    try:
        at.segmented_control(key=key).set_value(5).run()
    finally:
        done.set()
    assert "La base de données n'a pas répondu" in " ".join(e.value for e in at.error)
    assert at.segmented_control(key=key).value is None
    fresh(db)
    assert db.exec(select(Score)).all() == []
    at.segmented_control(key=key).set_value(5).run()  # sent again, taken
    assert at.segmented_control(key=key).value == 5
    fresh(db)
    assert [s.value for s in db.exec(select(Score))] == [5]


def test_revealed_results_show_ranking_charts_and_selection(new_app, db, templates,
                                                            running_workshop_app):
    candidates, criteria = prepared(db, templates, running_workshop_app)
    from core.services.participants import actor_for_token
    elise = actor_for_token(db, running_workshop_app["token"])
    for candidate, impact, effort in ((candidates[0], 5, 2), (candidates[1], 2, 4)):
        scoring.submit_score(session=db, actor=elise, candidate_id=candidate,
                             criterion_id=criteria["impact"], value=impact)
        scoring.submit_score(session=db, actor=elise, candidate_id=candidate,
                             criterion_id=criteria["effort"], value=effort)
    at = page(new_app, running_workshop_app["workshop_id"], "pages/results.py")
    assert "Les résultats sont cachés aux participants" in texts(at)
    at.button(key="reveal_results").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Piste"]) == IDEAS and list(table["Rang"]) == [1, 2]
    # Shown the French way (sorted as numbers: the values underneath stay numbers).
    import pyarrow

    shown = pyarrow.ipc.open_stream(
        at.dataframe[0].proto.arrow_data.styler.display_values).read_all().to_pandas()
    scores = [v for v in shown["Score pondéré"] if v]
    assert scores and all(re.fullmatch(r"\d,\d\d", v) for v in scores)
    for view in ("criteria", "matrix", "disagreement", "ranking"):
        at.segmented_control(key="results_view").set_value(view).run()
        assert not at.exception
        drawn = len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart"))
        assert drawn == 1, view
    at.checkbox(key=f"select_{candidates[0]}").check().run()
    fresh(db)
    board = scoring.scoring_board(session=db, actor=running_workshop_app["facilitator"],
                                  workshop_id=running_workshop_app["workshop_id"])
    assert [c.selected for c in board.candidates] == [True, False]
    participant = as_participant(new_app(), running_workshop_app["token"]).run()
    participant.switch_page("pages/results.py").run()
    assert list(participant.dataframe[0].value["Piste"]) == IDEAS

