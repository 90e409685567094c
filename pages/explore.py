"""Explorer: capture the territory's needs, see them grouped by theme, +1 them."""

import streamlit as st

from core.actors import ParticipantActor
from core.models import CARD_TEXT_MAX, CardKind, WorkshopStatus
from core.services import cards, workshops
from core.services.cards import CardView
from ui import render, session
from ui.i18n import _, lang, ngettext

session.page_setup()

UNDO_KEY = "explore_undo"
EDIT_KEY = "explore_editing"
RESTORE_KEY = "explore_restore_text"
CAPTURE_SHOWN_KEY = "explore_capture_shown"
BOARD = "board"
CAPTURE = "capture"
NO_THEME = ""
BOARD_COLUMNS = 3

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
                 name=render.md(actor.name)))
else:
    st.caption(_("Join code: {code}", code=workshop.join_code))

can_write = not is_participant or workshop.status == WorkshopStatus.RUNNING.value
if workshop.status == WorkshopStatus.DRAFT.value and is_participant:
    st.info(_("The workshop has not started yet. The board opens when the facilitator "
              "starts it."), icon="⏳")
elif workshop.status == WorkshopStatus.ENDED.value:
    st.info(_("The workshop is over: the board is read-only."), icon="🏁")

# --- capture: Enter adds the card and keeps the cursor in the field -------------------
refused_text = st.session_state.pop(RESTORE_KEY, None)
# A form shown in the previous run is drawn once more, so a card submitted just as the
# board closed reaches the service and is refused out loud instead of vanishing.
show_capture = can_write or st.session_state.get(CAPTURE_SHOWN_KEY, False)
st.session_state[CAPTURE_SHOWN_KEY] = can_write
if not show_capture:
    session.show_deferred_error(CAPTURE)
    if refused_text:
        # The board closed while this was typed: keep it at hand rather than lose it.
        st.caption(_("Your text, to copy:"))
        st.code(refused_text, language=None, wrap_lines=True)
else:
    if refused_text:
        # A refused card comes back into the field instead of being lost.
        st.session_state["capture_text"] = refused_text
    left, right = st.columns(2)
    left.selectbox(_("Theme"), [NO_THEME, *theme_keys], key="capture_theme",
                   format_func=theme_label)
    right.selectbox(_("Source"), [NO_THEME, *source_keys], key="capture_source",
                    format_func=source_label)
    session.show_deferred_error(CAPTURE)
    with st.form("capture", clear_on_submit=True, border=False):
        text = st.text_input(
            _("New need"), key="capture_text", max_chars=CARD_TEXT_MAX,
            placeholder=_("A need, an observation…"),
        )
        with st.expander(_("Who said it, where? (optional)")):
            a, b = st.columns(2)
            author = a.text_input(_("Said by"), key="capture_author", max_chars=80)
            place = b.text_input(_("Place"), key="capture_place", max_chars=80)
        added = st.form_submit_button(_("Add"), type="primary", icon="➕")
    if added:
        card = session.call(
            cards.add_card, defer_error=CAPTURE, workshop_id=workshop_id, text=text,
            templates=templates,
            kind=CardKind.NEED, theme=st.session_state.get("capture_theme", ""),
            source=st.session_state.get("capture_source", ""), author_name=author, place=place,
        )
        if card is None:
            st.session_state[RESTORE_KEY] = text
            st.rerun()
        st.toast(_("Card added."), icon="✅")


# --- board: buttons act through callbacks, so the board redraws with fresh data ----
def _support(card_id: int) -> None:
    session.call(cards.toggle_support, defer_error=BOARD, card_id=card_id)


def _start_edit(card_id: int) -> None:
    st.session_state[EDIT_KEY] = card_id


def _stop_edit() -> None:
    st.session_state.pop(EDIT_KEY, None)


def _save(card_id: int) -> None:
    saved = session.call(
        cards.update_card, defer_error=BOARD, card_id=card_id, templates=templates,
        text=st.session_state[f"edit_text_{card_id}"],
        theme=st.session_state[f"edit_theme_{card_id}"],
        source=st.session_state[f"edit_source_{card_id}"],
        author_name=st.session_state[f"edit_author_{card_id}"],
        place=st.session_state[f"edit_place_{card_id}"],
    )
    if saved is not None:
        _stop_edit()


def _delete(card_id: int) -> None:
    if session.call(cards.delete_card, defer_error=BOARD, card_id=card_id):
        st.session_state[UNDO_KEY] = card_id


def _restore(card_id: int) -> None:
    if session.call(cards.restore_card, defer_error=BOARD, card_id=card_id):
        st.session_state.pop(UNDO_KEY, None)


def edit_form(view: CardView) -> None:
    with st.form(f"edit_form_{view.id}", border=False):
        st.text_area(_("Text"), value=view.text, max_chars=CARD_TEXT_MAX,
                     key=f"edit_text_{view.id}")
        choices = [NO_THEME, *theme_keys]
        st.selectbox(_("Theme"), choices, key=f"edit_theme_{view.id}",
                     index=choices.index(view.theme) if view.theme in choices else 0,
                     format_func=theme_label)
        sources = [NO_THEME, *source_keys]
        st.selectbox(_("Source"), sources, key=f"edit_source_{view.id}",
                     index=sources.index(view.source) if view.source in sources else 0,
                     format_func=source_label)
        st.text_input(_("Said by"), value=view.author_name, max_chars=80,
                      key=f"edit_author_{view.id}")
        st.text_input(_("Place"), value=view.place, max_chars=80,
                      key=f"edit_place_{view.id}")
        save_col, cancel_col = st.columns(2)
        save_col.form_submit_button(_("Save"), type="primary", on_click=_save, args=(view.id,))
        cancel_col.form_submit_button(_("Cancel"), on_click=_stop_edit)


def card_block(view: CardView) -> None:
    with st.container(border=True, key=f"card-{view.id}"):
        if st.session_state.get(EDIT_KEY) == view.id:
            edit_form(view)
            return
        st.html(render.card(view, templates, lang()))
        if not can_write:
            return
        buttons = st.columns([3, 1, 1] if view.can_edit else [1])
        if is_participant:
            label = _("Concerns me") + (" ✓" if view.supported_by_me else "")
            buttons[0].button(label, key=f"support_{view.id}", icon="👍",
                              type="primary" if view.supported_by_me else "secondary",
                              help=_("Click if this need concerns you too"),
                              on_click=_support, args=(view.id,))
        if view.can_edit:
            buttons[-2].button("✏️", key=f"edit_{view.id}", help=_("Edit"),
                               on_click=_start_edit, args=(view.id,))
            buttons[-1].button("🗑️", key=f"delete_{view.id}", help=_("Delete"),
                               on_click=_delete, args=(view.id,))


@st.fragment
def board_view() -> None:
    session.show_deferred_error(BOARD)
    board = session.read(cards.board, workshop_id=workshop_id, kind=CardKind.NEED)
    undo_id = st.session_state.get(UNDO_KEY)
    undone = next((c for c in board.deleted if c.id == undo_id), None)
    if undone is not None:
        note, button = st.columns([4, 1])
        note.warning(_("Card #{id} deleted.", id=undone.id), icon="🗑️")
        button.button(_("Undo"), key="undo_delete", type="primary", on_click=_restore,
                      args=(undone.id,))

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
        # Row by row, so that on a phone (where columns stack) cards keep their order.
        for start in range(0, len(items), BOARD_COLUMNS):
            row = st.columns(BOARD_COLUMNS)
            for column, view in zip(row, items[start:start + BOARD_COLUMNS], strict=False):
                with column:
                    card_block(view)

    if board.deleted:
        with st.expander(_("Deleted cards ({n})", n=len(board.deleted)), icon="🗑️"):
            for view in board.deleted:
                text_col, button_col = st.columns([5, 1])
                text_col.html(render.line(f"#{view.id} · {view.text}"))
                if can_write:
                    button_col.button(_("Restore"), key=f"restore_{view.id}",
                                      on_click=_restore, args=(view.id,))


board_view()
