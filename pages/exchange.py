"""Regards croisés ("chacun son projet"): each porteur reads their partner's canvas and
leaves comments on its sections, answering two prompts. The comments land on the partner's
canvas, seen by its porteurs (and the facilitator) only, unless they share them."""

from __future__ import annotations

import streamlit as st

from core.domain import inputs, policy
from core.services import canvas_comments, canvases, projects
from core.services.projects import ProjectView
from core.text.i18n import N_
from ui import calls, client_keys, legacy_guard, live, render, screens, startup
from ui.i18n import _, lang
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

PROMPTS = {"speaks": N_("What speaks to me"),
           "lead": N_("A question, a contact, a lead")}
COMMENT_KEY = "exchange_comment_key"  # + project: the browser-made key of the next comment

templates = startup.templates()
screen = open_workshop_screen(None, css=render.BOARD_CSS + render.CANVAS_CSS,
                              empty_title=_("Swapping views"))
state = screen.state
st.title(_("Swapping views"))


def partner_ids() -> tuple[int, ...]:
    found = calls.read(projects.my_partners) if policy.is_participant(screen.actor) else None
    return tuple(p.id for p in found or ())


drawn = partner_ids()


def watch() -> None:
    """The pairs made (or made again) by the facilitator: the page is drawn again."""
    if partner_ids() != drawn:
        st.rerun(scope="app")


live.follow(screen.workshop_id, state, watch=watch)

if not policy.is_participant(screen.actor):
    st.info(_("Each porteur sees their partner's canvas here. Make the pairs on the "
              "“Lead” page."), icon=":material/forum:")
    screens.FACILITATE.link()
    st.stop()

if not state.pairing:
    st.info(_("This page opens during the “swapping views” step."), icon=":material/forum:")
    st.stop()

partners = calls.read(projects.my_partners)
if not partners:
    st.info(_("The facilitator is making the pairs: your partner's project appears here "
              "by itself."), icon=":material/hourglass_top:")
    st.stop()


def send(project: ProjectView) -> None:
    prefix = f"exchange_{project.id}"
    text = st.session_state.get(f"{prefix}_text", "")
    prompt = st.session_state.get(f"{prefix}_prompt", "speaks")
    slot = f"{COMMENT_KEY}_{project.id}"
    sent = client_keys.current(slot)
    done = calls.call(canvas_comments.add_comment, defer_error=prefix,
                      canvas_id=project.canvas_id,
                      section_key=st.session_state.get(f"{prefix}_section", ""),
                      templates=templates,
                      comment_in=inputs.typed(inputs.CommentCreate,
                                              text=f"{_(PROMPTS[prompt])} : {text}"
                                              if text.strip() else "",
                                              parent_id=None, client_key=sent))
    if done is not None:
        st.session_state[f"{prefix}_text"] = ""
        client_keys.used(slot, sent)


st.caption(_("Read their canvas, then leave what it makes you think of: what speaks to "
             "you, a question, a contact, a lead. Only they will see it."))
for project in partners:
    view = calls.read(canvases.canvas_view, canvas_id=project.canvas_id,
                      templates=templates)
    st.header(render.md(project.pitch), divider="orange")
    st.caption(_("Carried by {names}", names=render.md(", ".join(project.members))))
    written = [s for s in view.template.sections if view.text(s.key).strip()]
    if not written:
        st.caption(_("Nothing written in this canvas yet."))
    for section in written:
        with st.container(border=True):
            st.html(render.heading(section.title(lang())) + render.paragraphs(
                view.text(section.key)))
    prefix = f"exchange_{project.id}"
    calls.show_deferred_error(prefix)
    sections = [s.key for s in view.template.sections]
    with st.form(f"{prefix}_form"):
        st.selectbox(_("On the section"), sections, key=f"{prefix}_section",
                     index=sections.index(written[0].key) if written else 0,
                     format_func=lambda k, v=view: v.template.section(k).title(lang()))
        st.radio(_("Your comment"), list(PROMPTS), key=f"{prefix}_prompt", horizontal=True,
                 format_func=lambda k: _(PROMPTS[k]))
        st.text_area(_("Your comment"), key=f"{prefix}_text", label_visibility="collapsed",
                     max_chars=canvas_comments.COMMENT_MAX, height=100)
        st.form_submit_button(_("Send"), type="primary", icon=":material/send:",
                              on_click=send, args=(project,))
        # Inside the form: its key goes with the form, no run of its own.
        client_keys.place(f"{COMMENT_KEY}_{project.id}")
    mine = [c for c in calls.read(canvas_comments.comments, canvas_id=project.canvas_id)
            if c.author == screen.actor.name]
    if mine:
        st.caption(_("What you left on this canvas"))
        st.html(render.bullet_list([
            f"{view.template.section(c.section_key).title(lang())} — {c.text}"
            if view.template.section(c.section_key) else c.text for c in mine]))
