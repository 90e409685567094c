"""Explorer: capture the territory's needs, see them grouped by theme, +1 them."""

import streamlit as st

from core.actors import ParticipantActor
from core.models import CARD_TEXT_MAX, CardKind, WorkshopStatus
from core.services import cards, workshops
from core.services.cards import CardView
from ui import render, session
from ui.i18n import _, lang, ngettext

UNDO_KEY = "explore_undo"
EDIT_KEY = "explore_editing"
RESTORE_KEY = "explore_restore_text"
NO_THEME = ""

actor = session.require_actor()
is_participant = isinstance(actor, ParticipantActor)
workshop_id = session.current_workshop_id()
if workshop_id is None:
    st.title(_("Explore"))
    st.info(_("Open a workshop first, from your collectives."), icon="👈")
    st.page_link("pages/home.py", label=_("Collectives and workshops"), icon="🏠")
    st.stop()

templates = session.templates()
workshop = session.read(workshops.get_workshop, workshop_id=workshop_id)
theme_keys = list(templates.themes)
source_keys = list(templates.sources)


def theme_label(key: str) -> str:
    return templates.theme_label(key, lang()) if key else _("No theme")


def source_label(key: str) -> str:
    return templates.source_label(key, lang()) if key else _("No source")


st.html(render.BOARD_CSS)
st.title(_("Explore the needs"))
st.html(render.line(workshop.title, size="1.2rem", bold=True))
if is_participant:
    st.caption(_("Hello {name}! Write what is missing here, one need per card.",
                 name=actor.name))
else:
    st.caption(_("Join code: {code}", code=workshop.join_code))

can_write = not is_participant or workshop.status == WorkshopStatus.RUNNING.value
if workshop.status == WorkshopStatus.DRAFT.value and is_participant:
    st.info(_("The workshop has not started yet. The board opens when the facilitator "
              "starts it."), icon="⏳")
elif workshop.status == WorkshopStatus.ENDED.value:
    st.info(_("The workshop is over: the board is read-only."), icon="🏁")

# --- capture: Enter adds the card and keeps the cursor in the field -------------------
if can_write:
    if RESTORE_KEY in st.session_state:
        # A refused card comes back into the field instead of being lost.
        st.session_state["capture_text"] = st.session_state.pop(RESTORE_KEY)
    left, right = st.columns(2)
    left.selectbox(_("Theme"), [NO_THEME, *theme_keys], key="capture_theme",
                   format_func=theme_label)
    right.selectbox(_("Source"), [NO_THEME, *source_keys], key="capture_source",
                    format_func=source_label)
    session.show_deferred_error()
    with st.form("capture", clear_on_submit=True, border=False):
        text = st.text_input(
            _("New need"), key="capture_text", max_chars=CARD_TEXT_MAX,
            placeholder=_("A need, an observation… then Enter"),
        )
        with st.expander(_("Who said it, where? (optional)")):
            a, b = st.columns(2)
            author = a.text_input(_("Said by"), key="capture_author", max_chars=80)
            place = b.text_input(_("Place"), key="capture_place", max_chars=80)
        added = st.form_submit_button(_("Add"), type="primary", icon="➕")
    if added:
        card = session.call(
            cards.add_card, defer_error=True, workshop_id=workshop_id, text=text, templates=templates,
            kind=CardKind.NEED, theme=st.session_state.get("capture_theme", ""),
            source=st.session_state.get("capture_source", ""), author_name=author, place=place,
        )
        if card is None:
            st.session_state[RESTORE_KEY] = text
            st.rerun()
        st.toast(_("Card added."), icon="✅")


# --- board ---------------------------------------------------------------------------
def edit_form(view: CardView) -> None:
    with st.form(f"edit_form_{view.id}", border=False):
        text = st.text_area(_("Text"), value=view.text, max_chars=CARD_TEXT_MAX,
                            key=f"edit_text_{view.id}")
        choices = [NO_THEME, *theme_keys]
        theme = st.selectbox(_("Theme"), choices, key=f"edit_theme_{view.id}",
                             index=choices.index(view.theme) if view.theme in choices else 0,
                             format_func=theme_label)
        sources = [NO_THEME, *source_keys]
        source = st.selectbox(_("Source"), sources, key=f"edit_source_{view.id}",
                              index=sources.index(view.source) if view.source in sources else 0,
                              format_func=source_label)
        author = st.text_input(_("Said by"), value=view.author_name, max_chars=80,
                               key=f"edit_author_{view.id}")
        place = st.text_input(_("Place"), value=view.place, max_chars=80,
                              key=f"edit_place_{view.id}")
        save_col, cancel_col = st.columns(2)
        save = save_col.form_submit_button(_("Save"), type="primary")
        cancel = cancel_col.form_submit_button(_("Cancel"))
    if cancel:
        st.session_state.pop(EDIT_KEY, None)
        st.rerun(scope="fragment")
    if save and session.call(cards.update_card, card_id=view.id, text=text, templates=templates,
                             theme=theme, source=source, author_name=author, place=place):
        st.session_state.pop(EDIT_KEY, None)
        st.rerun(scope="fragment")


def card_block(view: CardView) -> None:
    with st.container(border=True):
        if st.session_state.get(EDIT_KEY) == view.id:
            edit_form(view)
            return
        st.html(render.card(view, templates, lang()))
        if not can_write:
            return
        buttons = st.columns([3, 1, 1] if view.can_edit else [1])
        if is_participant:
            label = _("Concerns me") + (" ✓" if view.supported_by_me else "")
            if buttons[0].button(label, key=f"support_{view.id}", icon="👍",
                                 type="primary" if view.supported_by_me else "secondary",
                                 help=_("Click if this need concerns you too")):
                if session.call(cards.toggle_support, card_id=view.id) is not None:
                    st.rerun(scope="fragment")
        if view.can_edit:
            if buttons[-2].button("✏️", key=f"edit_{view.id}", help=_("Edit")):
                st.session_state[EDIT_KEY] = view.id
                st.rerun(scope="fragment")
            if buttons[-1].button("🗑️", key=f"delete_{view.id}", help=_("Delete")):
                if session.call(cards.delete_card, card_id=view.id):
                    st.session_state[UNDO_KEY] = view.id
                    st.rerun(scope="fragment")


@st.fragment
def board_view() -> None:
    board = session.read(cards.board, workshop_id=workshop_id, kind=CardKind.NEED)
    undo_id = st.session_state.get(UNDO_KEY)
    undone = next((c for c in board.deleted if c.id == undo_id), None)
    if undone is not None:
        note, button = st.columns([4, 1])
        note.warning(_("Card #{id} deleted.", id=undone.id), icon="🗑️")
        if button.button(_("Undo"), key="undo_delete", type="primary"):
            if session.call(cards.restore_card, card_id=undone.id):
                st.session_state.pop(UNDO_KEY, None)
                st.rerun(scope="fragment")

    total = len(board.cards)
    st.subheader(_("The board") + " · " + ngettext("{n} card", "{n} cards", total))
    if not total:
        st.info(_("No need on the board yet. The first card is yours: type it above and "
                  "press Enter."), icon="🗒️")
    groups = board.by_theme()
    order = [k for k in theme_keys if k in groups]
    order += [k for k in groups if k not in templates.themes and k != NO_THEME]
    order += [NO_THEME] if NO_THEME in groups else []
    for key in order:
        items = groups[key]
        theme = templates.themes.get(key)
        st.html(render.theme_header(theme_label(key), theme.color if theme else "#868e96",
                                    len(items)))
        columns = st.columns(3)
        for index, view in enumerate(items):
            with columns[index % 3]:
                card_block(view)

    if board.deleted:
        with st.expander(_("Deleted cards ({n})", n=len(board.deleted)), icon="🗑️"):
            for view in board.deleted:
                text_col, button_col = st.columns([5, 1])
                text_col.html(render.line(f"#{view.id} · {view.text}"))
                if can_write and button_col.button(_("Restore"), key=f"restore_{view.id}"):
                    if session.call(cards.restore_card, card_id=view.id):
                        st.rerun(scope="fragment")


board_view()
