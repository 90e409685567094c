"""A canvas's fields and how what is typed in them is saved (the Formaliser page draws the
rest: the grid, comments, history).

Each section's field holds this browser's text; the session keeps, per section, the
revision it was based on. Saving sends that base along: if someone saved the section in
between, nothing is written and both texts are shown to choose from or merge (a
*conflict*), settled as a new revision on top of theirs. While the drafts script runs in the
browser (``ui/drafts.py``), it sends each text after a pause, ranked, and the server keeps
the newest of each browser; leaving a field sends it at once.

The rules of the fields' state, kept here in one place:

- a field shows the section's latest text, unless this person is settling a conflict
  there or writing in it (never replaced under their fingers);
- nothing is saved from a field no longer on the page (a conflict shown since, being
  settled, or settled: each settling gives the field a new key), and an empty text from a
  field this person never entered is not saved (emptying a section is typing in it);
- the field's own change is not saved while the drafts script runs, nor once a ranked
  text of that field has come from this browser: it may be an older value than one the
  script has already sent, and, unranked, the service could not tell.
"""

from __future__ import annotations

import logging

import streamlit as st

from core.domain.actors import Actor
from core.domain.templates import CanvasSection, Templates
from core.services import canvases
from core.services.canvases import CanvasView
from ui import calls, drafts, identity, render
from ui.i18n import _, lang

log = logging.getLogger(__name__)

DRAFTS_KEY = "canvas_drafts"
# The fields this person has been in (the drafts component reports the focus): an empty
# text from a field nobody entered is never saved over the section in their name.
TOUCHED_KEY = "_canvas_touched"
GENERATION_KEY = "_canvas_generation"  # (canvas, section) -> conflicts settled there
# The fields whose texts this browser has sent ranked (canvas, section): from then on, the
# field's own change is never saved in this session (see ``autosave``).
RANKED_KEY = "_canvas_ranked"


class CanvasEditor:
    """The fields of canvas ``canvas_id`` for this browser's session."""

    def __init__(self, canvas_id: int, templates: Templates) -> None:
        self.canvas_id = canvas_id
        self.templates = templates

    # --- the session's keys ----------------------------------------------------------

    def text_key(self, section: str) -> str:
        """The key of a section's field; a new one each time a conflict there is settled
        (the field left the page for the conflict: a value the browser still held for the
        old one, sent with the next click, is Streamlit's to ignore, never saved over the
        settled text)."""
        generation = st.session_state.get(GENERATION_KEY, {}).get(
            (self.canvas_id, section), 0)
        return f"canvas_{self.canvas_id}_{section}" + (f"_{generation}" if generation else "")

    def base_key(self, section: str) -> str:
        return f"canvas_base_{self.canvas_id}_{section}"

    def conflict_key(self, section: str) -> str:
        return f"canvas_conflict_{self.canvas_id}_{section}"

    def in_conflict(self, section: str) -> bool:
        return self.conflict_key(section) in st.session_state

    def base(self, section: str) -> int | None:
        """The revision this browser's text of ``section`` is based on."""
        return st.session_state.get(self.base_key(section))

    # --- saving ------------------------------------------------------------------------

    def autosave(self, section: str, key: str | None = None) -> None:
        """Save when the field ``key`` is left (or Ctrl+Enter): a new revision, or a
        conflict (see the module's rules)."""
        if key is not None and (drafts.live(DRAFTS_KEY) or (self.canvas_id, section) in
                                st.session_state.get(RANKED_KEY, set())):
            # The script sends this field's texts itself, ranked: the field's own change
            # (Streamlit's, unranked) may be older than one already saved — a tab closing
            # sends both in one message, and this one would land on top.
            return
        if self.in_conflict(section) or (key is not None and key != self.text_key(section)):
            log.warning("canvas %s: a value of %s from a field no longer on the page was "
                        "not saved", self.canvas_id, section)
            return
        text = st.session_state[self.text_key(section)]
        entered = (self.canvas_id, section) in st.session_state.get(TOUCHED_KEY, set()) or (
            drafts.editing(DRAFTS_KEY) == section)
        if not text.strip() and not entered:
            log.warning("canvas %s: an empty %s from a field never entered was not saved",
                        self.canvas_id, section)
            del st.session_state[self.text_key(section)]  # drawn again from the database
            return
        self.save_text(section, text)

    def note_entered(self) -> None:
        """Remember the field this person is in (as the drafts component last reported)."""
        field = drafts.editing(DRAFTS_KEY)
        if field is not None:
            st.session_state.setdefault(TOUCHED_KEY, set()).add((self.canvas_id, field))

    def save_draft(self, draft: drafts.Draft) -> None:
        """Save what someone is typing, after a pause, when their tab closes, or when they
        come back after it closed too soon. Their field keeps its text (it is not pushed
        back: they may still be typing); leaving it later saves the rest, on top of this
        revision."""
        if draft.seq is not None:
            st.session_state.setdefault(RANKED_KEY, set()).add((self.canvas_id, draft.field))
        if self.in_conflict(draft.field):
            return
        saved = self.save_text(draft.field, draft.text, base=draft.base, over_own=True,
                               writer=draft.writer, seq=draft.seq)
        if saved and drafts.editing(DRAFTS_KEY) != draft.field:
            st.session_state[self.text_key(draft.field)] = draft.text  # sent back on return

    def save_text(self, section: str, text: str, *, base: int | None = None,
                  over_own: bool = False, writer: str | None = None,
                  seq: int | None = None) -> bool:
        """Save a section's text: True if saved, False if refused, late or in conflict."""
        state = st.session_state
        result = calls.call(canvases.save_section, defer_error=f"canvas_save_{section}",
                            canvas_id=self.canvas_id, section_key=section, text=text,
                            base_revision_id=base if over_own else self.base(section),
                            templates=self.templates, over_own=over_own, writer=writer,
                            seq=seq)
        if result is None:
            return False
        if result.conflict is not None:
            state[self.conflict_key(section)] = (result.conflict, text)
            return False
        if result.saved is not None:
            state[self.base_key(section)] = result.saved.id
        return result.saved is not None

    def resolve(self, section: str, choice: str) -> None:
        """Settle a conflict: keep theirs, keep mine, or save the merged text — each based
        on their revision, so it is saved as a new revision on top of it."""
        state = st.session_state
        theirs, mine = state[self.conflict_key(section)]
        text = {"theirs": theirs.text, "mine": mine,
                "merged": state.get(f"canvas_merge_{self.canvas_id}_{section}", "")}[choice]
        state[self.base_key(section)] = theirs.id
        state.pop(self.text_key(section), None)
        generations = state.setdefault(GENERATION_KEY, {})
        generations[(self.canvas_id, section)] = generations.get(
            (self.canvas_id, section), 0) + 1
        state[self.text_key(section)] = text
        del state[self.conflict_key(section)]
        if choice != "theirs":
            self.autosave(section)

    # --- what the fields show ----------------------------------------------------------

    def sync(self, view: CanvasView) -> None:
        """Show the latest text of each section, unless this person is settling a conflict
        there, or writing in it: their text is not replaced under their fingers; their next
        save, based on what they saw, shows them both texts."""
        state = st.session_state
        writing = drafts.editing(DRAFTS_KEY)
        for section in view.template.sections:
            key, latest = self.text_key(section.key), view.revision_id(section.key)
            if self.in_conflict(section.key) or (section.key == writing and key in state):
                continue
            if key not in state or self.base(section.key) != latest:
                state[key] = view.text(section.key)
                state[self.base_key(section.key)] = latest
            elif state[key] != view.text(section.key) and drafts.live(DRAFTS_KEY):
                # A field nobody is in, on the latest version, yet showing another text:
                # what its browser held is already saved (the drafts script sends every
                # text and keeps it until acknowledged), so the saved text is the one to
                # show, not an older value of the field left in this session.
                log.warning("canvas %s: %s showed another text than its latest version: "
                            "shown again", self.canvas_id, section.key)
                state[key] = view.text(section.key)

    def field(self, section: CanvasSection, *, disabled: bool) -> bool:
        """Draw the section's field (True), or the conflict to settle there (False)."""
        if self.in_conflict(section.key):
            self.conflict_panel(section)
            return False
        key = self.text_key(section.key)
        st.text_area(section.title(lang()), key=key, label_visibility="collapsed",
                     height=150, disabled=disabled, max_chars=canvases.SECTION_TEXT_MAX,
                     placeholder=_("For example: {example}", example=section.example(lang())),
                     on_change=self.autosave, args=(section.key, key))
        return True

    def conflict_panel(self, section: CanvasSection) -> None:
        theirs, mine = st.session_state[self.conflict_key(section.key)]
        st.warning(_("{name} saved this section while you were writing. Nothing is lost: "
                     "choose a text, or merge them.", name=render.md(theirs.author or "?")),
                   icon=":material/pan_tool:")
        left, right = st.columns(2)
        left.caption(_("Their text"))
        left.html(render.paragraphs(theirs.text))
        right.caption(_("Your text"))
        right.html(render.paragraphs(mine))
        st.text_area(_("Merged text"), value=f"{theirs.text}\n\n{mine}".strip(),
                     key=f"canvas_merge_{self.canvas_id}_{section.key}")
        a, b, c = st.columns(3)
        a.button(_("Keep theirs"), key=f"keep_theirs_{section.key}", on_click=self.resolve,
                 args=(section.key, "theirs"))
        b.button(_("Keep mine"), key=f"keep_mine_{section.key}", on_click=self.resolve,
                 args=(section.key, "mine"))
        c.button(_("Save the merge"), key=f"save_merge_{section.key}", type="primary",
                 on_click=self.resolve, args=(section.key, "merged"))

    def save_while_typing(self, view: CanvasView, actor: Actor) -> None:
        """Start the drafts script on this canvas's fields (for whoever may edit it)."""
        keys = [s.key for s in view.template.sections]
        drafts.save_while_typing(
            {self.text_key(k): k for k in keys}, {k: self.base(k) for k in keys},
            self.save_draft, key=DRAFTS_KEY,
            scope=f"{self.canvas_id}:{identity.actor_tag(actor)}")
