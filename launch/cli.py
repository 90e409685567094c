"""The ``fabrique`` command line."""

from __future__ import annotations

import argparse
import csv
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

from core.errors import FabriqueError, InvalidInput
from core.i18n import LANGUAGES, N_, translate
from core.livrable import FORMATS
from core.settings import Settings, get_settings

# What each command needs is imported inside it (the database layer, scikit-learn, the
# PDF and Word writers): a command starts without loading what it does not use.


def main(argv: list[str] | None = None) -> int:
    """Run a ``fabrique`` subcommand."""
    parser = argparse.ArgumentParser(prog="fabrique", description="Fabrique's command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="Upgrade the database to the newest schema and load the demo."
    )
    commands.add_parser("setup-code", help="Print the one-time code to create the first admin.")
    serve = commands.add_parser(
        "serve", help="Run the app, and the projector's own app server on the next port.")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on")  # noqa: S104
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--no-wall", action="store_true",
                       help="one app server only (the projector shares it)")
    cluster = commands.add_parser(
        "cluster", help="Suggest groups for the rows of a CSV file (as the app does).")
    cluster.add_argument("file", type=Path, help="CSV file: UTF-8 or Windows-1252, ',' or ';'")
    cluster.add_argument("--text-column", required=True, help="column holding the text")
    cluster.add_argument("--groups", type=int, default=None,
                         help="number of groups (chosen automatically when absent)")
    cluster.add_argument("--output", type=Path, default=None,
                         help="where to write the result (default: standard output)")
    commands.add_parser(
        "workshops", help="List workshops: id, join code, collective, title, status "
                          "(tab-separated, one per line).")
    synthesis_cmd = commands.add_parser(
        "synthesis", help="Write a workshop's synthesis (the livrable) to a file.")
    synthesis_cmd.add_argument("workshop", help="the workshop's id or join code")
    synthesis_cmd.add_argument("--format", choices=FORMATS, default="pdf", dest="fmt")
    synthesis_cmd.add_argument("--out", type=Path, required=True, help="file to write")
    synthesis_cmd.add_argument("--anonymous", action="store_true",
                               help="no participant's name in it")
    synthesis_cmd.add_argument("--lang", choices=LANGUAGES, default=None,
                               help="language (default: FABRIQUE_DEFAULT_LANGUAGE)")
    commands.add_parser(
        "collectives", help="List collectives: id, name, number of workshops (tab-separated, "
                            "one per line).")
    export_cmd = commands.add_parser(
        "export", help="Write everything of one collective to a JSON file, to import it in "
                       "another Fabrique (format: data/schemas/collective-v1.schema.json).")
    export_cmd.add_argument("collective", type=int, help="the collective's id")
    export_cmd.add_argument("--out", type=Path, required=True, help="file to write")
    import_cmd = commands.add_parser(
        "import", help="Create the collective of a file written by 'fabrique export' (never "
                       "overwrites; a file already imported is not imported twice); print "
                       "its id.")
    import_cmd.add_argument("file", type=Path, help="the JSON file")
    backup_cmd = commands.add_parser(
        "backup", help="Back the database up to a file, safe while the app runs (SQLite's "
                       "online backup; PostgreSQL: pg_dump).")
    backup_cmd.add_argument("file", type=Path, help="file to write")
    restore_cmd = commands.add_parser(
        "restore", help="Replace the SQLite database by a backup (refused while Fabrique "
                        "runs; the database replaced is kept aside).")
    restore_cmd.add_argument("file", type=Path, help="a file written by 'fabrique backup'")
    args = parser.parse_args(argv)
    if args.command in ("backup", "restore"):
        return _backup(get_settings(), args)
    if args.command == "cluster":
        return _cluster(args.file, args.text_column, args.groups, args.output)
    settings = get_settings()
    if args.command == "serve":
        return _serve(settings, args.host, args.port, wall=not args.no_wall)
    if args.command in ("workshops", "synthesis", "collectives", "export", "import"):
        return _as_operator(settings, args)
    from core.db import session_scope
    from launch.startup import bootstrap

    if args.command == "migrate":
        bootstrap(settings)
        print(f"Database ready: {settings.resolved_database_url.split('@')[-1]}")
    elif args.command == "setup-code":
        bootstrap(settings)
        from core.services import accounts

        with session_scope(write=True) as session:
            code = accounts.setup_code(session)
        print(code or "An administrator already exists.")
    return 0


def _as_operator(settings: Settings, args: argparse.Namespace) -> int:
    """Run an operator's command (``workshops``, ``synthesis``, ``collectives``, ``export``,
    ``import``) as the machine's administrator; a refusal is a message on standard error
    and exit status 2."""
    from core import livrable
    from core.db import ensure_schema, session_scope
    from core.services import accounts, synthesis, transfer, workshops
    from core.templates import load_templates

    name = f"fabrique {args.command}"
    lang = getattr(args, "lang", None) or settings.default_language
    try:
        ensure_schema(settings.resolved_database_url)
        with session_scope() as session:
            actor = accounts.operator(session)
            if args.command == "workshops":
                for workshop, collective in workshops.all_workshops(session=session,
                                                                    actor=actor):
                    print("\t".join(_cell(v) for v in (
                        workshop.id, workshop.join_code, collective.name, workshop.title,
                        workshop.status)))
                return 0
            if args.command == "collectives":
                for collective, count in workshops.all_collectives(session=session,
                                                                   actor=actor):
                    print("\t".join(_cell(v) for v in (collective.id, collective.name, count)))
                return 0
            if args.command == "import":
                done = transfer.import_collective(session=session, actor=actor,
                                                  data=args.file.read_bytes())
                print(done.collective_id)
                print(translate(lang, N_("“{name}” was already here: nothing imported.")
                                if done.already_here else
                                N_("“{name}” imported: {rows} rows."),
                                name=done.name, rows=done.rows), file=sys.stderr)
                return 0
            if args.command == "export":
                data = transfer.dumps(transfer.export_collective(
                    session=session, actor=actor, collective_id=args.collective))
                args.out.write_bytes(data)
                print(f"{args.out} ({len(data):,} bytes)", file=sys.stderr)
                return 0
            workshop = workshops.find_workshop(session=session, actor=actor,
                                               reference=args.workshop)
            found = synthesis.build(session=session, actor=actor, lang=lang,
                                    templates=load_templates(settings.templates_dir),
                                    workshop_id=workshop.id, anonymous=args.anonymous)
            data = livrable.write(found, args.fmt)
        args.out.write_bytes(data)
    except FabriqueError as error:
        print(f"{name}: {translate(lang, error.msgid, **error.params)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    print(f"{args.out} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def _backup(settings: Settings, args: argparse.Namespace) -> int:
    """``fabrique backup FILE`` / ``fabrique restore FILE``."""
    from core import backup

    lang = settings.default_language
    url = settings.resolved_database_url
    try:
        if args.command == "backup":
            done = backup.backup(url, args.file)
            print(f"{done.path} ({done.size:,} bytes)")
        else:
            done = backup.restore(url, args.file)
            print(translate(lang, N_("Restored {file} into {target}."), file=str(args.file),
                            target=str(done.path)))
            if done.kept_aside is not None:
                print(translate(lang, N_("The database it replaced is kept in {file}."),
                                file=str(done.kept_aside)))
    except FabriqueError as error:
        print(f"fabrique {args.command}: {translate(lang, error.msgid, **error.params)}",
              file=sys.stderr)
        return 2
    return 0


def _cell(value: object) -> str:
    """Return one tab-separated field (tabs and line breaks in names become spaces)."""
    return " ".join(str(value).split())


APP = Path(__file__).resolve().parents[1] / "app.py"
WALL_INTERVAL = 0.25  # seconds between the wall's polls, on its own server


def _serve(settings: Settings, host: str, port: int, *, wall: bool) -> int:
    """Run the app on ``port`` and, unless ``wall`` is off, a second app server on the same
    database on ``port + 1`` for the projector. Each app server is one Python process: with
    sixty phones on one, the wall's updates wait behind theirs (bench/load.py); on its own,
    the wall stays within half a second. The facilitator's "projector" button opens it."""
    from launch.startup import bootstrap

    bootstrap(settings)  # migrations, demo, setup code: once, before both servers start
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host,
               "--browser.serverAddress", "localhost"]
    env = dict(os.environ)
    servers: list[subprocess.Popen] = []
    # Stopped by a service manager (SIGTERM) as by Ctrl+C: both servers stop with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if wall:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            with (settings.data_dir / "wall-server.log").open("ab") as log:
                servers.append(subprocess.Popen(  # noqa: S603 - our own command line
                    [*command, "--server.port", str(port + 1), "--server.headless", "true"],
                    env={"FABRIQUE_PROJECTOR_INTERVAL": str(WALL_INTERVAL), **env,
                         "FABRIQUE_APP_PORT": str(port)}, stdout=log,
                    stderr=subprocess.STDOUT))
            env["FABRIQUE_WALL_PORT"] = str(port + 1)
        main_server = subprocess.Popen([*command, "--server.port", str(port)], env=env)  # noqa: S603
        servers.append(main_server)
        return main_server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


GROUP_COLUMN = "groupe"
GROUP_NAME_COLUMN = "nom_du_groupe"


def _cluster(path: Path, text_column: str, groups: int | None, output: Path | None) -> int:
    """Write the rows back with their suggested group number and name."""
    from core.grouping import suggest_groups
    from core.imports import read_csv

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
