"""A board of cards (needs on Explorer, ideas on Idées), live.

The cards are drawn as escaped HTML, one block per theme: a thousand cards cost a few
milliseconds, so every screen can redraw when anyone adds one. Acting on cards goes through
a few compact controls: "ça me concerne" as one searchable list, your own cards (or, for the
facilitator, any card) to edit or delete, an undo after each deletion, and a bin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from core.domain import inputs, policy
from core.domain.models import CARD_TEXT_MAX, CardKind
from core.domain.templates import Templates
from core.services import cards, live_cache
from core.services.cards import Board, CardView, OwnBoard
from core.text.i18n import N_
from ui import calls, client_keys, downloads, identity, live, push, render, screens, startup
from ui.i18n import _, lang, ngettext
from ui.workshop_screen import open_workshop_screen

NO_CHOICE = ""
LINK_LABEL_CHARS = 70
ORPHANS_SHOWN_OPEN = 8
# The newest cards a phone's live board shows, unless its reader asks for every card: a
# room of 300 writes 900 cards, which no phone screen reads, and which every phone would
# be sent again at each tick (the whole board is on the wall and the facilitator's screen).
PHONE_CARDS = 40


SCREENS = {CardKind.NEED: screens.EXPLORE, CardKind.IDEA: screens.IDEAS}


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
    closed: str


WORDING = {
    CardKind.NEED: Wording(
        title=N_("Explore the needs"),
        greeting=N_("Hello {name}! Write what is missing here, one need per card."),
        field=N_("New need"),
        placeholder=N_("A need, an observation…"),
        empty=N_("No need on the board yet. The first card is yours: type it above and "
                 "press Enter."),
        support=N_("The needs that concern me"),
        support_help=N_("Pick the needs that concern you too: type a word or a number."),
        closed=N_("Needs are written during the “explore” phase."),
    ),
    CardKind.IDEA: Wording(
        title=N_("Ideas"),
        greeting=N_("Hello {name}! Suggest ideas that answer the needs, one per card."),
        field=N_("New idea"),
        placeholder=N_("An idea, a lead…"),
        empty=N_("No idea yet. Start with a need that has none: what could answer it?"),
        support=N_("The ideas I back"),
        support_help=N_("Pick the ideas you would like to see happen."),
        closed=N_("Ideas are written during the “ideas” phase."),
    ),
}


def short(text: str, limit: int = LINK_LABEL_CHARS) -> str:
    """Shorten a card's text for a list."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class CardBoard:
    """One board page; keys are prefixed by the kind so both boards keep their own state."""

    def __init__(self, kind: CardKind) -> None:
        self.kind = kind
        self.words = WORDING[kind]
        self.key = kind.value
        self.actor = identity.require_actor()
        self.is_participant = policy.is_participant(self.actor)
        self.templates: Templates = startup.templates()
        self.theme_keys = list(self.templates.themes)
        self.source_keys = list(self.templates.sources)
        self.workshop_id: int | None = identity.current_workshop_id()
        self.can_write = False
        self.needs: dict[int, CardView] = {}
        self.language = lang()
        self.sent_by_callback = False

    def k(self, name: str) -> str:
        """Return this board's widget/session key for ``name``."""
        return f"{self.key}_{name}"

    def theme_label(self, key: str) -> str:
        return self.templates.theme_label(key, lang()) if key else _("No theme")

    def source_label(self, key: str) -> str:
        return self.templates.source_label(key, lang()) if key else _("No source")

    def need_label(self, need_id: int) -> str:
        need = self.needs.get(need_id)
        return f"#{need_id} · {short(need.text) if need else '?'}"

    # --- page ------------------------------------------------------------------------

    def render(self) -> None:
        screen = open_workshop_screen(_(self.words.title))
        state, workshop = screen.state, screen.workshop
        if self.is_participant:
            st.caption(_(self.words.greeting, name=render.md(self.actor.name)))
            if live.screen_for(state) != SCREENS[self.kind]:
                # Drawn for an action sent from this page as the phone was taken on (its
                # answer shows below): the way on.
                st.page_link(live.screen_for(state).path, icon=":material/arrow_forward:",
                             label=_("The workshop moved on: go to the current step"))
        else:
            st.html(render.title_and_note(
                workshop.title, _("Join code: {code}", code=workshop.join_code)))
        self.can_write = policy.may_write_board(self.actor, state.where(self.kind))
        if self.is_participant and state.running and not self.can_write:
            st.info(_(self.words.closed), icon=":material/lock:")
        if self.kind == CardKind.IDEA:
            self.read_needs()

        # What this person does (add, "me too", edit, delete, undo) is one fragment: acting
        # reruns it, not the page — a room of sixty acts all the time — and its lists are
        # current after each of this person's own actions. Others' new cards reach these
        # lists at the next action or page run; the board below shows them at once.
        drawn: dict[str, Board | OwnBoard] = {}

        @st.fragment
        def actions() -> None:
            self.capture()
            current: Board | OwnBoard
            if self.is_participant:
                # What a phone acts on, without a view built per card of the room's board.
                current = calls.read(cards.own_board, workshop_id=self.workshop_id,
                                     kind=self.kind)
                self.undo_banner(current)
                self.own_controls(current)
            else:
                current = calls.read(cards.board, workshop_id=self.workshop_id, kind=self.kind)
                self.undo_banner(current)
                self.controls(current)
            drawn["current"] = current

        actions()
        current = drawn["current"]
        if self.kind == CardKind.NEED and current.cards:
            st.toggle(_("Only needs without an idea"), key=self.k("orphans"))
        if self.is_participant and len(current.cards) > PHONE_CARDS:
            st.toggle(_("Show every card"), key=self.k("all_cards"),
                      help=_("Otherwise the {n} newest cards: the wall shows them all.",
                             n=PHONE_CARDS))
        # The phase bar and the cards are live: redrawn when anyone changes the board.
        live.follow(self.workshop_id, state, content=self.live_cards)
        self.deleted_bin(current)
        if not self.is_participant:
            downloads.sheet_button("cards", self.workshop_id,
                                   _("Download the cards (CSV)"))

    def read_needs(self) -> None:
        """Read the workshop's needs, which ideas link to."""
        needs = calls.read(cards.board, workshop_id=self.workshop_id, kind=CardKind.NEED)
        self.needs = {n.id: n for n in needs.cards}

    # --- capture: Enter adds the card and keeps the cursor in the field -------------

    def capture(self) -> None:
        # Whether "Ajouter"'s callback ran in this run (callbacks run before the page).
        self.sent_by_callback = st.session_state.pop(self.k("sent"), False)
        refused = st.session_state.pop(self.k("refused_text"), None)
        # Their refused text is shown back: they stay here until they act again.
        live.hold_page(bool(refused))
        # A form shown in the previous run is drawn once more, so a card submitted just as
        # the board closed reaches the service and is refused out loud, not lost.
        shown_key = self.k("capture_shown")
        show = self.can_write or st.session_state.get(shown_key, False)
        st.session_state[shown_key] = self.can_write
        if not show or (refused and not self.can_write):
            calls.show_deferred_error(self.k("capture"))
            if refused:
                st.caption(_("Your text, to copy:"))
                st.code(refused, language=None, wrap_lines=True)
            return
        if refused:
            st.session_state[self.k("capture_text")] = refused
        # One row on a laptop (theme, source, then the card), so that the board starts
        # within a 768-pixel-high screen; stacked in that order on a phone.
        theme_col, source_col, card_col = st.columns([1, 1, 2.4])
        theme_col.selectbox(_("Theme"), [NO_CHOICE, *self.theme_keys],
                            key=self.k("capture_theme"), format_func=self.theme_label)
        source_col.selectbox(_("Source"), [NO_CHOICE, *self.source_keys],
                             key=self.k("capture_source"), format_func=self.source_label)
        with card_col:
            self.capture_form()

    def capture_form(self) -> None:
        calls.show_deferred_error(self.k("capture"))
        # Not ``clear_on_submit``: Streamlit's front end would empty the fields the moment
        # "Ajouter" is pressed, and a card whose sending failed (server restarting, Wi-Fi
        # gone) would vanish from the screen. The fields are emptied once the card is
        # stored (``send``); until then the text stays, to send again — with the same
        # browser-made key, so that a card stored unseen is not stored twice.
        with st.form(self.k("capture"), clear_on_submit=False, border=False):
            st.text_input(_(self.words.field), key=self.k("capture_text"),
                          max_chars=CARD_TEXT_MAX, placeholder=_(self.words.placeholder))
            if self.kind == CardKind.IDEA:
                st.multiselect(
                    _("Which needs does it answer?"), list(self.needs),
                    key=self.k("capture_needs"), format_func=self.need_label,
                    placeholder=_("Choose needs (optional)"))
            more, add = st.columns([3, 1], vertical_alignment="top")
            with more.expander(_("Who said it, where? (optional)")):
                a, b = st.columns(2)
                a.text_input(_("Said by"), key=self.k("capture_author"), max_chars=80)
                b.text_input(_("Place"), key=self.k("capture_place"), max_chars=80)
                if not self.is_participant:
                    st.checkbox(
                        _("Written for this person (no phone)"), key=self.k("on_behalf"),
                        help=_("The card shows that you typed it for them."))
            submitted = add.form_submit_button(_("Add"), type="primary",
                                               icon=":material/add:", on_click=self.send,
                                               width="stretch")
            client_keys.place(self.k("capture_key"))
        if submitted and not self.sent_by_callback:
            # Pressed on a form this page no longer had: sent just as the phase changed,
            # it reached a run of the page without its callback (ui/push.py,
            # keep_late_actions). Handled here, then drawn again.
            self.send(late=True)

    def send(self, late: bool = False) -> None:
        """Store the card typed in the form (its "Ajouter" callback); empty the form only
        once it is stored. ``late``: called from the run, its fields already drawn — they
        are emptied at the next run, which follows at once."""
        state = st.session_state
        if not late:
            state[self.k("sent")] = True
        text = state.get(self.k("capture_text"), "")
        author = state.get(self.k("capture_author"), "")
        sent_key = client_keys.current(self.k("capture_key"))
        card = calls.call(
            cards.add_card, defer_error=self.k("capture"), workshop_id=self.workshop_id,
            card_in=inputs.typed(
                inputs.CardCreate, text=text, kind=self.kind,
                theme=state.get(self.k("capture_theme"), ""),
                source=state.get(self.k("capture_source"), ""),
                author_name=author, place=state.get(self.k("capture_place"), ""),
                need_ids=state.get(self.k("capture_needs"), []),
                on_behalf=state.get(self.k("on_behalf"), False) and bool(author.strip()),
                client_key=sent_key),
            templates=self.templates,
        )
        if card is None:
            state[self.k("refused_text")] = text
            if late:
                st.rerun()
            return
        client_keys.used(self.k("capture_key"), sent_key)
        push.refresh_soon()  # the board below shows it now, not at the room's next refresh
        fields = [self.k("capture_text"), self.k("capture_author"), self.k("capture_place")]
        if late:
            calls.clear_after_success(*fields)
            st.rerun()
        for key in fields:
            state[key] = ""
        if self.kind == CardKind.IDEA:
            state[self.k("capture_needs")] = []
        if not self.is_participant:
            state[self.k("on_behalf")] = False

    # --- callbacks -------------------------------------------------------------------

    def _call(self, service: Callable, **kwargs) -> object:
        return calls.call(service, defer_error=self.k("board"), **kwargs)

    def supports_changed(self, before: set[int]) -> None:
        after = set(st.session_state.get(self.k("supports"), []))
        for card_id in sorted(before ^ after):
            self._call(cards.toggle_support, card_id=card_id)
        st.session_state[self.k("supports_shown")] = sorted(after)  # handled here

    def save(self, card_id: int) -> None:
        state = st.session_state
        saved = self._call(
            cards.update_card, card_id=card_id, templates=self.templates,
            card_in=inputs.typed(
                inputs.CardUpdate, text=state[self.k(f"edit_text_{card_id}")],
                theme=state[self.k(f"edit_theme_{card_id}")],
                source=state[self.k(f"edit_source_{card_id}")],
                author_name=state[self.k(f"edit_author_{card_id}")],
                place=state[self.k(f"edit_place_{card_id}")],
                need_ids=state.get(self.k(f"edit_needs_{card_id}"))),
        )
        if saved is not None:
            st.session_state.pop(self.k("editing"), None)

    def delete(self, card_id: int) -> None:
        if self._call(cards.delete_card, card_id=card_id):
            st.session_state[self.k("undo")] = card_id
            st.session_state.pop(self.k("editing"), None)

    def restore(self, card_id: int) -> None:
        if self._call(cards.restore_card, card_id=card_id):
            st.session_state.pop(self.k("undo"), None)

    # --- acting on cards -------------------------------------------------------------

    def controls(self, current: Board) -> None:
        """For anyone but a participant: the cards they may edit or delete (a facilitator:
        any)."""
        calls.show_deferred_error(self.k("board"))
        editable = [c for c in current.cards if c.can_edit]
        if editable and self.can_write:
            self.edit_picker(_("Edit or delete a card"), editable)

    def own_controls(self, current: OwnBoard) -> None:
        """A participant's: "ça me concerne" and their own cards to edit or delete.

        On a board longer than a phone shows, "ça me concerne" lists the cards the phone
        shows (the newest) and those already chosen, unless its reader asks for every
        card: a list of 900 would be rebuilt and sent after each action of each phone."""
        calls.show_deferred_error(self.k("board"))
        mine = sorted(current.supported)
        if self.late_supports(mine):
            st.rerun()  # its answer (stored, or why not) and the list as it now stands
        if not self.can_write:
            return
        if current.cards:
            self.support_list(current, mine)
        if current.own:  # written privately and not yet revealed included
            self.edit_picker(_("My cards"), current.own)

    def support_list(self, current: OwnBoard, mine: list[int]) -> None:
        options = [c.id for c in current.cards]
        few = (len(options) > PHONE_CARDS and not st.session_state.get(self.k("all_cards")))
        if few:
            options = sorted(set(sorted(options)[-PHONE_CARDS:]) | set(mine))
        else:  # those chosen are always among the options (a list's value must be)
            options += sorted(set(mine) - set(options))
        shown = set(options)
        labels = {c.id: f"#{c.id} · {short(c.text)}" for c in current.cards if c.id in shown}
        st.session_state[self.k("supports")] = mine  # always the stored truth
        st.session_state[self.k("supports_shown")] = mine
        st.multiselect(
            ":material/thumb_up: " + _(self.words.support), options,
            key=self.k("supports"), format_func=lambda i: labels.get(i, f"#{i}"),
            help=_(self.words.support_help) + (" " + _(
                "The list holds the {n} newest cards: switch on “Show every card” to "
                "choose among all.", n=PHONE_CARDS) if few else ""),
            placeholder=_("Choose cards"), select_all=False,
            on_change=self.supports_changed, args=(set(mine),))

    def late_supports(self, stored: list[int]) -> bool:
        """Send the "ça me concerne" changes the browser made that no callback handled (a
        choice that reached a run without its callback: made just as the phone was taken
        on to the next phase, ``ui/push.keep_late_actions``) — stored, or refused out loud,
        never shown as made and then quietly undone. Returns whether any was sent."""
        shown = st.session_state.get(self.k("supports_shown"))
        incoming = st.session_state.get(self.k("supports"))
        if shown is None or incoming is None:
            return False
        wanted, seen, now = set(incoming), set(shown), set(stored)
        changed = [i for i in sorted(wanted ^ seen) if (i in wanted) != (i in now)]
        for card_id in changed:
            self._call(cards.toggle_support, card_id=card_id)
        st.session_state[self.k("supports_shown")] = sorted(wanted)  # handled
        return bool(changed)

    def edit_picker(self, label: str, editable: Sequence[CardView]) -> None:
        by_id = {c.id: c for c in editable}
        with st.expander(label, icon=":material/edit:",
                         expanded=st.session_state.get(self.k("editing")) is not None):
            chosen = st.selectbox(
                _("Card"), list(by_id), index=None, key=self.k("editing"),
                format_func=lambda i: f"#{i} · {short(by_id[i].text)}",
                placeholder=_("Choose a card (type a word or its number)"))
            if chosen is not None and chosen in by_id:
                self.edit_form(by_id[chosen])

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
                               key=self.k(f"edit_needs_{view.id}"), format_func=self.need_label,
                               placeholder=_("Choose…"))
            st.text_input(_("Said by"), value=view.author_name, max_chars=80,
                          key=self.k(f"edit_author_{view.id}"))
            st.text_input(_("Place"), value=view.place, max_chars=80,
                          key=self.k(f"edit_place_{view.id}"))
            save_col, delete_col = st.columns(2)
            save_col.form_submit_button(_("Save"), type="primary", on_click=self.save,
                                        args=(view.id,))
            delete_col.form_submit_button(_("Delete"),
                                          icon=":material/delete:", on_click=self.delete,
                                          args=(view.id,))

    def undo_banner(self, current: Board | OwnBoard) -> None:
        undo_id = st.session_state.get(self.k("undo"))
        undone = next((c for c in current.deleted if c.id == undo_id), None)
        if undone is not None:
            note, button = st.columns([4, 1])
            note.warning(_("Card #{id} deleted.", id=undone.id), icon=":material/delete:")
            button.button(_("Undo"), key="undo_delete", type="primary", on_click=self.restore,
                          args=(undone.id,))

    # --- the board -------------------------------------------------------------------

    def live_cards(self, state: live.LiveState) -> str:
        """Draw the cards: the public part is built once per revision for every screen of
        this server; personal marks are a small style rule of this reader's own."""
        orphans_only = bool(st.session_state.get(self.k("orphans")))
        self.language = lang()
        board = calls.read(cards.live_board, workshop_id=self.workshop_id, kind=self.kind,
                             revision=state.revision)
        newest = (PHONE_CARDS if self.is_participant and len(board.cards) > PHONE_CARDS
                  and not st.session_state.get(self.k("all_cards")) else None)
        key = (startup.database_key(), self.workshop_id, self.kind.value, board.revision,
               orphans_only, newest, self.is_participant, lang())
        sections = _shared_html(key, lambda: self.public_html(board, orphans_only, newest))
        empty = ""
        if not board.cards and not board.hidden:
            empty = render.notice(_(self.words.empty))
        hidden = ""
        if board.hidden:
            label = (_("Written privately, hidden from the others until revealed")
                     if self.is_participant else _("Hidden cards, not yet revealed"))
            hidden = render.theme_section(label, "#868e96", [
                self.public_card_html(c) for c in board.hidden])
        # One element for the whole board: every element is a message to every screen.
        heading = _("The board") + " · " + ngettext("{n} card", "{n} cards", len(board.cards))
        orphans, sections = sections[0], sections[1:]
        return (orphans + render.heading(heading) + empty + hidden + self.own_older(board, newest)
                + render.personal_marks(board.supported, board.mine) + "".join(sections))

    def own_older(self, board: cards.LiveBoard, newest: int | None) -> str:
        """On a phone showing the newest cards only: this person's own cards older than
        those, so that a card they added is on their screen however busy the room."""
        if newest is None or not board.mine:
            return ""
        orphans_only = bool(st.session_state.get(self.k("orphans")))
        ids = sorted(c.id for c in board.cards if not (orphans_only and c.links))
        if len(ids) <= newest:
            return ""
        oldest_shown = ids[-newest]
        own = [c for c in board.cards if c.id in board.mine and c.id < oldest_shown
               and not (orphans_only and c.links)]
        if not own:
            return ""
        return render.theme_section(_("Your cards"), "#868e96",
                                    [self.public_card_html(c) for c in own])

    def public_card_html(self, card: cards.PublicCard, *, themed: bool = False) -> str:
        """Return a card's HTML without anything personal (marks are toggled by CSS);
        ``themed``: with its theme's name (a list not grouped by theme).

        Kept per card and language for the server: a new revision rebuilds the board
        from the cards that did not change plus the few that did.
        """
        linked = (tuple(self.need_label(n) for n in card.links)
                  if self.kind == CardKind.IDEA else ())
        return _card_html.get((self.language, self.kind.value, card, linked, themed),
                              lambda: self._card_html(card, linked, themed))

    def _card_html(self, card: cards.PublicCard, linked: tuple[str, ...],
                   themed: bool) -> str:
        counts = (":material/target: " + ngettext("answers {n} need", "answers {n} needs",
                                                   len(card.links))
                  if self.kind == CardKind.IDEA
                  else ":material/lightbulb: " + ngettext("{n} idea", "{n} ideas",
                                                           len(card.links))
                  if card.links else "")
        extra = [x for x in (self.theme_label(card.theme) if themed else "", counts,
                             (":material/edit: " + _("typed for them"))
                             if card.on_behalf else "") if x]
        return render.public_card(card, self.templates, lang(), extra=extra,
                                  linked=list(linked), merged_label=_("Merged duplicate:"),
                                  me_label=_("you too"), own_label=_("yours"))

    def public_html(self, board: cards.LiveBoard, orphans_only: bool,
                    newest: int | None = None) -> list[str]:
        """Return the public board as HTML: the needs without an idea (ideas board), then
        one block per theme (only the ``newest`` cards, if given). Built once per revision
        and shared by every screen."""
        orphans = self.orphans_html()
        shown = [c for c in board.cards if not c.links] if orphans_only else list(board.cards)
        sections = [orphans]
        if newest is not None and len(shown) > newest:
            sections.append(render.notice(_(
                "The {n} newest cards of {total}: every card is on the wall, or switch on "
                "“Show every card”.", n=newest, total=len(shown))))
            shown = sorted(shown, key=lambda c: c.id)[-newest:]
        if self.is_participant:
            # A phone reads down from its form: the newest first (its own card just added
            # right under the form), each with its theme, not themes one after the other.
            sections.append(render.theme_section(
                _("Newest first"), "#868e96",
                [self.public_card_html(c, themed=True)
                 for c in sorted(shown, key=lambda c: c.id, reverse=True)]))
            return sections
        groups: dict[str, list[cards.PublicCard]] = {}
        for card in shown:
            groups.setdefault(card.theme, []).append(card)
        order = [k for k in self.theme_keys if k in groups]
        order += [k for k in groups if k not in self.templates.themes and k != NO_CHOICE]
        order += [NO_CHOICE] if NO_CHOICE in groups else []
        for key in order:
            theme = self.templates.themes.get(key)
            sections.append(render.theme_section(
                self.theme_label(key), theme.color if theme else "#868e96",
                [self.public_card_html(c) for c in groups[key]]))
        return sections

    def orphans_html(self) -> str:
        """On the ideas board: the needs still without an idea (live, as HTML details)."""
        if self.kind != CardKind.IDEA:
            return ""
        self.read_needs()
        if not self.needs:
            return ""
        orphans = [n for n in self.needs.values() if not n.links]
        summary = ngettext("{n} need still without an idea",
                           "{n} needs still without an idea", len(orphans))
        items = ([f"#{n.id} · {n.text}" for n in orphans] if orphans
                 else [_("Every need has at least one idea.")])
        return render.details(summary, items, opened=0 < len(orphans) <= ORPHANS_SHOWN_OPEN)

    def deleted_bin(self, current: Board | OwnBoard) -> None:
        if not current.deleted:
            return
        with st.expander(_("Deleted cards ({n})", n=len(current.deleted)),
                         icon=":material/delete:"):
            for view in current.deleted:
                text_col, button_col = st.columns([5, 1])
                text_col.html(render.line(f"#{view.id} · {view.text}"))
                if self.can_write:
                    button_col.button(_("Restore"), key=f"restore_{view.id}",
                                      on_click=self.restore, args=(view.id,))


def card_board_page(kind: CardKind) -> None:
    """Draw the board page of ``kind`` cards for this run's actor."""
    CardBoard(kind).render()


# The board's HTML per revision and language, built once per server (the screens asking
# while it is built wait for it); each card's HTML, kept from one revision to the next.
_shared: live_cache.PerRevision[list[str]] = live_cache.PerRevision(kept=64, one_build=True)
_card_html: live_cache.PerRevision[str] = live_cache.PerRevision(kept=20_000)


def _shared_html(key: tuple, build: Callable[[], list[str]]) -> list[str]:
    """Return the board HTML for ``key`` (revision included), built once per server."""
    return _shared.get(key, build)
