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


def test_every_page_file_is_in_the_navigation():
    listed = set(re.findall(r'st\.Page\("(pages/[a-z_]+\.py)"', APP_SOURCE))
    on_disk = {f"pages/{p.name}" for p in (PROJECT_ROOT / "pages").glob("*.py")}
    assert listed == on_disk


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
    assert ":material/" not in APP_SOURCE  # material page icons are fetched remotely
    for path in list((PROJECT_ROOT / "pages").glob("*.py")) + [PROJECT_ROOT / "app.py"]:
        assert "https://" not in path.read_text(encoding="utf-8"), path.name


def test_every_page_starts_with_page_setup():
    """page_setup() leaves Streamlit's pages/ fallback (see ui.session.page_setup)."""
    missing = [p.name for p in (PROJECT_ROOT / "pages").glob("*.py")
               if "\nsession.page_setup()\n" not in p.read_text(encoding="utf-8")]
    assert missing == []
