"""What every app process does once before serving: schema, templates, demo, secrets."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from core.db import ensure_schema, session_scope
from core.services import accounts
from core.settings import Settings
from core.templates import Templates, load_templates
from launch.demo import demo_files, load_demo


@dataclass(frozen=True)
class Ready:
    """The outcome of bootstrapping: templates loaded, and the first-run code if any."""

    templates: Templates
    setup_code: str | None


def bootstrap(settings: Settings) -> Ready:
    """Migrate the database, load templates and the demo collective, prepare first run.

    While no admin exists, the one-time setup code is printed on the server's console
    (and written next to the SQLite file) for the person who started Fabrique.
    """
    url = settings.resolved_database_url
    ensure_schema(url)
    templates = load_templates(settings.templates_dir)
    with session_scope(write=True, url=url) as session:
        if settings.load_demo:
            for path in demo_files(settings.templates_dir):
                load_demo(session=session, path=path, templates=templates,
                          lang=settings.default_language)
        code = accounts.setup_code(session)
        configured = settings.cookie_key.get_secret_value() if settings.cookie_key else None
        accounts.cookie_key(session, configured)
    if code:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        (settings.data_dir / "setup-code.txt").write_text(code + "\n", encoding="utf-8")
        print(
            f"\n  Fabrique — code de première connexion / first-run setup code: {code}\n"
            f"  (also in {settings.data_dir / 'setup-code.txt'})\n",
            file=sys.stderr,
            flush=True,
        )
    return Ready(templates=templates, setup_code=code)
