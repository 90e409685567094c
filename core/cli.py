"""The ``fabrique`` command line."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from core.bootstrap import bootstrap
from core.db import session_scope
from core.errors import InvalidInput
from core.grouping import suggest_groups
from core.i18n import N_
from core.imports import read_csv
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
    cluster = commands.add_parser(
        "cluster", help="Suggest groups for the rows of a CSV file (as the app does).")
    cluster.add_argument("file", type=Path, help="CSV file: UTF-8 or Windows-1252, ',' or ';'")
    cluster.add_argument("--text-column", required=True, help="column holding the text")
    cluster.add_argument("--groups", type=int, default=None,
                         help="number of groups (chosen automatically when absent)")
    cluster.add_argument("--output", type=Path, default=None,
                         help="where to write the result (default: standard output)")
    args = parser.parse_args(argv)
    if args.command == "cluster":
        return _cluster(args.file, args.text_column, args.groups, args.output)
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


GROUP_COLUMN = "groupe"
GROUP_NAME_COLUMN = "nom_du_groupe"


def _cluster(path: Path, text_column: str, groups: int | None, output: Path | None) -> int:
    """Write the rows back with their suggested group number and name."""
    try:
        table = read_csv(path.read_bytes())
        if text_column not in table.columns:
            raise InvalidInput(N_("There is no column {column} in this file."),
                               column=text_column)
        if groups is not None and groups < 1:
            raise InvalidInput(N_("Ask for between 1 and {max} groups."), max=48)
    except (OSError, InvalidInput) as error:
        message = error.msgid.format(**error.params) if isinstance(error, InvalidInput) \
            else str(error)
        print(f"fabrique cluster: {message}", file=sys.stderr)
        return 2
    suggestion = suggest_groups(table.column(text_column), groups)
    labels = suggestion.labels(len(table.rows))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow([*table.columns, GROUP_COLUMN, GROUP_NAME_COLUMN])
    width = len(table.columns)
    for row, label in zip(table.rows, labels, strict=True):
        group = suggestion.groups[label]
        cells = (row + [""] * width)[:width] if len(row) <= width else row
        writer.writerow([*cells, label + 1, group.name])
    encoding = "utf-8-sig" if table.encoding == "utf-8-sig" else table.encoding
    data = buffer.getvalue().encode(encoding, errors="replace")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
    print(f"{len(table.rows)} rows, {len(suggestion.groups)} groups"
          f"{' (chosen automatically)' if suggestion.k_was_chosen else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
