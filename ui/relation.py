"""Drawing where a project stands with its collectivité: the answers on the gradient's
scale, a project's level and path, the levers as cards (``core/services/relation`` decides
what is shown and who may act; this draws it)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.analysis.gradient_math import Tally
from core.domain import inputs
from core.domain.templates import Gradient, GradientLever
from core.outputs import charts
from core.services import relation
from core.services.relation import RelationView
from ui import calls, client_keys, render, startup
from ui.i18n import _, date_label, lang, ngettext, number


def gradient(key: str = relation.DEFAULT_GRADIENT) -> Gradient:
    return relation.gradient_of(startup.templates(), key)


def level_label(g: Gradient, key: str | None) -> str:
    return relation.level_label(g, key, lang()) if key else _("not recorded yet")


def signs_in_turn(g: Gradient) -> list[str]:
    """The signs one level after the other in turn (d1, o1, c1, p1, d2…): listed by level,
    a person would tick a level rather than what they see."""
    columns = [[s.key for s in level.signs] for level in g.levels]
    out = []
    for row in range(max(len(c) for c in columns)):
        out += [c[row] for c in columns if row < len(c)]
    return out


def path_text(g: Gradient, view: RelationView) -> str:
    """"Observation (12 mars) → Collaboration (3 juin)": the level's moves."""
    return " → ".join(f"{level_label(g, step.level)} ({date_label(step.created_at)})"
                      for step in view.path())


def tally(g: Gradient, found: Tally, agreed: str | None = None) -> None:
    """The answers together: the chart of the scale, how far apart, the signs most ticked."""
    if not found.answered:
        st.caption(_("Nobody has answered yet."))
        return
    labels = [level.label(lang()) for level in g.levels]
    counts = [found.counts[level.key] for level in g.levels]
    index = g.index(agreed) if agreed else g.index(found.most_said or "")
    st.altair_chart(charts.scale(labels, counts, index if index >= 0 else None, lang()),
                    width="stretch", theme=None)
    st.caption(_("{said} — how far apart: {spread} level (0: everyone said the same level).",
                 said=", ".join(f"{label} {n}" for label, n in zip(labels, counts,
                                                                    strict=True)),
                 spread=number(found.spread or 0.0, 1)))
    if found.signs:
        st.html(render.heading(_("Signs most recognised")) + render.bullet_list([
            f"{relation.sign_text(g, key, lang())} — {n}" for key, n in found.signs[:5]]))


def lever_card(lever: GradientLever) -> str:
    supports = [startup.templates().support_label(k, lang()) for k in lever.supports]
    return render.action_card(
        lever.text(lang()), status="todo", status_label="",
        details=[_("Support: {list}", list=", ".join(supports))] if supports else [])


def choose_levers(g: Gradient, view: RelationView, level: str, workshop_id: int | None) -> None:
    """The levers of ``level`` and of the next, as cards; one to three picked become next
    steps of the project (what, who, by when)."""
    own, after = relation.levers_for(g, level)
    chosen = {a.lever for a in view.levers_chosen}
    prefix = f"levers_{view.canvas_id}"
    calls.show_deferred_error(prefix)
    picked: list[str] = []
    for title, levers in ((_("Levers to move on from “{level}”",
                             level=level_label(g, level)), own),
                          (_("And to prepare the next step"), after)):
        if not levers:
            continue
        st.html(render.heading(title))
        for lever in levers:
            key = f"{g.key}:{lever.key}"
            with st.container(border=True):
                st.html(lever_card(lever))
                if key in chosen:
                    st.caption(_("Already a next step of the project."))
                elif view.may_choose and st.checkbox(_("Choose this lever"),
                                                     key=f"{prefix}_{lever.key}"):
                    picked.append(lever.key)
    if not view.may_choose:
        return
    if not picked:
        st.caption(_("Choose one to three levers: each becomes a next step of the project."))
        return
    if len(picked) > relation.MAX_LEVERS:
        st.warning(_("Choose three levers at most."), icon=":material/warning:")
        return
    with st.form(f"{prefix}_form"):
        st.caption(_("Who takes each lever forward, and by when?"))
        for key in picked:
            lever = g.lever(key)
            assert lever is not None
            st.text_input(_("What"), value=lever.text(lang()), key=f"{prefix}_{key}_what",
                          max_chars=inputs.ACTION_TEXT_MAX)
            who, when = st.columns(2)
            who.text_input(_("Who"), key=f"{prefix}_{key}_who", max_chars=80)
            when.date_input(_("By when"), value=None, key=f"{prefix}_{key}_due",
                            min_value="today", format="DD/MM/YYYY")
        st.form_submit_button(_("Add to the next steps"), type="primary",
                              icon=":material/add_task:", on_click=_add_levers,
                              args=(view.canvas_id, workshop_id, tuple(picked)))
        client_keys.place(prefix)


def _add_levers(canvas_id: int, workshop_id: int | None, picked: Sequence[str]) -> None:
    prefix = f"levers_{canvas_id}"
    state = st.session_state
    done = calls.call(relation.choose_levers, defer_error=prefix, canvas_id=canvas_id,
                      workshop_id=workshop_id, templates=startup.templates(),
                      picks=[inputs.typed(inputs.LeverPick, lever=key,
                                          what=state.get(f"{prefix}_{key}_what", ""),
                                          who=state.get(f"{prefix}_{key}_who", ""),
                                          due_on=state.get(f"{prefix}_{key}_due"))
                             for key in picked])
    if done is not None:
        for key in picked:
            state[f"{prefix}_{key}"] = False
        state[f"{prefix}_added"] = ngettext("{n} next step added.", "{n} next steps added.",
                                            len(done))


def added_notice(canvas_id: int) -> None:
    said = st.session_state.pop(f"levers_{canvas_id}_added", None)
    if said:
        st.success(said, icon=":material/check:")

