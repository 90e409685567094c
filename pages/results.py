"""Résultats: the ranking the room produced, once the facilitator reveals it — charts,
disagreements to talk about, robustness, CSV export, and the selection for formalisation."""


import pandas as pd
import streamlit as st

from core.domain.models import VoteMode
from core.outputs import charts, spreadsheet
from core.services import scoring
from core.text.i18n import N_, pick
from ui import calls, downloads, legacy_guard, live, render
from ui.i18n import _, lang, ngettext, number
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

screen = open_workshop_screen(_("Results"))
workshop_id = screen.workshop_id
is_facilitator = screen.facilitates
live.follow(workshop_id, screen.state)
board, result = calls.read(scoring.results_view, workshop_id=workshop_id, lang=lang())
st.metric(_("Finished"), f"{board.finished} / {board.voters}")

if not board.revealed:
    if not board.may_reveal:
        st.info(_("The results will appear here when the facilitator reveals them."),
                icon=":material/visibility_off:")
        st.stop()
    st.info(_("The results are hidden from the participants."), icon=":material/visibility_off:")
    reveal_col, peek_col = st.columns(2)
    reveal_col.button(_("Reveal the results"), type="primary", key="reveal_results",
                      on_click=lambda: calls.call(scoring.reveal_results,
                                                    workshop_id=workshop_id))
    if not peek_col.toggle(_("Look before revealing (not on the projector!)"), key="peek"):
        st.stop()

assert result is not None  # facilitators always get them; participants once revealed

def show(chart) -> None:
    """Draw an altair chart with its own large-type config (not Streamlit's theme)."""
    st.altair_chart(chart, width="stretch", theme=None)


titles = {c.id: c.title for c in board.candidates}
evidence = {c.id: c.evidence for c in board.candidates}
criteria = {c.id: pick({"fr": c.name_fr, "en": c.name_en}, lang()) for c in board.criteria}
dots_mode = board.workshop.vote_mode == VoteMode.DOTS

if board.changes:
    with st.expander(_("The criteria changed after the vote began"), icon=":material/edit_note:",
                     expanded=True):
        for change in board.changes:
            if change.change == "weight":
                line = _("{criterion}: weight {old:g} → {new:g}", criterion=change.criterion,
                         old=change.old_weight, new=change.new_weight)
            elif change.change == "added":
                line = _("{criterion}: added", criterion=change.criterion)
            else:
                line = _("{criterion}: removed", criterion=change.criterion)
            st.html(render.line(line))

# --- table and export -------------------------------------------------------------------
if dots_mode:
    table = pd.DataFrame([{_("Rank"): rank, _("Candidate"): titles.get(c, "?"),
                           _("Dots"): total, _("Needs backing it"): evidence.get(c, 0)}
                          for c, total, rank in result.dots])
else:
    table = pd.DataFrame([{
        _("Rank"): r.rank, _("Candidate"): titles.get(r.candidate, "?"),
        _("Weighted score"): None if r.score is None else round(r.score, 2),
        _("Needs backing it"): evidence.get(r.candidate, 0),
        _("Disagreement"): None if r.disagreement is None else round(r.disagreement, 2),
        _("To discuss"): _("yes") if r.flagged else "",
        _("I don't know"): r.abstentions,
        **{name: round(r.criterion_means[c], 2) if c in r.criterion_means else None
           for c, name in criteria.items()},
    } for r in result.scored])
nothing_scored = not dots_mode and all(r.score is None for r in result.scored)
if table.empty or nothing_scored:
    st.info(_("No vote yet."), icon=":material/how_to_vote:")
    st.stop()

leader = table.iloc[0]
st.html(render.line(str(leader[_("Candidate")]), icon_name="emoji_events", size="1.6rem",
                    bold=True))
# Numbers written as the language writes them (4,56 in French), sorted as numbers.
decimals = [name for name in table.columns if table[name].dtype.kind == "f"]


def ranking_html() -> str:
    """The ranking as a list that fits a phone: rank, idea, its score never cut."""
    if dots_mode:
        best = max((float(total) for _c, total, _r in result.dots), default=0.0) or 1.0
        return render.ranking([
            (rank, titles.get(c, "?"), ngettext("{n} dot", "{n} dots", total),
             float(total) / best, "") for c, total, rank in result.dots])
    best = max((r.score or 0.0 for r in result.scored), default=0.0) or 1.0
    return render.ranking([
        (r.rank, titles.get(r.candidate, "?"),
         "—" if r.score is None else _("{score} / 5", score=number(r.score)),
         (r.score or 0.0) / best,
         " · ".join(x for x in (
             ngettext("{n} need backs it", "{n} needs back it", evidence.get(r.candidate, 0)),
             _("to discuss: the room disagrees") if r.flagged else "") if x))
        for r in result.scored])


if is_facilitator:
    st.dataframe(table.style.format(
        {name: lambda v: "" if pd.isna(v) else number(v) for name in decimals}),
        hide_index=True)
else:
    # A phone's width: the list, every score whole; the table, wide, on demand.
    st.html(ranking_html())
    with st.expander(_("Every column")):
        st.dataframe(table.style.format(
            {name: lambda v: "" if pd.isna(v) else number(v) for name in decimals}),
            hide_index=True)
st.download_button(_("Download (CSV)"),
                   spreadsheet.csv_bytes(list(table.columns), table.itertuples(index=False),
                                         lang=lang()),
                   file_name="resultats.csv", mime="text/csv", key="download_results")
if is_facilitator:
    downloads.sheet_button("raw_scores", workshop_id,
                           _("Download the scores per person (CSV)"))

# --- charts -------------------------------------------------------------------------------


def draw_charts() -> None:
    if dots_mode:
        show(charts.dots(result.dots, titles, lang()))
    else:
        # One chart at a time: easier to read on a wall, and only that one is built.
        views = {"ranking": N_("Ranking"), "criteria": N_("Criteria"),
                 "matrix": N_("Impact × feasibility"), "disagreement": N_("Disagreements")}
        view = st.segmented_control(_("View"), list(views), key="results_view",
                                    default="ranking", format_func=lambda v: _(views[v]))
        if view in (None, "ranking"):
            show(charts.ranking(result.scored, titles, lang()))
        elif view == "criteria":
            st.caption(_("Mean per criterion, turned so that 5 is always best (an effort of 1 "
                         "counts 5)."))
            show(charts.heatmap(result.scored, titles, criteria, lang()))
        elif view == "matrix":
            st.caption(_("Up: impact; right: feasibility; the bigger the point, the more needs "
                         "back it."))
            show(charts.matrix(result.scored, titles, evidence, lang()))
        else:
            flagged = [titles.get(r.candidate, "?") for r in result.scored if r.flagged]
            if flagged:
                st.warning(_("The room disagrees about: {names}. Worth talking it over.",
                             names=render.md(", ".join(flagged))), icon=":material/chat:")
            show(charts.disagreement(result.scored, titles, lang()))
        robust = result.robustness
        if robust is not None:
            if robust.robust:
                st.success(_("The first place holds with equal weights and when any weight moves "
                             "by one."), icon=":material/view_module:")
            else:
                lines = []
                if robust.equal_weights_leaders != robust.leaders:
                    lines.append(_("with equal weights: {names}", names=", ".join(
                        titles.get(c, "?") for c in robust.equal_weights_leaders)))
                for criterion, delta, new in robust.changes:
                    lines.append(_("{criterion} {delta:+d}: {names}",
                                   criterion=criteria.get(criterion, "?"), delta=delta,
                                   names=", ".join(titles.get(c, "?") for c in new)))
                st.warning(_("The first place is fragile; it changes…"), icon=":material/balance:")
                st.html(render.bullet_list(lines))


if is_facilitator:
    draw_charts()
else:
    # On a phone the list above is the ranking; the charts stay a tap away.
    with st.expander(_("Charts"), icon=":material/bar_chart:"):
        draw_charts()

# --- selection for formalisation ----------------------------------------------------------
st.header(_("Going on to formalisation"))
for candidate in board.candidates:
    if is_facilitator:
        st.checkbox(render.md(candidate.title), value=candidate.selected,
                    key=f"select_{candidate.id}", on_change=lambda c=candidate.id: calls.call(
                        scoring.set_selected, candidate_id=c,
                        selected=st.session_state[f"select_{c}"]))
    elif candidate.selected:
        st.html(render.line(candidate.title, icon_name="check_circle"))
