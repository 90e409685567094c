"""Formaliser: the collective's project canvases. Start one from a selected idea (its needs
and scores pre-filled) or blank; write in a grid shaped like the canvas; each save is a
revision; two people saving over each other see both texts and choose; history, what
changed since a session, restore, Markdown export."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.domain import inputs, policy
from core.domain.models import AccessRole
from core.domain.policy import Act
from core.domain.templates import CanvasSection
from core.errors import FabriqueError
from core.outputs import canvas_pdf
from core.services import (
    actions,
    canvas_comments,
    canvas_links,
    canvases,
    projects,
    relation,
    scoring,
    workshops,
)
from core.services.canvas_comments import CommentView
from core.services.canvases import CanvasView, RevisionView
from core.services.synthesis import STATUS_LABELS
from core.settings import get_settings
from core.text.wordiff import counts, word_diff
from launch import web
from ui import (
    calls,
    client_keys,
    identity,
    legacy_guard,
    links,
    live,
    render,
    screens,
    startup,
)
from ui import projects as project_panel
from ui import relation as relation_panel
from ui.canvas_editor import CanvasEditor
from ui.i18n import _, date_label, lang, moment_label, ngettext
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

CANVAS_PARAM = "c"
COMMENT_KEY = "comment_key"  # the browser-made key of the next comment
STATE_LABELS = {"empty": "○", "thin": "◐", "done": "●"}

actor = identity.require_actor()
templates = startup.templates()
CSS = render.BOARD_CSS + render.CANVAS_CSS
is_facilitator = policy.facilitates(actor)
is_member = policy.is_link_member(actor)  # through the collective's link
workshop_id: int | None = None
focus: tuple[str, ...] = ()  # the sections the current step works on ("chacun son projet")
own_projects = False  # each participant writes their own project's canvas
drawn_state: live.LiveState | None = None  # the moment this page is drawn from
if is_member:
    # Between sessions: no workshop running; say who you are once, for the history.
    st.html(CSS)
    if policy.may(actor, Act.COMMENT_CANVAS):
        st.sidebar.text_input(_("Your name (shown on what you write)"),
                              key=identity.MEMBER_NAME_KEY, max_chars=80)
else:
    screen = open_workshop_screen(None, css=CSS, empty_title=_("Formalise"))
    workshop_id, drawn_state = screen.workshop_id, screen.state
    own_projects = screen.state.projects
    focus = screen.state.focus


def keep_live(watch: Callable[[], None] | None = None) -> None:
    """Follow the workshop (its phase bar; participants are offered the current step,
    not taken there: what they are typing here is saved after a pause or when they leave
    the field, so they leave it themselves) and run ``watch`` at each tick."""
    if drawn_state is not None:
        # The state the page was drawn from (its step's sections), not one read now: a
        # step changed in between would otherwise look already drawn, and the page would
        # keep the old step's sections under the new step's bar.
        live.follow(workshop_id, drawn_state, stay=screens.CANVAS, watch=watch)
    elif watch is not None:
        st.fragment(run_every=get_settings().participant_interval)(watch)()


def watch_canvas(canvas_id: int, drawn: tuple[object, ...],
                 project: projects.ProjectView | None = None,
                 hand: bool = False) -> Callable[[], None]:
    """Return a check that redraws the page when someone else wrote in the canvas (or, on
    a porteur's own project, when the facilitator asks to show it on the wall, or lowered
    their hand)."""
    def check() -> None:
        if calls.read(canvases.canvas_stamp, canvas_id=canvas_id) != drawn:
            st.rerun(scope="app")
        if project is not None:
            now = calls.read(projects.my_project)
            if (now is None or now.featured != project.featured
                    or calls.read(projects.hand_is_up) != hand):
                st.rerun(scope="app")
    return check


def open_canvas(canvas_id: int | None) -> None:
    if canvas_id is None:
        st.query_params.pop(CANVAS_PARAM, None)
    else:
        st.query_params[CANVAS_PARAM] = str(canvas_id)


def chosen_canvas() -> int | None:
    value = st.query_params.get(CANVAS_PARAM, "")
    return int(value) if value.isdigit() else None


# --- the list, and starting a canvas ------------------------------------------------------

def listed() -> list:
    return (calls.read(canvas_links.collective_canvases) if is_member else
            calls.read(canvases.list_canvases, workshop_id=workshop_id))


def canvas_list() -> None:
    found = listed()
    shown = tuple((c.id, c.title) for c in found)

    def watch() -> None:
        # A canvas started, renamed or deleted elsewhere: the list is drawn again.
        if tuple((c.id, c.title) for c in listed()) != shown:
            st.rerun(scope="app")

    keep_live(watch)
    st.title(_("Formalise"))
    if not found:
        st.info(_("No canvas yet. The facilitator starts one from an idea the room "
                  "selected, or a blank one.") if not is_facilitator else
                _("No canvas yet: start one below, from an idea the room selected or "
                  "blank."), icon=":material/sticky_note_2:")
    for canvas in found:
        template = templates.canvases.get(canvas.template_key)
        label = canvas.title + (f" · {template.name(lang())}" if template else "")
        # A title is typed by people (often an idea's text): text, never Markdown.
        st.button(render.md(label), key=f"open_canvas_{canvas.id}", icon=":material/description:",
                  on_click=open_canvas,
                  args=(canvas.id,), use_container_width=True)
    if is_facilitator and not own_projects:
        start_form()
        links_panel()


def links_panel() -> None:
    """The collective's links to its canvases between sessions: make, share, revoke."""
    workshop = calls.read(workshops.get_workshop, workshop_id=workshop_id)
    cid = workshop.collective_id
    roles = {AccessRole.EDIT: _("read, comment and edit"),
             AccessRole.COMMENT: _("read and comment"),
             AccessRole.READ: _("read only")}
    with st.expander(_("The collective's link, between sessions"), icon=":material/link:"):
        st.caption(_("Members open the collective's canvases with this link, without an "
                     "account. Revoke it and it stops working at once."))
        calls.show_deferred_error("collective_links")
        left, right = st.columns([2, 1])
        left.selectbox(_("It lets them"), list(roles), key="link_role",
                       format_func=roles.__getitem__)
        right.button(_("Make a link"), key="make_link",
                     icon=":material/add:", on_click=lambda: calls.call(
            canvas_links.create_access, defer_error="collective_links", collective_id=cid,
            role=AccessRole(st.session_state["link_role"])))
        for access in calls.read(canvas_links.list_access, collective_id=cid):
            link = links.collective_link(access.code)
            text_col, button_col = st.columns([4, 1])
            text_col.code(link, language=None)
            text_col.caption(roles[access.role])
            button_col.button(_("Revoke"), key=f"revoke_{access.id}", on_click=lambda i=access.id:
                              calls.call(canvas_links.revoke_access,
                                           defer_error="collective_links", access_id=i))


def start_canvas(candidates: dict[int, str]) -> None:
    state = st.session_state
    candidate = state.get("canvas_candidate")
    canvas = calls.call(
        canvases.start_canvas, defer_error="canvas_start", workshop_id=workshop_id,
        templates=templates, template_key=state.get("canvas_template", ""),
        candidate_id=candidate if candidate in candidates else None,
        title=state.get("canvas_title", ""), lang=lang())
    if canvas is not None:
        open_canvas(canvas.id)


def start_form() -> None:
    board = calls.read(scoring.scoring_board, workshop_id=workshop_id, lang=lang())
    ranked = sorted(board.candidates, key=lambda c: not c.selected)
    candidates = {c.id: ("✓ " if c.selected else "") + c.title for c in ranked}
    st.header(_("Start a canvas"))
    calls.show_deferred_error("canvas_start")
    with st.form("start_canvas", border=True):
        st.selectbox(_("Template"), list(templates.canvases), key="canvas_template",
                     index=list(templates.canvases).index(templates.default_canvas.key),
                     format_func=lambda k: templates.canvases[k].name(lang()))
        st.selectbox(_("From the idea"), [None, *candidates], key="canvas_candidate",
                     format_func=lambda c: _("(blank canvas)") if c is None else candidates[c],
                     help=_("Its needs and its scores fill in the matching sections, "
                            "marked as pre-filled."))
        st.text_input(_("Title"), key="canvas_title", max_chars=200,
                      placeholder=_("The idea's text if left empty"))
        st.form_submit_button(_("Start"), type="primary",
                              icon=":material/add:", on_click=start_canvas,
                              args=(candidates,))


# --- one canvas ---------------------------------------------------------------------------

def section_box(view: CanvasView, editor: CanvasEditor, section: CanvasSection,
                state_label: str, comments: list[CommentView], *,
                example: bool = False) -> None:
    """One section: its head, its field, who saved it, its comments (``example``: its
    example written out, for a step that works on it)."""
    cid = view.canvas.id
    latest = view.sections.get(section.key)
    with st.container(border=True, key=f"section-{section.key}"):
        st.html(render.section_head(section.title(lang()), state_label,
                                    [q(lang()) for q in section.questions]))
        if example:
            st.caption(_("For example: {example}", example=render.md(section.example(lang()))))
        if latest is not None and latest.prefilled:
            st.caption(":material/receipt_long: "
                       + _("Pre-filled from the workshop (needs, scores): check it."))
        calls.show_deferred_error(f"canvas_save_{section.key}")
        if not editor.field(section, disabled=not view.may_edit):
            return  # a conflict to settle stands instead
        # Below the field, never above: an element added above it would redraw it.
        if latest is not None and latest.id != editor.base(section.key):
            st.caption(":material/pan_tool: "
                       + _("{name} has just saved this section too: when yours is "
                           "saved, you will see both texts.",
                           name=render.md(latest.author or "?")))
        elif latest is not None:
            st.caption(_("Saved by {name}, {when}", name=render.md(latest.author or "?"),
                         when=moment_label(latest.created_at, year=False)))
        if section.evidence == "actions":
            project_actions(cid)
        if section.key == relation_panel.gradient().section:
            relation_line(cid)
        comment_thread(view, section, comments)


def relation_line(cid: int) -> None:
    """Where the project stands with its collectivité, and its path (pages/relation.py)."""
    seen = calls.read(relation.relation, canvas_id=cid, templates=templates)
    if not seen.level:
        return
    gradient = relation_panel.gradient()
    st.caption(":material/account_balance: " + _(
        "Relationship with the local authority: {level}",
        level=relation_panel.level_label(gradient, seen.level))
        + (" — " + _("its path: {path}", path=relation_panel.path_text(gradient, seen))
           if len(seen.path()) > 1 else ""))


def project_actions(cid: int) -> None:
    """Show the project's next steps (written on the next-steps page) under its section."""
    found = calls.read(actions.canvas_actions, canvas_id=cid)
    if not found:
        st.caption(_("No next step for this project yet: add them on the “Next steps"
                     "” page."))
        return
    st.html(render.bullet_list([
        f"{a.what} — {a.who or _('nobody yet')}"
        + (f" — {date_label(a.due_on)}" if a.due_on else "")
        + f" — {_(STATUS_LABELS[a.status])}" for a in found]))


def add_comment(cid: int, section: str, parent_id: int | None) -> None:
    key = f"comment_{section}_{parent_id or 'new'}"
    sent = client_keys.current(COMMENT_KEY)
    done = calls.call(canvas_comments.add_comment, defer_error=f"comment_{section}",
                      canvas_id=cid, section_key=section, templates=templates,
                      comment_in=inputs.typed(inputs.CommentCreate,
                                              text=st.session_state.get(key, ""),
                                              parent_id=parent_id,
                                              client_key=sent))
    if done is not None:
        st.session_state[key] = ""
        client_keys.used(COMMENT_KEY, sent)


def comment_thread(view: CanvasView, section: CanvasSection,
                   comments: list[CommentView]) -> None:
    """Comments of a section: threads with replies, "resolved" folds a thread away."""
    cid = view.canvas.id
    threads = [c for c in comments if c.section_key == section.key and c.parent_id is None]
    open_count = sum(1 for c in threads if not c.resolved)
    label = ngettext("{n} comment", "{n} comments", len(threads)) + (
        " · " + ngettext("{n} open", "{n} open", open_count) if threads else "")
    with st.expander(label, icon=":material/chat:", expanded=bool(open_count)):
        calls.show_deferred_error(f"comment_{section.key}")
        for thread in threads:
            replies = [c for c in comments if c.parent_id == thread.id]
            st.html(render.comment(thread, replies, _("resolved"),
                                   lambda t: moment_label(t, year=False)))
            if thread.private and view.may_share_comments:
                # A partner's, seen by this project's porteurs only until they share it.
                st.caption(_("Only you (and the facilitator) see this comment."))
                st.button(_("Share it"), key=f"share_{thread.id}", icon=":material/share:",
                          help=_("It will be seen by whoever reads this canvas (a teammate's "
                                 "link, the synthesis if you share your canvas)."),
                          on_click=lambda i=thread.id: calls.call(
                              canvas_comments.share_comment, comment_id=i))
            if not view.may_comment:
                continue
            if thread.resolved:
                st.button(_("Reopen"), key=f"reopen_{thread.id}", on_click=lambda i=thread.id:
                          calls.call(canvas_comments.set_resolved, comment_id=i, resolved=False))
                continue
            reply, resolve_col = st.columns([3, 1])
            reply.text_input(_("Reply"), key=f"comment_{section.key}_{thread.id}",
                             max_chars=canvas_comments.COMMENT_MAX, on_change=add_comment,
                             args=(cid, section.key, thread.id),
                             placeholder=_("Reply, then Enter"))
            resolve_col.button(_("Resolved"), key=f"resolve_{thread.id}",
                               icon=":material/check_circle:",
                               on_click=lambda i=thread.id: calls.call(
                                   canvas_comments.set_resolved, comment_id=i, resolved=True))
        if not view.may_comment:
            return
        st.text_input(_("New comment"), key=f"comment_{section.key}_new",
                      max_chars=canvas_comments.COMMENT_MAX, on_change=add_comment,
                      args=(cid, section.key, None), placeholder=_("A question, a doubt, "
                                                                   "an idea… then Enter"))


def diff_html(old: str, new: str) -> str:
    runs = word_diff(old, new)
    added, removed = counts(runs)
    summary = ngettext("{n} word added", "{n} words added", added) + " · " + ngettext(
        "{n} word removed", "{n} words removed", removed)
    return render.word_diff(runs, summary)


def history_panel(view: CanvasView) -> None:
    cid = view.canvas.id
    with st.expander(_("History"), icon=":material/history:"):
        keys = [s.key for s in view.template.sections]
        section = st.selectbox(_("Section"), keys, key="history_section",
                               format_func=lambda k: view.template.section(k).title(lang()))
        revisions: list[RevisionView] = calls.read(canvases.history, canvas_id=cid,
                                                     section_key=section)
        if not revisions:
            st.caption(_("Nothing written in this section yet."))
            return
        labels = {r.id: f"{moment_label(r.created_at)} · {r.author or '?'}"
                  + (" · " + _("pre-filled") if r.prefilled else "") for r in revisions}
        ids = [r.id for r in revisions]
        left, right = st.columns(2)
        older = left.selectbox(_("From"), ids, index=min(1, len(ids) - 1),
                               key="history_from", format_func=labels.__getitem__)
        newer = right.selectbox(_("To"), ids, index=0, key="history_to",
                                format_func=labels.__getitem__)
        by_id = {r.id: r for r in revisions}
        if older in by_id and newer in by_id:
            st.html(diff_html(by_id[older].text, by_id[newer].text))
            if older != ids[0] and view.may_edit:
                st.button(_("Restore the text of {when}", when=labels[older]),
                          key="restore_revision", icon=":material/undo:",
                          on_click=lambda: calls.call(canvases.restore, revision_id=older,
                                                        templates=templates))


def changes_panel(view: CanvasView) -> None:
    days = calls.read(canvases.working_days, canvas_id=view.canvas.id)
    if not days:
        return
    with st.expander(_("What changed since a session"), icon=":material/sync:"):
        since = st.selectbox(_("Since"), days, index=min(1, len(days) - 1),
                             key="changes_since", format_func=date_label)
        changed = calls.read(canvases.changed_since, canvas_id=view.canvas.id, since=since)
        if not changed:
            st.caption(_("Nothing changed since then."))
        for key, (before, after) in changed.items():
            section = view.template.section(key)
            st.html(render.heading(section.title(lang()) if section else key)
                    + diff_html(before, after))


def canvas_page(canvas_id: int, project: projects.ProjectView | None = None) -> None:
    """One canvas; ``project``: the porteur's own, with their hand, the wall's request and
    what they say of it."""
    editor = CanvasEditor(canvas_id, templates)
    editor.note_entered()
    hand = project is not None and calls.read(projects.hand_is_up)
    keep_live(watch_canvas(canvas_id, calls.read(canvases.canvas_stamp, canvas_id=canvas_id),
                           project, hand))
    view: CanvasView = calls.read(canvases.canvas_view, canvas_id=canvas_id,
                                    templates=templates)
    if project is None:
        st.button(_("All canvases"), icon=":material/arrow_back:", key="back_to_canvases",
                  on_click=open_canvas,
                  args=(None,))
    st.title(render.md(view.canvas.title))
    st.caption(view.template.name(lang()) + " · " + view.template.description(lang()))
    if project is not None:
        # Drawn in every run (a slot, even empty): a notice that comes and goes above the
        # fields does not move them.
        st.caption(_("Carried by {names}", names=render.md(", ".join(project.members))))
        project_panel.hand(hand)
        with st.container(key="feature-slot"):
            project_panel.feature_request(project)
    editor.sync(view)
    comments = calls.read(canvas_comments.comments, canvas_id=canvas_id)
    states = canvases.completeness(view)
    done = sum(1 for s in states.values() if s == "done")
    overview = render.completeness(
        [(s.title(lang()), states[s.key]) for s in view.template.sections],
        _("{done} / {total} sections done", done=done, total=len(states)),
        {"empty": _("empty"), "thin": _("to complete"), "done": _("done")})
    in_focus = [s for s in view.template.sections if s.key in focus]
    if in_focus:
        # This step's sections first, the whole width, their question and example in
        # full; the whole canvas below, folded.
        st.subheader(_("This step"))
        for section in in_focus:
            section_box(view, editor, section, STATE_LABELS[states[section.key]], comments,
                        example=True)
        with st.expander(_("The other sections of the canvas"), icon=":material/grid_view:"):
            st.html(overview)
            grid(view, editor, states, comments, skip={s.key for s in in_focus})
    else:
        st.html(overview)
        grid(view, editor, states, comments)
    if view.may_edit:
        editor.save_while_typing(view, actor)
    if view.may_comment:
        client_keys.place(COMMENT_KEY)
    history_panel(view)
    changes_panel(view)
    pdf_col, md_col = st.columns(2)
    try:
        canvas_pdf.check_fonts()
        # Made when the link is opened, by Fabrique's own route (launch/web.py), which
        # checks who asks: one tap, and no file for Streamlit to drop before it is fetched.
        url = web.canvas_pdf_url(
            view.canvas.id, lang=lang(),
            token=st.session_state.get(identity.PARTICIPANT_KEY)
            if policy.is_participant(actor) else None,
            code=st.session_state.get(identity.COLLECTIVE_KEY) if is_member else None)
        pdf_col.html(render.download_link(url, _("Download (PDF, to print)"), "print"))
    except FabriqueError as error:
        with pdf_col:
            calls.show_error(error)
    md_col.download_button(_("Download (Markdown)"), canvases.markdown(view, lang()),
                           file_name=f"canevas-{view.canvas.id}.md", mime="text/markdown",
                           icon=":material/download:", key="download_markdown")
    if project is not None:
        project_panel.settings(project)


def grid(view: CanvasView, editor: CanvasEditor, states: dict[str, str],
         comments: list[CommentView], skip: set[str] | None = None) -> None:
    """The canvas's sections laid out as its grid (without those in ``skip``)."""
    columns = view.template.columns
    for row in view.template.rows():
        row = [s for s in row if s.key not in (skip or set())]
        if not row:
            continue
        spans = [s.span for s in row]
        if sum(spans) < columns:
            spans.append(columns - sum(spans))
        cells = st.columns(spans, gap="small")
        for cell, section in zip(cells, row, strict=False):
            with cell:
                section_box(view, editor, section, STATE_LABELS[states[section.key]],
                            comments)


selected = chosen_canvas()
if own_projects and policy.is_participant(actor):
    # "Chacun son projet": a porteur's page is their own project's canvas.
    mine = calls.read(projects.my_project)
    if mine is None:
        keep_live()
        st.title(_("My canvas"))
        project_panel.name_or_join()
    else:
        # Their own project: theirs to write during the workshop and after it (the canvas
        # service finds them its porteur).
        canvas_page(mine.canvas_id, mine)
elif selected is None:
    canvas_list()
else:
    canvas_page(selected)
