"""The ``fabrique`` command line."""

from __future__ import annotations

import argparse
import sys

from core.bootstrap import bootstrap
from core.db import session_scope
from core.services import accounts
from core.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    """Run a ``fabrique`` subcommand."""
    parser = argparse.ArgumentParser(prog="fabrique", description="Fabrique's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="Upgrade the database to the newest schema and load the demo."
    )
    commands.add_parser("setup-code", help="Print the one-time code to create the first admin.")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.command == "migrate":
        bootstrap(settings)
        print(f"Database ready: {settings.resolved_database_url.split('@')[-1]}")
    elif args.command == "setup-code":
        bootstrap(settings)
        with session_scope(write=True) as session:
            code = accounts.setup_code(session)
        print(code or "An administrator already exists.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
