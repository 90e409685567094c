"""A porteur's own project on their screen ("chacun son projet"): naming it or joining a
teammate's, "J'ai une question", the facilitator's request to show it on the wall, what
they say of it (commune, supports wanted, interest, sharing), a way to reach them (with
their consent) and the link they hand a teammate. Drawn by the workshop and canvas pages;
every rule is in ``core/services/projects.py``."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.domain import inputs
from core.services import canvas_links, projects
from core.services.projects import ProjectView
from ui import calls, links, render, startup
from ui.i18n import _, lang, moment_label


def interest_label(key: str) -> str:
    """The answer to "interested in the incubation programme?", in this run's language."""
    return {"": "—", "yes": _("Yes"), "maybe": _("Maybe"), "no": _("No")}.get(key, key)


def name_or_join() -> None:
    """Name one's project in one line, or join a teammate's (two or three share one)."""
    st.subheader(_("Your project"))
    calls.show_deferred_error("project_start")
    with st.form("project_start"):
        st.text_input(_("Your project in one line"), key="project_pitch", max_chars=160,
                      placeholder=_("For example: a café-épicerie in the village square"))
        st.form_submit_button(_("Start my canvas"), type="primary",
                              icon=":material/edit_note:", on_click=_start)
    joinable = calls.read(projects.joinable_projects)
    if joinable:
        labels = {p.id: f"{p.pitch} ({', '.join(p.members)})" for p in joinable}
        with st.form("project_join"):
            st.caption(_("You came with a teammate? Join their project: you will write "
                         "the same canvas."))
            st.selectbox(_("Teammate's project"), list(labels), key="project_join_id",
                         format_func=labels.__getitem__)
            st.form_submit_button(_("Join this project"), icon=":material/group_add:",
                                  on_click=_join)


def _start() -> None:
    calls.call(projects.start_project, defer_error="project_start",
               pitch=st.session_state.get("project_pitch", ""),
               templates=startup.templates())


def _join() -> None:
    chosen = st.session_state.get("project_join_id")
    if chosen is not None:
        calls.call(projects.join_project, defer_error="project_start", project_id=chosen)


def hand(raised: bool) -> None:
    """"J'ai une question": raise one's hand, or lower it."""
    if raised:
        st.button(_("Lower my hand"), key="hand_button", icon=":material/back_hand:",
                  on_click=lambda: calls.call(projects.raise_hand, raised=False))
        st.caption(_("Your hand is up: the facilitator sees it and comes to you."))
    else:
        st.button(_("I have a question"), key="hand_button", icon=":material/front_hand:",
                  on_click=lambda: calls.call(projects.raise_hand, raised=True))
        st.caption(_("The facilitator sees raised hands on their table."))


def feature_request(project: ProjectView) -> None:
    """The facilitator asks to show this project's text on the wall: the porteur agrees
    (or not), on their own screen."""
    if project.featured != "asked":
        return
    with st.container(border=True):
        st.warning(_("The facilitator would like to show your canvas's sections of this "
                     "step on the shared screen. Do you agree?"), icon=":material/co_present:")
        yes, no = st.columns(2)
        yes.button(_("Yes, show it"), key="feature_yes", type="primary",
                   on_click=lambda: calls.call(projects.answer_feature,
                                               project_id=project.id, agree=True))
        no.button(_("No, thank you"), key="feature_no",
                  on_click=lambda: calls.call(projects.answer_feature,
                                              project_id=project.id, agree=False))


def settings(project: ProjectView) -> None:
    """What the porteur says of their project, their contact (with consent) and the link
    for a teammate."""
    templates = startup.templates()
    with st.expander(_("About my project"), icon=":material/tune:"):
        calls.show_deferred_error("project_settings")
        with st.form("project_settings", border=False):
            st.text_input(_("Your project in one line"), value=project.pitch,
                          key="project_settings_pitch", max_chars=160)
            st.text_input(_("Commune"), value=project.commune, key="project_commune",
                          max_chars=80)
            st.multiselect(_("Support you would like"), list(templates.supports),
                           default=[k for k in project.supports if k in templates.supports],
                           key="project_supports", placeholder=_("Choose the support"),
                           format_func=lambda k: templates.support_label(k, lang()))
            st.radio(_("Interested in the incubation programme?"),
                     ["yes", "maybe", "no", ""], horizontal=True,
                     index=["yes", "maybe", "no", ""].index(project.interest),
                     key="project_interest", format_func=interest_label)
            st.checkbox(_("Share my canvas in the workshop's synthesis"),
                        value=project.share_canvas, key="project_share")
            st.form_submit_button(_("Save"), icon=":material/save:",
                                  on_click=_save_settings, args=(project.id,))
        st.divider()
        calls.show_deferred_error("project_contact")
        with st.form("project_contact", border=False):
            st.caption(_("Optional. Leave a way to reach you (an e-mail, a phone number) "
                         "only if you want the incubator to contact you about your "
                         "project. Empty the field to remove it."))
            st.text_input(_("How to reach you"), value=project.contact,
                          key="project_contact_text", max_chars=projects.CONTACT_MAX)
            st.checkbox(_("I agree that the incubator contacts me about my project"),
                        value=bool(project.contact), key="project_contact_consent")
            st.form_submit_button(_("Save my contact"), icon=":material/contact_mail:",
                                  on_click=_save_contact, args=(project.id,))
        st.divider()
        st.caption(_("A link for a teammate: it opens this project's canvas only, to read "
                     "and write it, between sessions too."))
        link = st.session_state.get("team_link")
        if link:
            st.code(link, language=None, wrap_lines=True)
        else:
            st.button(_("Make a teammate's link"), key="team_link_button",
                      icon=":material/link:", on_click=_team_link, args=(project.id,))


def _save_settings(project_id: int) -> None:
    state = st.session_state
    calls.call(projects.update_project, defer_error="project_settings",
               project_id=project_id, templates=startup.templates(),
               project_in=inputs.typed(inputs.ProjectUpdate,
                                       pitch=state.get("project_settings_pitch", ""),
                                       commune=state.get("project_commune", ""),
                                       interest=state.get("project_interest") or "",
                                       supports=tuple(state.get("project_supports", ())),
                                       share_canvas=bool(state.get("project_share"))))


def _save_contact(project_id: int) -> None:
    state = st.session_state
    calls.call(projects.set_contact, defer_error="project_contact", project_id=project_id,
               contact=state.get("project_contact_text", ""),
               consent=bool(state.get("project_contact_consent")))


def _team_link(project_id: int) -> None:
    access = calls.call(canvas_links.team_link, defer_error="project_settings",
                        project_id=project_id)
    if access is not None:
        st.session_state["team_link"] = links.collective_link(access.code)


def accompagnateur_table(workshop_id: int,
                         act: Callable[..., object] | None = None) -> None:
    """The accompagnateur's table (Animer, redrawn every second in a fragment): each
    project, its porteurs, its canvas filled, its last activity, the comments it received,
    and the raised hands first, each with its canvas and a button to lower it. ``act``
    runs a writing service for the page (its refusals shown where the page shows them)."""
    run = act or (lambda service, **kwargs: calls.call(service, **kwargs))
    rows = calls.read(projects.board, workshop_id=workshop_id, templates=startup.templates())
    hands = sorted((r for r in rows if r.hand_raised is not None),
                   key=lambda r: r.hand_raised or 0)
    st.subheader(_("Projects ({n})", n=len(rows)))
    if not rows:
        st.info(_("No project yet: each participant names theirs as they join."),
                icon=":material/lightbulb:")
        return
    for row in hands:
        with st.container(border=True, key=f"hand-{row.project.id}"):
            text, open_col, lower_col = st.columns([3, 1, 1])
            text.html(render.line(_("{names} · {pitch}", names=", ".join(row.project.members),
                                    pitch=row.project.pitch), icon_name="back_hand",
                                  bold=True))
            open_col.link_button(_("Open"), f"canvas?c={row.project.canvas_id}"
                                 f"&w={workshop_id}", icon=":material/description:")
            lower_col.button(_("Lower the hand"), key=f"lower_{row.project.id}",
                             on_click=lambda h=row.hands: [
                                 run(projects.lower_hand, participant_id=p) for p in h])
    st.dataframe(
        [{_("Project"): r.project.pitch, _("Porteurs"): ", ".join(r.project.members),
          _("Sections"): f"{r.filled} / {r.sections}",
          _("Last activity"): moment_label(r.last_activity, year=False)
          if r.last_activity else "—",
          _("Comments received"): r.comments,
          _("Hand"): _("raised") if r.hand_raised is not None else "",
          _("Canvas"): f"canvas?c={r.project.canvas_id}&w={workshop_id}"} for r in rows],
        hide_index=True, width="stretch", key="project_table",
        column_config={_("Canvas"): st.column_config.LinkColumn(
            _("Canvas"), display_text=_("Open"))})


def pairs_panel(workshop_id: int, pitches: dict[int, str], do: Callable[..., None]) -> None:
    """During "regards croisés", the facilitator's pairs: drawn at random or chosen, each
    project with its porteurs. ``pitches``: each project's label by id; ``do(service, **kw)``
    calls a service on this workshop."""
    st.subheader(_("Pairs"))
    made = calls.read(projects.pairs, workshop_id=workshop_id)
    st.button(_("Draw the pairs at random") if not (made and made.groups)
              else _("Draw them again"), key="draw_pairs", icon=":material/shuffle:",
              type="primary", on_click=do, args=(projects.make_pairs,))
    if made and made.groups:
        st.html(render.bullet_list([" ↔ ".join(p.named for p in group)
                                    for group in made.groups]))
    with st.expander(_("Choose the pairs"), icon=":material/edit:"):
        st.caption(_("Give the projects that work together the same number (pairs, "
                     "or a trio)."))
        current = {p.id: n for n, group in enumerate(made.groups if made else [], 1)
                   for p in group}
        with st.form("chosen_pairs", border=False):
            for project_id, label in pitches.items():
                st.number_input(render.md(label), 1, 99,
                                current.get(project_id, 1), key=f"pair_{project_id}")
            if st.form_submit_button(_("Make these pairs")):
                groups: dict[int, list[int]] = {}
                for project_id in pitches:
                    groups.setdefault(int(st.session_state[f"pair_{project_id}"]),
                                      []).append(project_id)
                do(projects.make_pairs, groups=list(groups.values()))
                st.rerun()
