"""Every screen of the app, in one registry: the navigation (``app.py``), the phase a
participant is taken to, and every link read their path, title and icon from here."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core.domain.models import PhaseKind
from core.text.i18n import N_
from ui.i18n import _

_BUILT: dict[tuple, st.Page] = {}


def page_of(path: str, **options: object) -> st.Page:
    """Return ``st.Page(path, **options)``: built once per process (Streamlit resolves and
    checks the file on disk at each construction, a millisecond and a half for the twenty
    entries of a run's navigation), then copied for each run — a run's ``st.navigation``
    marks the page it runs on the page object itself, so runs never share one."""
    ctx = get_script_run_ctx()
    root = ctx.pages_manager.main_script_parent if ctx is not None else None
    key = (root, path, tuple(sorted(options.items())))
    built = _BUILT.get(key)
    if built is None:
        built = _BUILT[key] = st.Page(path, **options)  # type: ignore[arg-type]
    return copy.copy(built)


@dataclass(frozen=True)
class Screen:
    """One page of the app: its file in ``pages/``, its title (a message id), icon, URL, and
    the part of the facilitator's guide about it (``ui/guide``)."""

    path: str
    title: str
    icon: str
    url_path: str
    guide: str = ""

    def page(self) -> st.Page:
        """Return the navigation entry of this screen (its title in this run's language)."""
        return page_of(self.path, title=_(self.title), icon=self.icon, url_path=self.url_path)

    def go(self) -> None:
        """Take this session to this screen, at its own address (``st.switch_page`` by
        file takes the first page drawing that file, and an address of the navigation may
        be drawn by another screen's file: ``navigation``'s stand-ins)."""
        drawn = st.session_state.get(DRAWN_BY_KEY, {}).get(self.url_path, self.path)
        st.switch_page(page_of(drawn, title=_(self.title), icon=self.icon,
                               url_path=self.url_path))

    def link(self, label: str | None = None, **kwargs: object) -> None:
        """Draw a link to this screen (its title unless ``label``)."""
        st.page_link(self.path, label=label or _(self.title), icon=self.icon,
                     **kwargs)  # type: ignore[arg-type]


LOGIN = Screen("pages/login.py", N_("Log in"), ":material/login:", "login",
               guide="comptes")
JOIN = Screen("pages/join.py", N_("Join a workshop"), ":material/front_hand:", "join",
              guide="participer")
HOME = Screen("pages/home.py", N_("Collectives and workshops"), ":material/home:", "home",
              guide="preparer")
FACILITATE = Screen("pages/facilitate.py", N_("Lead"), ":material/campaign:", "facilitate",
                    guide="jour-j")
PROJECTOR = Screen("pages/projector.py", N_("Projector"), ":material/co_present:", "projector",
                   guide="jour-j")
WORKSHOP = Screen("pages/workshop.py", N_("Workshop"), ":material/explore:", "workshop",
                  guide="participer")
EXPLORE = Screen("pages/explore.py", N_("Explore"), ":material/search:", "explore",
                 guide="explorer")
IDEAS = Screen("pages/ideas.py", N_("Ideas"), ":material/lightbulb:", "ideas",
               guide="idees")
GROUP = Screen("pages/group.py", N_("Group"), ":material/category:", "group",
               guide="regrouper")
SCORE = Screen("pages/score.py", N_("Score"), ":material/how_to_vote:", "score",
               guide="evaluer")
RESULTS = Screen("pages/results.py", N_("Results"), ":material/leaderboard:", "results",
                 guide="evaluer")
CANVAS = Screen("pages/canvas.py", N_("Formalise"), ":material/description:", "canvas",
                guide="formaliser")
NEXT_STEPS = Screen("pages/next_steps.py", N_("Next steps"), ":material/stairs:", "next_steps",
                    guide="etapes")
EXCHANGE = Screen("pages/exchange.py", N_("Swapping views"), ":material/forum:", "exchange",
                  guide="chacun-son-projet")
RELATION = Screen("pages/relation.py", N_("And the local authority?"),
                  ":material/account_balance:", "relation",
                  guide="collectivite")
FOLLOWUP = Screen("pages/followup.py", N_("Porteurs' follow-up"), ":material/monitoring:",
                  "followup",
                  guide="chacun-son-projet")
SYNTHESIS = Screen("pages/synthesis.py", N_("Synthesis"), ":material/receipt_long:", "synthesis",
                   guide="apres")
IMPORT_CARDS = Screen("pages/import_cards.py", N_("Import cards"),
                      ":material/upload_file:", "import",
                      guide="preparer")
ACCOUNT = Screen("pages/account.py", N_("My account"), ":material/person:", "account",
                 guide="comptes")
GUIDE = Screen("pages/guide.py", N_("Help"), ":material/help:", "guide")
USERS = Screen("pages/users.py", N_("Accounts"), ":material/admin_panel_settings:", "users",
               guide="comptes")

ALL = (LOGIN, JOIN, HOME, FACILITATE, PROJECTOR, WORKSHOP, EXPLORE, IDEAS, GROUP, SCORE,
       RESULTS, CANVAS, EXCHANGE, RELATION, NEXT_STEPS, SYNTHESIS, FOLLOWUP, IMPORT_CARDS,
       ACCOUNT, USERS, GUIDE)
# Screens anyone may open, whoever they are: drawn by themselves at their address.
OPEN_TO_ALL = (GUIDE,)

# Where participants are taken during each kind of phase (the others: the workshop page).
PHASE_SCREENS: dict[str, Screen] = {
    PhaseKind.EXPLORE: EXPLORE,
    PhaseKind.IDEAS: IDEAS,
    PhaseKind.GROUP: GROUP,
    PhaseKind.SCORE: SCORE,
    PhaseKind.FORMALISE: CANVAS,
    PhaseKind.PAIRS: EXCHANGE,
    PhaseKind.DIAGNOSTIC: RELATION,
    PhaseKind.NEXT_STEPS: NEXT_STEPS,
}

# The screens a participant works in; a visitor opening one of their addresses is asked to
# join (a personal link no longer valid, a phone that left the workshop).
PARTICIPANT_SCREENS = (WORKSHOP, EXPLORE, IDEAS, GROUP, SCORE, RESULTS, CANVAS, EXCHANGE,
                       RELATION, NEXT_STEPS)
START_PATH = "start"  # the hidden entry behind "/" (Streamlit serves the default page there)
DRAWN_BY_KEY = "_drawn_by"  # this run's addresses drawn by another screen's file
SHOWN_KEY = "_shown_address"  # the address this run draws (app.py, from st.navigation)
START_DRAWS_KEY = "_start_draws"  # the address of the screen "/" draws (the menu's first)


def shown_at(page: st.Page) -> None:
    """Remember the address this run draws (``st.navigation``'s page; "" for "/")."""
    st.session_state[SHOWN_KEY] = page.url_path


def shown_screen() -> Screen | None:
    """Return the screen this run draws ("/" draws the menu's first; None where the run
    draws no screen of the registry: a start without its database, a server sending on)."""
    if not st.session_state.get(START_DRAWS_KEY):  # ``everywhere``: no screen drawn
        return None
    address = shown_address()
    if address in ("", START_PATH):
        address = st.session_state.get(START_DRAWS_KEY, "")
    return next((screen for screen in ALL if screen.url_path == address), None)


def shown_address() -> str:
    """Return the address this run draws ("" for "/")."""
    return str(st.session_state.get(SHOWN_KEY, ""))


def navigation(menu: Mapping[str, Sequence[Screen]], *,
               stand_ins: Mapping[Screen, Screen] | None = None) -> dict[str, list[st.Page]]:
    """Return the pages of ``st.navigation`` for one kind of person: the ``menu``'s screens,
    listed in their sections; and every other screen of the app at its own address, not
    listed, drawing the screen that stands in for it (``stand_ins``; otherwise the menu's
    first screen) — so that no address Fabrique hands out opens on Streamlit's "Page not
    found" box, whoever opens it (a visitor asked to sign in at ``/facilitate``, then taken
    there). "/" draws the menu's first screen, whose own address also works: Streamlit
    serves its default page at "/" only, and ``/login`` would otherwise be "not found"."""
    listed = [screen for entries in menu.values() for screen in entries]
    first = listed[0]
    stand_ins = stand_ins or {}
    drawn: dict[str, str] = {}  # the addresses drawn by another screen's file
    sections = {section: [screen.page() for screen in entries]
                for section, entries in menu.items()}
    hidden = [page_of(first.path, title=_(first.title), icon=first.icon, url_path=START_PATH,
                      default=True, visibility="hidden")]
    for screen in ALL:
        if screen not in listed:
            shown = stand_ins.get(screen, screen if screen in OPEN_TO_ALL else first)
            drawn[screen.url_path] = shown.path
            hidden.append(page_of(shown.path, title=_(shown.title), icon=shown.icon,
                                  url_path=screen.url_path, visibility="hidden"))
    st.session_state[DRAWN_BY_KEY] = drawn
    st.session_state[START_DRAWS_KEY] = first.url_path
    # Pages sharing a file: links and st.switch_page take the first registered, the listed.
    last = list(sections)[-1]
    sections[last] = sections[last] + hidden
    return sections


def everywhere(draw: Callable[[], None], title: str) -> list[st.Page]:
    """Return one page per address of the app, each drawing ``draw`` (a server that only
    sends people on, a start without its database): whichever link was opened, it opens
    without a "Page not found" box, and the page asked for is found once things are back
    (Streamlit keys a page by its address)."""
    st.session_state[START_DRAWS_KEY] = ""
    return [st.Page(draw, title=title, url_path=START_PATH, default=True)] + [
        st.Page(draw, title=title, url_path=screen.url_path, visibility="hidden")
        for screen in ALL]
