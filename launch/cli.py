"""The ``fabrique`` command line."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.errors import FabriqueError, InvalidInput
from core.outputs.livrable import FORMATS
from core.settings import Settings, get_settings
from core.text.i18n import LANGUAGES, N_, translate

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
                       help="no app server of its own for the projector")
    serve.add_argument("--participant-servers", type=int, default=None, metavar="N",
                       help="app servers for participants' phones, on the ports after the "
                            "projector's, for rooms of more than 150 (default: "
                            "FABRIQUE_PARTICIPANT_SERVERS, else none; see docs/admin.md)")
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
                       "another Fabrique (format: data/schemas/collective-v3.schema.json).")
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
        return _serve(settings, args.host, args.port, wall=not args.no_wall,
                      participant_servers=args.participant_servers)
    if args.command in ("workshops", "synthesis", "collectives", "export", "import"):
        return _as_operator(settings, args)
    from core.storage.db import session_scope
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
    from core.domain.templates import load_templates
    from core.outputs import livrable
    from core.services import accounts, synthesis, transfer, workshops
    from core.storage.db import ensure_schema, session_scope

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
    from core.storage import backup

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


APP = Path(__file__).resolve().parents[1] / "asgi.py"  # app.py with launch/web.py
WALL_INTERVAL = 0.25  # seconds between the wall's polls, on its own server


RESTARTS_PER_MINUTE = 5  # beyond, a child that keeps dying is left stopped, and said so


def _serve(settings: Settings, host: str, port: int, *, wall: bool,
           participant_servers: int | None = None) -> int:
    """Run the app on ``port`` and, unless ``wall`` is off, a second app server on the same
    database on ``port + 1`` for the projector, and the participant servers on the ports
    after it. Each app server is one Python process, so one core: with sixty phones on one,
    the wall's updates wait behind theirs (bench/load.py); on its own, the wall stays within
    half a second. The facilitator's "projector" button opens it; participants who join on
    the main server are sent on to a participant server (``ui/placement.py``).

    The servers started beside the main one are watched: if one stops (killed, out of
    memory), it is started again at once, and the facilitator's screen says so while the
    projector's is away (``links.wall_answers``). Stopping the app stops them all.
    """
    from launch.startup import bootstrap

    bootstrap(settings)  # migrations, demo, setup code: once, before the servers start
    if participant_servers is None:
        participant_servers = settings.participant_servers or 0
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", host,
               "--browser.serverAddress", "localhost"]
    env = dict(os.environ)
    # Each server's share of PostgreSQL's connections (core/storage/db.py), unless the operator
    # counted the servers of every machine behind a load balancer.
    env.setdefault("FABRIQUE_APP_PROCESSES", str(1 + wall + participant_servers))
    children: list[_Child] = []
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Stopped by a service manager (SIGTERM) as by Ctrl+C: every server stops with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main_server: subprocess.Popen | None = None
    try:
        if wall:
            children.append(_Child(
                [*command, "--server.port", str(port + 1), "--server.headless", "true"],
                {"FABRIQUE_PROJECTOR_INTERVAL": str(WALL_INTERVAL), **env,
                 "FABRIQUE_APP_PORT": str(port)},
                settings.data_dir / "wall-server.log", label=f"projector (port {port + 1})"))
            env["FABRIQUE_WALL_PORT"] = str(port + 1)
        first = port + 1 + wall
        ports = list(range(first, first + participant_servers))
        for number, participant_port in enumerate(ports, start=1):
            children.append(_Child(
                [*command, "--server.port", str(participant_port), "--server.headless",
                 "true"], {**env, "FABRIQUE_APP_PORT": str(port)},
                settings.data_dir / f"participant-server-{number}.log",
                label=f"participants' (port {participant_port})"))
        if ports:
            env["FABRIQUE_PARTICIPANT_PORTS"] = ",".join(str(p) for p in ports)
        for child in children:
            child.start()
        main_server = subprocess.Popen([*command, "--server.port", str(port)], env=env)  # noqa: S603
        while main_server.poll() is None:
            for child in children:
                child.watch()
            with contextlib.suppress(subprocess.TimeoutExpired):
                main_server.wait(timeout=1)
        return main_server.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        for server in ([main_server] if main_server else []) + [
                c.process for c in children if c.process]:
            if server.poll() is None:
                server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


class _Child:
    """A server ``fabrique serve`` started and keeps running: started again when it stops,
    unless it stopped ``RESTARTS_PER_MINUTE`` times within a minute."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path, *,
                 label: str) -> None:
        self.argv, self.env, self.log, self.label = argv, env, log, label
        self.process: subprocess.Popen | None = None
        self.restarts: list[float] = []
        self.given_up = False

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def watch(self) -> None:
        """Start the server again if it stopped (called every second)."""
        if self.process is None or self.given_up or self.process.poll() is None:
            return
        now = time.monotonic()
        self.restarts = [t for t in self.restarts if now - t < 60] + [now]
        if len(self.restarts) > RESTARTS_PER_MINUTE:
            self.given_up = True
            print(f"fabrique serve: the {self.label} server keeps stopping (exit status "
                  f"{self.process.returncode}); left stopped, see {self.log}",
                  file=sys.stderr, flush=True)
            return
        print(f"fabrique serve: the {self.label} server stopped (exit status "
              f"{self.process.returncode}); starting it again", file=sys.stderr, flush=True)
        self.start()


GROUP_COLUMN = "groupe"
GROUP_NAME_COLUMN = "nom_du_groupe"


def _cluster(path: Path, text_column: str, groups: int | None, output: Path | None) -> int:
    """Write the rows back with their suggested group number and name."""
    from core.analysis.grouping import suggest_groups
    from core.text.csvfile import read_csv

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
