"""A board of cards (needs on Explorer, ideas on Idées): fast capture, the cards by theme,
edit, delete with undo, "ça me concerne", and the links between ideas and needs.

Buttons act through callbacks, so the board redraws with fresh data after each click.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from core.actors import ParticipantActor
from core.i18n import N_
from core.models import CARD_TEXT_MAX, CardKind, WorkshopStatus
from core.services import cards, workshops
from core.services.cards import Board, CardView
from core.templates import Templates
from ui import render, session
from ui.i18n import _, lang, ngettext

NO_CHOICE = ""
BOARD_COLUMNS = 3
LINK_LABEL_CHARS = 70
ORPHANS_SHOWN_OPEN = 8


@dataclass(frozen=True)
class Wording:
    """The words of one kind of board (message ids, translated when shown)."""

    title: str
    greeting: str
    field: str
    placeholder: str
    empty: str
    support: str
    support_help: str


WORDING = {
    CardKind.NEED: Wording(
        title=N_("Explore the needs"),
        greeting=N_("Hello {name}! Write what is missing here, one need per card."),
        field=N_("New need"),
        placeholder=N_("A need, an observation…"),
        empty=N_("No need on the board yet. The first card is yours: type it above and "
                 "press Enter."),
        support=N_("Concerns me"),
        support_help=N_("Click if this need concerns you too"),
    ),
    CardKind.IDEA: Wording(
        title=N_("Ideas"),
        greeting=N_("Hello {name}! Suggest ideas that answer the needs, one per card."),
        field=N_("New idea"),
        placeholder=N_("An idea, a lead…"),
        empty=N_("No idea yet. Start with a need that has none: what could answer it?"),
        support=N_("I back it"),
        support_help=N_("Click if you would like to see this idea happen"),
    ),
}


class CardBoard:
    """One board page; keys are prefixed by the kind so both boards keep their own state."""

    def __init__(self, kind: CardKind) -> None:
        self.kind = kind
        self.words = WORDING[kind]
        self.key = kind.value
        self.actor = session.require_actor()
        self.is_participant = isinstance(self.actor, ParticipantActor)
        self.templates: Templates = session.templates()
        self.theme_keys = list(self.templates.themes)
        self.source_keys = list(self.templates.sources)
        self.workshop_id: int | None = session.current_workshop_id()
        self.can_write = False
        self.needs: dict[int, CardView] = {}

    # --- helpers ---------------------------------------------------------------------

    def k(self, name: str) -> str:
        """Return this board's widget/session key for ``name``."""
        return f"{self.key}_{name}"

    def theme_label(self, key: str) -> str:
        return self.templates.theme_label(key, lang()) if key else _("No theme")

    def source_label(self, key: str) -> str:
        return self.templates.source_label(key, lang()) if key else _("No source")

    def need_label(self, need_id: int) -> str:
        need = self.needs.get(need_id)
        text = need.text if need else "?"
        short = text if len(text) <= LINK_LABEL_CHARS else text[: LINK_LABEL_CHARS - 1] + "…"
        return f"#{need_id} · {short}"

    def read_needs(self) -> None:
        """Read the workshop's needs, which ideas link to."""
        needs = session.read(cards.board, workshop_id=self.workshop_id, kind=CardKind.NEED)
        self.needs = {n.id: n for n in needs.cards}

    # --- page ------------------------------------------------------------------------

    def render(self) -> None:
        if self.workshop_id is None:
            st.title(_(self.words.title))
            st.info(_("Open a workshop first, from your collectives."), icon="👈")
            st.page_link("pages/home.py", label=_("Collectives and workshops"), icon="🏠")
            st.stop()
        workshop = session.read(workshops.get_workshop, workshop_id=self.workshop_id)
        if self.kind == CardKind.IDEA:
            self.read_needs()
        st.html(render.BOARD_CSS)
        st.title(_(self.words.title))
        st.html(render.line(workshop.title, size="1.2rem", bold=True))
        if self.is_participant:
            st.caption(_(self.words.greeting, name=render.md(self.actor.name)))
        else:
            st.caption(_("Join code: {code}", code=workshop.join_code))
        self.can_write = (not self.is_participant
                          or workshop.status == WorkshopStatus.RUNNING.value)
        if workshop.status == WorkshopStatus.DRAFT.value and self.is_participant:
            st.info(_("The workshop has not started yet. The board opens when the facilitator "
                      "starts it."), icon="⏳")
        elif workshop.status == WorkshopStatus.ENDED.value:
            st.info(_("The workshop is over: the board is read-only."), icon="🏁")
        self.capture()
        self.board_fragment()

    # --- capture: Enter adds the card and keeps the cursor in the field -------------

    def capture(self) -> None:
        refused = st.session_state.pop(self.k("refused_text"), None)
        # A form shown in the previous run is drawn once more, so a card submitted just as
        # the board closed reaches the service and is refused out loud, not lost.
        shown_key = self.k("capture_shown")
        show = self.can_write or st.session_state.get(shown_key, False)
        st.session_state[shown_key] = self.can_write
        if not show:
            session.show_deferred_error(self.k("capture"))
            if refused:
                # The board closed while this was typed: keep it at hand.
                st.caption(_("Your text, to copy:"))
                st.code(refused, language=None, wrap_lines=True)
            return
        if refused:
            st.session_state[self.k("capture_text")] = refused
        left, right = st.columns(2)
        left.selectbox(_("Theme"), [NO_CHOICE, *self.theme_keys], key=self.k("capture_theme"),
                       format_func=self.theme_label)
        right.selectbox(_("Source"), [NO_CHOICE, *self.source_keys],
                        key=self.k("capture_source"), format_func=self.source_label)
        session.show_deferred_error(self.k("capture"))
        with st.form(self.k("capture"), clear_on_submit=True, border=False):
            text = st.text_input(_(self.words.field), key=self.k("capture_text"),
                                 max_chars=CARD_TEXT_MAX, placeholder=_(self.words.placeholder))
            need_ids: list[int] = []
            if self.kind == CardKind.IDEA:
                need_ids = st.multiselect(
                    _("Which needs does it answer?"), list(self.needs),
                    key=self.k("capture_needs"), format_func=self.need_label,
                    placeholder=_("Choose needs (optional)"))
            with st.expander(_("Who said it, where? (optional)")):
                a, b = st.columns(2)
                author = a.text_input(_("Said by"), key=self.k("capture_author"), max_chars=80)
                place = b.text_input(_("Place"), key=self.k("capture_place"), max_chars=80)
            added = st.form_submit_button(_("Add"), type="primary", icon="➕")
        if added:
            card = session.call(
                cards.add_card, defer_error=self.k("capture"), workshop_id=self.workshop_id,
                text=text, templates=self.templates, kind=self.kind,
                theme=st.session_state.get(self.k("capture_theme"), ""),
                source=st.session_state.get(self.k("capture_source"), ""),
                author_name=author, place=place, need_ids=need_ids,
            )
            if card is None:
                st.session_state[self.k("refused_text")] = text
                st.rerun()
            st.toast(_("Card added."), icon="✅")

    # --- callbacks -------------------------------------------------------------------

    def _call(self, service: Callable, **kwargs) -> object:
        return session.call(service, defer_error=self.k("board"), **kwargs)

    def support(self, card_id: int) -> None:
        self._call(cards.toggle_support, card_id=card_id)

    def start_edit(self, card_id: int) -> None:
        st.session_state[self.k("editing")] = card_id

    def stop_edit(self) -> None:
        st.session_state.pop(self.k("editing"), None)

    def save(self, card_id: int) -> None:
        state = st.session_state
        saved = self._call(
            cards.update_card, card_id=card_id, templates=self.templates,
            text=state[self.k(f"edit_text_{card_id}")],
            theme=state[self.k(f"edit_theme_{card_id}")],
            source=state[self.k(f"edit_source_{card_id}")],
            author_name=state[self.k(f"edit_author_{card_id}")],
            place=state[self.k(f"edit_place_{card_id}")],
            need_ids=state.get(self.k(f"edit_needs_{card_id}")),
        )
        if saved is not None:
            self.stop_edit()

    def delete(self, card_id: int) -> None:
        if self._call(cards.delete_card, card_id=card_id):
            st.session_state[self.k("undo")] = card_id

    def restore(self, card_id: int) -> None:
        if self._call(cards.restore_card, card_id=card_id):
            st.session_state.pop(self.k("undo"), None)

    # --- cards -----------------------------------------------------------------------

    def edit_form(self, view: CardView) -> None:
        with st.form(self.k(f"edit_form_{view.id}"), border=False):
            st.text_area(_("Text"), value=view.text, max_chars=CARD_TEXT_MAX,
                         key=self.k(f"edit_text_{view.id}"))
            themes = [NO_CHOICE, *self.theme_keys]
            st.selectbox(_("Theme"), themes, key=self.k(f"edit_theme_{view.id}"),
                         index=themes.index(view.theme) if view.theme in themes else 0,
                         format_func=self.theme_label)
            sources = [NO_CHOICE, *self.source_keys]
            st.selectbox(_("Source"), sources, key=self.k(f"edit_source_{view.id}"),
                         index=sources.index(view.source) if view.source in sources else 0,
                         format_func=self.source_label)
            if self.kind == CardKind.IDEA:
                st.multiselect(_("Which needs does it answer?"), list(self.needs),
                               default=[n for n in view.links if n in self.needs],
                               key=self.k(f"edit_needs_{view.id}"), format_func=self.need_label)
            st.text_input(_("Said by"), value=view.author_name, max_chars=80,
                          key=self.k(f"edit_author_{view.id}"))
            st.text_input(_("Place"), value=view.place, max_chars=80,
                          key=self.k(f"edit_place_{view.id}"))
            save_col, cancel_col = st.columns(2)
            save_col.form_submit_button(_("Save"), type="primary", on_click=self.save,
                                        args=(view.id,))
            cancel_col.form_submit_button(_("Cancel"), on_click=self.stop_edit)

    def links_line(self, view: CardView) -> str:
        if self.kind == CardKind.IDEA:
            return ngettext("🎯 answers {n} need", "🎯 answers {n} needs", len(view.links))
        return ngettext("💡 {n} idea", "💡 {n} ideas", len(view.links)) if view.links else ""

    def card_block(self, view: CardView) -> None:
        with st.container(border=True, key=f"card-{view.id}"):
            if st.session_state.get(self.k("editing")) == view.id:
                self.edit_form(view)
                return
            linked = ([self.need_label(n) for n in view.links]
                      if self.kind == CardKind.IDEA else [])
            st.html(render.card(view, self.templates, lang(), extra=self.links_line(view),
                                linked=linked,
                                merged_label=_("Merged duplicate:") if view.merged_texts
                                else ""))
            if not self.can_write:
                return
            buttons = st.columns([3, 1, 1] if view.can_edit else [1])
            if self.is_participant:
                label = _(self.words.support) + (" ✓" if view.supported_by_me else "")
                buttons[0].button(label, key=f"support_{view.id}", icon="👍",
                                  type="primary" if view.supported_by_me else "secondary",
                                  help=_(self.words.support_help), on_click=self.support,
                                  args=(view.id,))
            if view.can_edit:
                buttons[-2].button("✏️", key=f"edit_{view.id}", help=_("Edit"),
                                   on_click=self.start_edit, args=(view.id,))
                buttons[-1].button("🗑️", key=f"delete_{view.id}", help=_("Delete"),
                                   on_click=self.delete, args=(view.id,))

    def board_fragment(self) -> None:
        @st.fragment
        def board_view() -> None:
            session.show_deferred_error(self.k("board"))
            current = session.read(cards.board, workshop_id=self.workshop_id, kind=self.kind)
            if self.kind == CardKind.IDEA:
                self.read_needs()  # fresh: a card added in this run may answer one
            self.undo_banner(current)
            self.cards_by_theme(current)
            self.deleted_bin(current)

        board_view()

    def undo_banner(self, current: Board) -> None:
        undo_id = st.session_state.get(self.k("undo"))
        undone = next((c for c in current.deleted if c.id == undo_id), None)
        if undone is not None:
            note, button = st.columns([4, 1])
            note.warning(_("Card #{id} deleted.", id=undone.id), icon="🗑️")
            button.button(_("Undo"), key="undo_delete", type="primary", on_click=self.restore,
                          args=(undone.id,))

    def cards_by_theme(self, current: Board) -> None:
        views = current.cards
        total = len(views)
        st.subheader(_("The board") + " · " + ngettext("{n} card", "{n} cards", total))
        if self.kind == CardKind.IDEA:
            self.needs_without_idea()
        elif views and st.toggle(_("Only needs without an idea"), key=self.k("orphans")):
            views = [v for v in views if not v.links]
        if not total:
            st.info(_(self.words.empty), icon="🗒️")
        groups: dict[str, list[CardView]] = {}
        for view in views:
            groups.setdefault(view.theme, []).append(view)
        order = [k for k in self.theme_keys if k in groups]
        order += [k for k in groups if k not in self.templates.themes and k != NO_CHOICE]
        order += [NO_CHOICE] if NO_CHOICE in groups else []
        for key in order:
            items = groups[key]
            theme = self.templates.themes.get(key)
            st.html(render.theme_header(self.theme_label(key),
                                        theme.color if theme else "#868e96", len(items)))
            # Row by row, so that on a phone (where columns stack) cards keep their order.
            for start in range(0, len(items), BOARD_COLUMNS):
                row = st.columns(BOARD_COLUMNS)
                for column, view in zip(row, items[start:start + BOARD_COLUMNS], strict=False):
                    with column:
                        self.card_block(view)

    def needs_without_idea(self) -> None:
        orphans = [n for n in self.needs.values() if not n.links]
        if not self.needs:
            return
        with st.expander(ngettext("{n} need still without an idea",
                                  "{n} needs still without an idea", len(orphans)),
                         expanded=0 < len(orphans) <= ORPHANS_SHOWN_OPEN, icon="🎯"):
            if orphans:
                st.html(render.bullet_list([f"#{n.id} · {n.text}" for n in orphans]))
            else:
                st.write(_("Every need has at least one idea."))

    def deleted_bin(self, current: Board) -> None:
        if not current.deleted:
            return
        with st.expander(_("Deleted cards ({n})", n=len(current.deleted)), icon="🗑️"):
            for view in current.deleted:
                text_col, button_col = st.columns([5, 1])
                text_col.html(render.line(f"#{view.id} · {view.text}"))
                if self.can_write:
                    button_col.button(_("Restore"), key=f"restore_{view.id}",
                                      on_click=self.restore, args=(view.id,))


def card_board_page(kind: CardKind) -> None:
    """Draw the board page of ``kind`` cards for this run's actor."""
    CardBoard(kind).render()
