"""Regrouper: sort needs or ideas into groups by drag and drop; suggestions computed on
this machine, which the facilitator accepts, edits or rejects before anything moves."""

import re

import streamlit as st
from streamlit_sortables import sort_items

from core.domain import inputs
from core.domain.models import CardKind
from core.services import clusters
from core.services.cards import CardView
from core.services.clusters import GroupBoard, ProposedGroup
from core.services.phases import LiveState
from core.text.i18n import N_
from ui import calls, downloads, legacy_guard, live, render
from ui.i18n import _, lang, ngettext
from ui.workshop_screen import open_workshop_screen

legacy_guard.page_setup()

ITEM_CHARS = 110
PROPOSAL_KEY = "group_proposal"
KINDS = {CardKind.IDEA: N_("Ideas"), CardKind.NEED: N_("Needs")}
_ITEM_ID = re.compile(r"^#(\d+) ")
GROUPS_CSS = ("<style>.fab-groups-grid{display:grid;gap:.8rem;"
              "grid-template-columns:repeat(auto-fill,minmax(260px,1fr));}</style>")

screen = open_workshop_screen(_("Group"))
workshop_id = screen.workshop_id
kind = st.segmented_control(_("Cards to group"), list(KINDS), key="group_kind",
                            default=CardKind.IDEA,
                            format_func=lambda k: _(KINDS[k])) or CardKind.IDEA


def groups_html(state: LiveState) -> str:
    """The groups as HTML, what participants see, redrawn live: a group made or a card moved
    by the facilitator shows at the next tick (read again only when the board moved)."""
    key = (state.revision, kind, lang())
    drawn = st.session_state.get("group_drawn")
    if drawn is not None and drawn[0] == key:
        return drawn[1]
    shown: GroupBoard = calls.read(clusters.group_board, workshop_id=workshop_id, kind=kind)
    sections = [(_("Not grouped yet"), "#868e96", shown.unclassified)] + [
        (g.name, g.color, g.cards) for g in shown.groups]
    blocks = [render.group_block(name, color, [v.text for v in views])
              for name, color, views in sections if views]
    html = ("<div class='fab-groups-grid'>" + "".join(blocks) + "</div>" if blocks
            else render.notice(_("Nothing to group yet.")))
    st.session_state["group_drawn"] = (key, html)
    return html


if not screen.facilitates:
    st.caption(_("The facilitator arranges the groups; they appear here."))
    st.html(GROUPS_CSS)
    live.follow(workshop_id, screen.state, content=groups_html)
    st.stop()

live.follow(workshop_id, screen.state)
board: GroupBoard = calls.read(clusters.group_board, workshop_id=workshop_id, kind=kind)
labels = {c.id: c for c in board.all_cards()}


def short(view: CardView) -> str:
    text = " ".join(view.text.split())
    return text if len(text) <= ITEM_CHARS else text[: ITEM_CHARS - 1] + "…"


def item(view: CardView) -> str:
    """A sortable item: its text starts with the card's number, unique on the board."""
    return f"#{view.id} {short(view)}"


def card_label(card_id: int) -> str:
    view = labels.get(card_id)
    return f"#{card_id} · {short(view)}" if view else f"#{card_id}"


calls.show_deferred_error("group")


def _call(service, **kwargs):
    return calls.call(service, defer_error="group", **kwargs)


# --- toolbar ---------------------------------------------------------------------------
new_col, suggest_col = st.columns([1, 2])
with (new_col.popover(_("New group"), icon=":material/add:", width="stretch"),
      st.form("new_group", clear_on_submit=True, border=False)):
    name = st.text_input(_("Name"), key="new_group_name", max_chars=160)
    color = st.color_picker(_("Colour"), value="#1971c2", key="new_group_color")
    if st.form_submit_button(_("Create the group"), type="primary") and _call(
        clusters.create_group, workshop_id=workshop_id,
        group_in=inputs.typed(inputs.GroupCreate, name=name, kind=kind, color=color)
    ):
        st.rerun()


def _propose_likely() -> None:
    """Suggest again with one of the likely numbers of groups."""
    chosen = st.session_state.get("suggest_likely")
    if chosen:
        st.session_state["suggest_auto"] = False
        st.session_state["suggest_k"] = int(chosen)
        _propose()


def _propose() -> None:
    automatic = st.session_state.get("suggest_auto", True)
    proposal = _call(
        clusters.suggest, workshop_id=workshop_id, kind=kind,
        k=None if automatic else int(st.session_state.get("suggest_k", 5)),
        only_unclassified=st.session_state.get("suggest_unclassified", False),
    )
    if proposal is not None:
        st.session_state[PROPOSAL_KEY] = {"kind": kind, "groups": proposal}
        for index, group in enumerate(proposal):
            st.session_state[f"proposal_keep_{index}"] = True
            st.session_state[f"proposal_name_{index}"] = group.name or _("Miscellaneous")
            st.session_state[f"proposal_cards_{index}"] = list(group.card_ids)


def _accept() -> None:
    proposal = st.session_state.get(PROPOSAL_KEY, {})
    chosen = [
        ProposedGroup(st.session_state[f"proposal_name_{i}"],
                      tuple(st.session_state[f"proposal_cards_{i}"]))
        for i in range(len(proposal.get("groups", [])))
        if st.session_state.get(f"proposal_keep_{i}")
    ]
    if _call(clusters.accept_groups, workshop_id=workshop_id, groups=chosen,
             kind=proposal["kind"]) is not None:
        st.session_state.pop(PROPOSAL_KEY, None)


def _reject() -> None:
    st.session_state.pop(PROPOSAL_KEY, None)


proposal = st.session_state.get(PROPOSAL_KEY)
if proposal and proposal["kind"] != kind:
    proposal = None
with suggest_col.expander(_("Suggest groups"),
                          icon=":material/auto_awesome:", expanded=bool(proposal)):
    st.caption(_("Computed on this computer from the words of the cards; nothing moves "
                 "until you accept."))
    left, right = st.columns(2)
    automatic = left.toggle(_("Choose the number of groups for me"), value=True,
                            key="suggest_auto")
    right.number_input(_("Number of groups"), min_value=2, max_value=24, value=5,
                       key="suggest_k", disabled=automatic)
    st.checkbox(_("Only cards not in a group yet"), key="suggest_unclassified")
    st.button(_("Suggest"), type="primary", on_click=_propose, key="suggest_button")
    if proposal:
        groups = proposal["groups"]
        st.write(ngettext("{n} group suggested. Untick, rename or remove cards, then accept.",
                          "{n} groups suggested. Untick, rename or remove cards, then accept.",
                          len(groups)))
        if groups and len(groups[0].likely_k) > 1:
            st.pills(_("The most likely numbers of groups"), list(groups[0].likely_k),
                     key="suggest_likely", on_change=_propose_likely,
                     help=_("Computed from how the cards resemble each other; choose one "
                            "to suggest again."))
        for index, group in enumerate(groups):
            with st.container(border=True):
                keep_col, name_col = st.columns([1, 5])
                keep_col.checkbox(_("Keep"), key=f"proposal_keep_{index}")
                name_col.text_input(_("Name"), key=f"proposal_name_{index}", max_chars=160)
                if group.typical_id is not None and group.typical_id in labels:
                    st.html(render.line(_("Typical card: {text}",
                                          text=labels[group.typical_id].text),
                                        icon_name="format_quote", size=".95rem"))
                st.multiselect(_("Cards"), list(group.card_ids),
                               key=f"proposal_cards_{index}", format_func=card_label,
                               placeholder=_("Choose…"))
        accept_col, reject_col = st.columns(2)
        accept_col.button(_("Create the ticked groups"), type="primary", on_click=_accept)
        reject_col.button(_("Reject the suggestion"), on_click=_reject)

# --- drag and drop ---------------------------------------------------------------------
if not board.all_cards():
    st.info(_("Nothing to group yet: add cards on the Explore or Ideas board first."),
            icon=":material/category:")
    st.stop()

headers: list[str] = []
containers = []
sections = [(None, _("Not grouped yet"), board.unclassified)] + [
    (g.id, g.name, g.cards) for g in board.groups]
for _group_id, name, views in sections:
    header = name
    while header in headers:  # the component needs unique headers
        header += " "
    headers.append(header)
    containers.append({"header": header, "items": [item(v) for v in views]})
group_of_header = {headers[i]: sections[i][0] for i in range(len(sections))}
colours = ["#868e96"] + [g.color for g in board.groups]
style = render.sortable_css(colours)

st.caption(_("Drag the cards from one group to another. Everything is saved at once."))
result = sort_items(containers, multi_containers=True, direction="vertical",
                    custom_style=style, key=f"sortable-{kind}-{board.revision}")
# Compare with what was drawn, not with stored positions: only a real drag moves cards.
drawn = {v.id: (group_id, index) for group_id, _name, views in sections
         for index, v in enumerate(views)}
moves: list[tuple[int, int | None, int]] = []
for container in result or []:
    group_id = group_of_header.get(container["header"])
    for position, label in enumerate(container["items"]):
        match = _ITEM_ID.match(label)
        if match:
            card_id = int(match.group(1))
            if drawn.get(card_id) != (group_id, position):
                moves.append((card_id, group_id, position))
if moves and calls.call(clusters.move_cards, workshop_id=workshop_id, moves=moves) is not None:
    st.rerun()

# --- groups: rename, colour, merge, dissolve -------------------------------------------
if board.groups:
    st.header(_("Groups"))
    downloads.sheet_button("groups", workshop_id, _("Download the groups (CSV)"))
    names = {g.id: g.name for g in board.groups}
    for group in board.groups:
        with st.expander(f"{render.md(group.name)} · "
                         + ngettext("{n} card", "{n} cards", len(group.cards))):
            with st.form(f"group_form_{group.id}", border=False):
                name_col, colour_col = st.columns([4, 1])
                new_name = name_col.text_input(_("Name"), value=group.name, max_chars=160,
                                               key=f"group_name_{group.id}")
                new_colour = colour_col.color_picker(_("Colour"), value=group.color,
                                                     key=f"group_color_{group.id}")
                if st.form_submit_button(_("Save")) and _call(
                    clusters.update_group, cluster_id=group.id,
                    group_in=inputs.typed(inputs.GroupUpdate, name=new_name, color=new_colour)
                ):
                    st.rerun()
            others = [g for g in names if g != group.id]
            merge_col, dissolve_col = st.columns(2)
            if others:
                target = merge_col.selectbox(_("Merge into"), others,
                                             format_func=names.__getitem__,
                                             key=f"merge_target_{group.id}")
                merge_col.button(_("Merge"), key=f"merge_{group.id}",
                                 on_click=lambda g=group.id, t=target: _call(
                                     clusters.merge_groups, source_id=g, target_id=t))
            dissolve_col.button(
                _("Dissolve the group"), key=f"dissolve_{group.id}",
                help=_("Its cards go back to “Not grouped yet”; nothing is lost."),
                on_click=lambda g=group.id: _call(clusters.dissolve_group, cluster_id=g))

# --- close cards and duplicates --------------------------------------------------------
with st.expander(_("Close cards and duplicates"), icon=":material/content_copy:"):
    chosen = st.selectbox(_("Card"), list(labels), index=None, format_func=card_label,
                          key="similar_card", placeholder=_("Choose a card"))
    if chosen is not None:
        close = calls.read(clusters.similar_cards, card_id=chosen)
        if not close:
            st.write(_("No close card."))
        for view, score in close:
            text_col, merge_col = st.columns([5, 2])
            text_col.html(render.line(f"#{view.id} · {view.text}  ({score:.0%})"))
            merge_col.button(_("Merge into #{id}", id=chosen), key=f"merge_card_{view.id}",
                             on_click=lambda keep=chosen, other=view.id: _call(
                                 clusters.merge_cards, keep_id=keep, other_id=other))
    merged = [(v, cid, text) for v in labels.values()
              for cid, text in zip(v.merged_ids, v.merged_texts, strict=True)]
    if merged:
        st.caption(_("Merged duplicates (both texts are kept):"))
        for view, child_id, text in merged:
            text_col, split_col = st.columns([5, 2])
            text_col.html(render.line(f"#{child_id} · {text}  →  #{view.id}"))
            split_col.button(_("Separate"), key=f"split_{child_id}",
                             on_click=lambda c=child_id: _call(clusters.split_card, card_id=c))
