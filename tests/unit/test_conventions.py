"""Conventions the architecture rests on, checked so they hold by themselves."""

import ast
import re
from pathlib import Path

from core.settings import PROJECT_ROOT

APP_SOURCE = (PROJECT_ROOT / "app.py").read_text(encoding="utf-8")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_never_imports_streamlit():
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "core").rglob("*.py")
        if any(name.split(".")[0] in {"streamlit", "streamlit_authenticator", "ui"}
               for name in _imports(path))
    ]
    assert offenders == []


# core's parts, lowest first: a module imports its own package and those before it, never
# one after it (core.errors and core.settings, at the floor, import nothing of Fabrique).
CORE_LAYERS = ("text", "domain", "analysis", "storage", "services", "outputs")
CORE_FLOOR = {"core.errors", "core.settings"}


def _core_part(module: str) -> str | None:
    """The part of core that ``module`` (or a package of it) belongs to; None for the floor
    and for what is not core."""
    parts = module.split(".")
    return parts[1] if parts[0] == "core" and len(parts) > 1 and parts[1] in CORE_LAYERS \
        else None


def test_core_is_its_parts_and_they_import_one_way():
    """``ls core`` is the map: every module sits in a part (or is the floor), and a part
    imports only itself and the parts before it in ``CORE_LAYERS``."""
    core = PROJECT_ROOT / "core"
    loose = sorted(p.name for p in core.glob("*.py")
                   if p.name != "__init__.py" and f"core.{p.stem}" not in CORE_FLOOR)
    assert loose == []
    assert sorted(p.name for p in core.iterdir() if p.is_dir() and p.name != "__pycache__") \
        == sorted([*CORE_LAYERS, "locale"])
    uphill = []
    for path in core.rglob("*.py"):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        part = _core_part(module)
        for name in _imports(path):
            target = _core_part(name)
            if target is None:
                assert name.split(".")[0] != "core" or name in CORE_FLOOR, name
                continue
            if part is None or CORE_LAYERS.index(target) > CORE_LAYERS.index(part):
                uphill.append(f"{module} -> {name}")
    assert uphill == []
    floor = [f"{m} -> {n}" for m in CORE_FLOOR
             for n in _imports(core / f"{m.split('.')[1]}.py") if n.startswith("core")]
    assert floor == []


def test_pages_do_no_sql():
    """Pages read and write through core services only."""
    offenders = []
    for path in (PROJECT_ROOT / "pages").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        imports = _imports(path)
        if {"sqlmodel", "sqlalchemy"} & {name.split(".")[0] for name in imports} or re.search(
            r"\b(select|session\.add|\.exec)\(", source
        ):
            offenders.append(path.name)
    assert offenders == []


def test_every_page_file_is_in_the_registry():
    from ui import screens

    on_disk = {f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py")}
    assert {s.path for s in screens.ALL} == on_disk
    assert len({s.url_path for s in screens.ALL}) == len(screens.ALL)


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (PROJECT_ROOT / folder).rglob("*.py")]


def test_page_paths_only_in_the_registry():
    """Navigation, phase-following and links all read ``ui/screens.py``."""
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 if p.name != "screens.py"
                 and re.search(r"[\"']pages/[a-z_]+\.py[\"']", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_screens_never_decide_rights_from_the_actor_type():
    """Pages and ui/ ask ``core.domain.policy`` (``may``, ``facilitates``...) rather than testing
    which kind of actor they have; only ``ui/identity.py`` tells actors apart."""
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 if p.name != "identity.py"
                 and re.search(r"isinstance\([^)]*(Actor|actor)", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_screens_never_decide_the_votes_state():
    """The vote's state (being prepared, open, closed) is the scoring service's to read:
    pages and ui/ draw its ``VoteView`` (what the person may do, what stands instead of the
    ballot), never comparing ``ScoringState`` themselves."""
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 if re.search(r"ScoringState|scoring_state\s*[!=]=", p.read_text(
                     encoding="utf-8"))]
    assert offenders == []


def test_screens_read_no_workshop_state_to_decide():
    """Whether the results are revealed, the vote's state, the workshop's status: pages and
    ui/ take them from the views the services hand them (``ScoringBoard.revealed``,
    ``VoteView``, ``LiveState``), never off the workshop's row."""
    offenders = [f"{p.relative_to(PROJECT_ROOT)}: {m.group(0)}"
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 for m in re.finditer(r"\.workshop\.(results_revealed|scoring_state|status|"
                                      r"paused_at)\b", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_screens_never_compare_the_phase_or_the_workshops_status():
    """Where the workshop is (not started, running, over; welcoming, pairing) is the live
    state's to say (``LiveState.draft``, ``.running``, ``.welcoming``...); what a screen
    shows in each kind of phase is a registry keyed by kind (``ui/wall.BLOCKS``,
    ``ui/screens.PHASE_SCREENS``), never a comparison in a page or ui/."""
    compared = re.compile(
        r"(PhaseKind|WorkshopStatus)\.[A-Z_]+\s*(==|!=)"
        r"|(==|!=|\bin)\s*\(?\s*(PhaseKind|WorkshopStatus)\."
        r"|\b(phase|state|workshop|summary)\.(kind|status)\s*(==|!=|in\b|not in\b)")
    offenders = [f"{p.relative_to(PROJECT_ROOT)}: {m.group(0)}"
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 for m in compared.finditer(p.read_text(encoding="utf-8"))]
    assert offenders == []
    # The registries name every kind of phase the wall draws or a participant is sent to.
    from core.domain.models import PhaseKind
    from ui import screens, wall

    assert set(wall.BLOCKS) | {PhaseKind.WELCOME, PhaseKind.ROUND, PhaseKind.PAIRS} \
        == set(PhaseKind)
    assert set(screens.PHASE_SCREENS) <= set(PhaseKind)


def test_a_page_reads_the_live_state_once_and_follows_from_it():
    """A page is drawn from the live state its screen read first (``ui/workshop_screen``),
    and its live part compares the workshop with that one: a second read later in the run
    could already hold the next step, and the page would never be redrawn for it. So
    ``live.live_state`` is called by the screen's opening alone."""
    readers = sorted({str(p.relative_to(PROJECT_ROOT))
                      for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                      if re.search(r"(?<!def )\blive_state\(\s*workshop_id|live\.live_state\(",
                                   p.read_text(encoding="utf-8"))})
    assert readers == ["ui/workshop_screen.py"]


def test_the_votes_life_is_the_scoring_services():
    """The vote's state and the results' reveal are written in one place,
    ``core/services/scoring.py`` (the phase service asks it at a phase change)."""
    writers = sorted({str(p.relative_to(PROJECT_ROOT))
                      for p in _python_files("core", "pages", "ui")
                      if re.search(r"\.(scoring_state|results_revealed)\s*=[^=]",
                                   p.read_text(encoding="utf-8"))})
    assert writers == ["core/services/scoring.py"]


def test_screens_never_build_the_facts_a_right_depends_on():
    """Pages and ui/ never make a ``policy.Where`` of their own: the services hand them the
    facts of the moment (``LiveState.where``) or the answer itself (``ActionView.may_*``,
    ``VoteView``)."""
    offenders = [str(p.relative_to(PROJECT_ROOT))
                 for p in _python_files("pages", "ui") + [PROJECT_ROOT / "app.py"]
                 if re.search(r"\bWhere\(", p.read_text(encoding="utf-8"))]
    assert offenders == []


WORKSHOP_SCREENS = {"canvas.py", "explore.py", "facilitate.py", "group.py", "ideas.py",
                    "import_cards.py", "next_steps.py", "projector.py", "results.py",
                    "score.py", "synthesis.py", "workshop.py"}


def test_every_workshop_page_opens_through_the_helper():
    opener = {"explore.py", "ideas.py"}  # through ui/board.py's card_board_page
    missing = [name for name in sorted(WORKSHOP_SCREENS - opener)
               if "open_workshop_screen(" not in (PROJECT_ROOT / "pages" / name).read_text(
                   encoding="utf-8")]
    assert missing == []
    assert "open_workshop_screen(" in (PROJECT_ROOT / "ui" / "board.py").read_text(
        encoding="utf-8")
    for name in opener:
        assert "card_board_page(" in (PROJECT_ROOT / "pages" / name).read_text(
            encoding="utf-8")


def test_every_act_has_a_rule():
    from core.domain import policy

    assert set(policy.RULES) == set(policy.Act)


def test_every_page_has_an_app_test():
    tests = "\n".join(p.read_text(encoding="utf-8")
                      for p in (PROJECT_ROOT / "tests" / "app").glob("test_*.py"))
    missing = [p.name for p in (PROJECT_ROOT / "pages").glob("*.py")
               if f"pages/{p.name}" not in tests]
    assert missing == []


def test_no_user_text_through_unsafe_html():
    offenders = []
    for folder in ("pages", "ui"):
        for path in (PROJECT_ROOT / folder).glob("*.py"):
            if "unsafe_allow_html=True" in path.read_text(encoding="utf-8"):
                offenders.append(path.name)
    assert offenders == []


def test_offline_configuration():
    config = (PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r"gatherUsageStats\s*=\s*false", config)
    # A ":material/…:" page icon (the favicon) is fetched from Google's servers; the menu's
    # and buttons' material icons use the font Streamlit bundles.
    assert "page_icon=\":material" not in APP_SOURCE
    for path in list((PROJECT_ROOT / "pages").glob("*.py")) + [PROJECT_ROOT / "app.py"]:
        assert "https://" not in path.read_text(encoding="utf-8"), path.name


def test_every_page_starts_with_page_setup():
    """page_setup() leaves Streamlit's pages/ fallback (see ui/legacy_guard.py)."""
    missing = [p.name for p in (PROJECT_ROOT / "pages").glob("*.py")
               if "\nlegacy_guard.page_setup()\n" not in p.read_text(encoding="utf-8")]
    assert missing == []


def test_readme_prints_the_rights_table():
    from core.domain import policy

    readme = (PROJECT_ROOT / "docs" / "developer.md").read_text(encoding="utf-8")
    printed = readme.split("<!-- rules:start -->\n", 1)[1].split("\n<!-- rules:end -->", 1)[0]
    assert printed == policy.rules_markdown()


def test_no_emoji_in_the_interface():
    """Emoji are empty boxes on a laptop without an emoji font (a village hall's may well
    lack one): icons come from Streamlit's bundled Material Symbols (``:material/…:``, or
    ``render.icon`` in HTML)."""
    emoji = re.compile("[\U0001F000-\U0001FAFF\u2600-\u2712\u2714-\u27BF\u2B00-\u2BFF"
                       "\u23E9-\u23FA\uFE0F]")
    found = [f"{path.relative_to(PROJECT_ROOT)}:{number}"
             for path in [*PROJECT_ROOT.glob("pages/*.py"), *PROJECT_ROOT.glob("ui/*.py"),
                          PROJECT_ROOT / "app.py"]
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if emoji.search(line)]
    assert found == []
    for catalog in PROJECT_ROOT.glob("core/locale/*/LC_MESSAGES/messages.po"):
        assert not emoji.search(catalog.read_text()), catalog


def test_every_multiselect_says_what_to_choose_in_the_persons_language():
    """Without ``placeholder``, Streamlit writes "Choose options" in English."""
    missing = []
    for path in [*PROJECT_ROOT.glob("pages/*.py"), *PROJECT_ROOT.glob("ui/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "multiselect"
                    and "placeholder" not in {k.arg for k in node.keywords}):
                missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_make_test_keeps_the_browser_tests_that_make_load_alone():
    """`make test` runs two workers; the browser tests that make their own load (burning
    processes, a server killed under writes, nginx) are one unit, every other browser test
    its own, the rest one unit — and every browser test module that starts CPU-burning
    processes or nginx is in ``ALONE``."""
    import subprocess
    import sys

    from tests.conftest import ALONE, ALONE_SCOPE, REST_SCOPE, worker_group

    assert "pytest -n 2 --dist loadgroup" in (PROJECT_ROOT / "Makefile").read_text()
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                             "-p", "no:cacheprovider", "tests"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True).stdout.splitlines()
    ids = [line for line in listed if "::" in line]
    browser = [i for i in ids if i.startswith("tests/browser/")]
    assert all(worker_group(i) == REST_SCOPE for i in ids if i not in browser)
    alone = [i for i in browser if worker_group(i) == ALONE_SCOPE]
    assert {i.split("::")[0].rsplit("/", 1)[-1] for i in alone} == set(ALONE)
    assert all(worker_group(i) == i for i in browser if i not in alone)
    loading = {p.name for p in (PROJECT_ROOT / "tests" / "browser").glob("test_*.py")
               if re.search(r"while True: pass|nginx",
                            p.read_text(encoding="utf-8"))}
    assert loading <= set(ALONE)


def test_the_guide_has_a_part_for_every_screen_and_tests_take_its_images():
    """Every screen's "Aide" link opens a part of the facilitator's guide; every image the
    guide shows is in ``docs/images/`` and taken by a browser test (``guide_shot``), and
    every image the tests take is shown."""
    from ui import guide, screens

    keys = guide.section_keys()
    assert len(keys) == len(set(keys)) >= 10
    assert [s.url_path for s in screens.ALL if s.guide not in keys and s is not screens.GUIDE] \
        == []
    text = guide.GUIDE.read_text(encoding="utf-8")
    shown = set(re.findall(r"\]\(images/([a-z0-9-]+)\.png\)", text))
    taken = {name for path in (PROJECT_ROOT / "tests" / "browser").glob("test_*.py")
             for name in re.findall(r'guide_shot\(\w+, "([a-z0-9-]+)"\)',
                                    path.read_text(encoding="utf-8"))}
    assert shown == taken
    missing = [name for name in shown
               if not (PROJECT_ROOT / "docs" / "images" / f"{name}.png").is_file()]
    assert missing == []
    # A part named in the text is a part of the guide.
    assert set(re.findall(r"\]\(#([a-z0-9-]+)\)", text)) <= set(keys)


def test_a_sessions_runs_stay_in_one_thread():
    """Pages change session state outside callbacks, so a new request must wait for the
    running script to stop rather than start a second thread beside it (Streamlit's fast
    reruns give each thread its own lock on the same state)."""
    import tomllib

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(
        encoding="utf-8"))
    assert config["runner"]["fastReruns"] is False


def test_readers_within_an_authorisation_stay_in_the_services():
    """``cards.board_in``, ``scoring.results_in``… read a workshop, a canvas or a collective
    the calling service has already let its reader see (the synthesis: one authorisation).
    They check nothing themselves, so nothing outside ``core/services`` calls them: pages,
    ui/, the outputs, the web routes and the command line go through the checked services."""
    import inspect

    from core.services import actions, canvases, cards, clusters, projects, scoring

    unchecked = {name for module in (actions, canvases, cards, clusters, projects, scoring)
                 for name, _f in inspect.getmembers(module, inspect.isfunction)
                 if name.endswith("_in") and not name.startswith("_")
                 and name not in ("sign_in", "where_in")}
    assert {"board_in", "results_in", "canvas_view_in"} <= unchecked
    offenders = [f"{p.relative_to(PROJECT_ROOT)}: {m.group(0)}"
                 for p in _python_files("pages", "ui", "launch", "core/outputs")
                 + [PROJECT_ROOT / "app.py"]
                 for m in re.finditer(r"\.(\w+_in)\(", p.read_text(encoding="utf-8"))
                 if m.group(1) in unchecked]
    assert offenders == []
