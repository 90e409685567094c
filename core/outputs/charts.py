"""Charts of scoring results, built with altair (no Streamlit): shown on the results page
and reusable in exports. Large type, for a projector."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from core.analysis.scoring_math import DISAGREEMENT_FLAG, SCALE_MAX, SCALE_MIN, CandidateResult
from core.text.i18n import N_, translate

LABEL_CHARS = 48
WHOLE = list(range(SCALE_MIN, SCALE_MAX + 1))
Chart = alt.Chart | alt.LayerChart
FONT = 16


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten a title for an axis label."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number_locale(lang: str) -> dict:
    """Vega's number locale for ``lang`` (Babel's symbols): "2,5" on a French axis."""
    return {"decimal": get_decimal_symbol(lang), "thousands": get_group_symbol(lang),
            "grouping": [3], "currency": ["", ""]}


def _style(chart: Chart, lang: str) -> Chart:
    """Large type for a projector (show with ``theme=None`` so this config applies), numbers
    written for the language."""
    return chart.configure(font="Source Sans Pro, sans-serif",
                           locale={"number": number_locale(lang)}).configure_axis(
        labelFontSize=FONT, titleFontSize=FONT + 2, labelLimit=420, labelColor="#212529",
        titleColor="#212529", gridColor="#e9ecef",
    ).configure_legend(labelFontSize=FONT, titleFontSize=FONT).configure_view(strokeWidth=0)


def _said(data: pd.DataFrame, lang: str, *columns: str) -> pd.DataFrame:
    """Add a "label" column: what a mark shows, in words, for a screen reader (Vega writes
    it as the mark's aria-label), e.g. "Une recyclerie: 4,25"."""
    data = data.copy()
    data["label"] = [
        f"{row[0]}: " + ", ".join(format_decimal(v, locale=lang) for v in row[1:])
        for row in data[list(columns)].itertuples(index=False)]
    return data


def ranking(results: Sequence[CandidateResult], titles: dict[int, str],
            lang: str) -> Chart:
    """Bar chart of the weighted score, best first."""
    data = pd.DataFrame([
        {"candidate": short(titles.get(r.candidate, "?")), "score": round(r.score, 2),
         "rank": r.rank} for r in results if r.score is not None])
    if data.empty:
        data = pd.DataFrame(columns=["candidate", "score", "rank"])
    order = list(data["candidate"])
    bars = alt.Chart(_said(data, lang, "candidate", "score")).mark_bar(color="#b03a0a").encode(
        description=alt.Description("label:N"),
        x=alt.X("score:Q", title=translate(lang, N_("Weighted score (1–5)")),
                scale=alt.Scale(domain=[0, SCALE_MAX]), axis=alt.Axis(values=[0, *WHOLE])),
        y=alt.Y("candidate:N", sort=order, title=None),
        tooltip=["rank", "candidate", "score"],
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=FONT, fontWeight="bold").encode(
        text="score:Q")
    return _style((bars + labels).properties(height=max(120, 48 * len(order))), lang)


def heatmap(results: Sequence[CandidateResult], titles: dict[int, str],
            criteria: dict[int, str], lang: str) -> Chart:
    """Criterion × candidate grid of mean scores (oriented: 5 is always best)."""
    rows = [{"candidate": short(titles.get(r.candidate, "?"), 36),
             "criterion": short(criteria[c], 28), "mean": round(m, 1)}
            for r in results for c, m in r.criterion_means.items() if c in criteria]
    data = pd.DataFrame(rows, columns=["candidate", "criterion", "mean"])
    data["cell"] = data["candidate"] + ", " + data["criterion"]
    data = _said(data, lang, "cell", "mean")
    base = alt.Chart(data).encode(
        x=alt.X("criterion:N", title=None, sort=[short(v, 28) for v in criteria.values()],
                axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("candidate:N", title=None,
                sort=[short(titles.get(r.candidate, "?"), 36) for r in results]),
    )
    cells = base.mark_rect().encode(
        description=alt.Description("label:N"),
        color=alt.Color("mean:Q", title=translate(lang, N_("Mean")),
                        scale=alt.Scale(domain=[SCALE_MIN, SCALE_MAX], scheme="orangered")))
    text = base.mark_text(fontSize=FONT).encode(
        text="mean:Q",
        color=alt.condition(alt.datum.mean >= 3.5, alt.value("white"), alt.value("black")))
    return _style((cells + text).properties(height=max(120, 44 * len(results))), lang)


def matrix(results: Sequence[CandidateResult], titles: dict[int, str],
           evidence: dict[int, int], lang: str) -> Chart:
    """Impact (up) by feasibility (right); a point's size is the needs backing it."""
    rows = [{"candidate": short(titles.get(r.candidate, "?"), 30),
             "impact": round(r.axes["impact"], 2),
             "feasibility": round(r.axes["feasibility"], 2),
             "needs": evidence.get(r.candidate, 0)}
            for r in results if "impact" in r.axes and "feasibility" in r.axes]
    data = pd.DataFrame(rows, columns=["candidate", "impact", "feasibility", "needs"])
    scale = alt.Scale(domain=[SCALE_MIN, SCALE_MAX], zero=False, nice=False)
    points = alt.Chart(_said(data, lang, "candidate", "impact", "feasibility")).mark_circle(
        color="#b03a0a", opacity=0.75).encode(
        description=alt.Description("label:N"),
        x=alt.X("feasibility:Q", title=translate(lang, N_("Feasibility")), scale=scale,
                axis=alt.Axis(values=WHOLE)),
        y=alt.Y("impact:Q", title=translate(lang, N_("Impact")), scale=scale,
                axis=alt.Axis(values=WHOLE)),
        size=alt.Size("needs:Q", title=translate(lang, N_("Needs backing it")),
                      scale=alt.Scale(range=[150, 2400], zero=True)),
        tooltip=["candidate", "impact", "feasibility", "needs"],
    )
    labels = points.mark_text(align="left", dx=14, fontSize=FONT, color="#212529").encode(
        text="candidate:N", size=alt.value(FONT))
    middle = (SCALE_MIN + SCALE_MAX) / 2
    rules = alt.Chart(pd.DataFrame({"v": [middle]})).mark_rule(
        color="#adb5bd", strokeDash=[6, 4])
    return _style((rules.encode(x="v:Q") + rules.encode(y="v:Q") + points + labels)
                  .properties(height=520), lang)


def disagreement(results: Sequence[CandidateResult], titles: dict[int, str],
                 lang: str) -> Chart:
    """Bar chart of the spread of scores; bars past the flag line are worth discussing."""
    data = pd.DataFrame([
        {"candidate": short(titles.get(r.candidate, "?")),
         "spread": round(r.disagreement, 2), "flagged": r.flagged}
        for r in results if r.disagreement is not None],
        columns=["candidate", "spread", "flagged"])
    bars = alt.Chart(_said(data, lang, "candidate", "spread")).mark_bar().encode(
        description=alt.Description("label:N"),
        x=alt.X("spread:Q", title=translate(lang, N_("Disagreement (spread of scores)"))),
        y=alt.Y("candidate:N", sort="-x", title=None),
        color=alt.condition(alt.datum.flagged, alt.value("#e03131"), alt.value("#adb5bd")),
    )
    flag = alt.Chart(pd.DataFrame({"v": [DISAGREEMENT_FLAG]})).mark_rule(
        color="#e03131", strokeDash=[6, 4]).encode(x="v:Q")
    return _style((bars + flag).properties(height=max(120, 44 * len(data))), lang)


def dots(totals: Sequence[tuple[int, int, int | None]], titles: dict[int, str],
         lang: str) -> Chart:
    """Bar chart of dots per candidate."""
    data = pd.DataFrame([{"candidate": short(titles.get(c, "?")), "dots": n}
                         for c, n, _ in totals], columns=["candidate", "dots"])
    bars = alt.Chart(_said(data, lang, "candidate", "dots")).mark_bar(color="#b03a0a").encode(
        description=alt.Description("label:N"),
        x=alt.X("dots:Q", title=translate(lang, N_("Dots"))),
        y=alt.Y("candidate:N", sort="-x", title=None))
    labels = bars.mark_text(align="left", dx=6, fontSize=FONT, fontWeight="bold").encode(
        text="dots:Q")
    return _style((bars + labels).properties(height=max(120, 48 * len(data))), lang)


def scale(labels: Sequence[str], counts: Sequence[int], agreed: int | None,
          lang: str) -> Chart:
    """Bar chart of a gradient's scale, lowest level at the top: how many said each level,
    the level agreed in the darker colour (named in each bar's description too)."""
    agreed_word = translate(lang, N_("agreed"))
    data = pd.DataFrame([{"level": label, "people": count,
                          "agreed": agreed_word if i == agreed else ""}
                         for i, (label, count) in enumerate(zip(labels, counts, strict=True))])
    data["label"] = [f"{row.level}: {row.people}" + (f" ({agreed_word})" if row.agreed else "")
                     for row in data.itertuples(index=False)]
    bars = alt.Chart(data).mark_bar().encode(
        description=alt.Description("label:N"),
        x=alt.X("people:Q", title=translate(lang, N_("People")),
                scale=alt.Scale(domain=[0, max(1, *counts)]),
                axis=alt.Axis(values=list(range(max(1, *counts) + 1)), format="d",
                              labelOverlap=False)),
        y=alt.Y("level:N", sort=list(labels), title=None),
        color=alt.condition(alt.datum.agreed != "", alt.value("#b03a0a"),
                            alt.value("#f0a27a")),
        tooltip=["level", "people"],
    )
    text = bars.mark_text(align="left", dx=6, fontSize=FONT, fontWeight="bold").encode(
        text="people:Q", color=alt.value("#212529"))
    return _style((bars + text).properties(height=48 * len(labels)), lang)
