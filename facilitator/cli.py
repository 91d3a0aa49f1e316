"""facilitator: run the server, check agendas, create the demo, print the links, export,
anonymise.

Every command prints one line per problem and exits with status 1 on failure, never with a
traceback. `facilitator COMMAND --help` tells more."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from facilitator.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        result: int = args.run(args)
        return result
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one line, never a traceback
        print(f"facilitator: error: {_one_line(exc)}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facilitator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser(
        "serve", help="run the server (SQLite and in-memory hub by default)"
    )
    _common(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="processes (needs --broker-url redis://…)"
    )
    serve.add_argument("--ssl-certfile", type=Path, help="serve https with this certificate …")
    serve.add_argument("--ssl-keyfile", type=Path, help="… and this key (phones must trust it)")
    serve.set_defaults(run=_serve)

    agendas = commands.add_parser("agendas", help="work with agenda files")
    agenda_commands = agendas.add_subparsers(title="agenda commands")
    check = agenda_commands.add_parser("check", help="validate agenda and programme files")
    check.add_argument("paths", nargs="*", type=Path, help="files (default: the shipped agendas)")
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="export a catalogue: md, csv, xlsx or html")
    _common(export)
    export.add_argument("target", help="a workshop id, or a programme id or key (its latest)")
    export.add_argument("--format", choices=("md", "csv", "xlsx", "html"), default="md")
    export.add_argument("--language", choices=("da", "en"), default="da")
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    export.set_defaults(run=_export)

    erase = commands.add_parser("anonymise", help="anonymise a participant (their ideas stay)")
    _common(erase)
    erase.add_argument("participant", help="the participant's id")
    erase.set_defaults(run=_anonymise)

    demo = commands.add_parser("demo", help="create the Solrød programme and print its links")
    _common(demo)
    demo.add_argument("--programme", type=Path, help="programme file (default: the Solrød one)")
    demo.add_argument("--json", action="store_true", help="print the links as JSON")
    demo.set_defaults(run=_demo)

    links = commands.add_parser(
        "links", help="print a new sign-in link for the home page, and every link and code"
    )
    _common(links)
    links.add_argument("programme", nargs="?", help="a programme's id or key (default: all)")
    links.add_argument("--json", action="store_true", help="print them as JSON")
    links.set_defaults(run=_links)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: SQLite in data/)")
    parser.add_argument("--broker-url", help="memory:// (default) or redis://host:6379/0")
    parser.add_argument("--data-dir", type=Path, help="where the SQLite file and secret live")
    parser.add_argument("--public-url", help="how phones reach this server, for the links")


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the command line's options on top.

    The options are also written to the environment, so that uvicorn's worker processes,
    which build their own app, read the same settings.
    """
    for name in ("database_url", "broker_url", "data_dir", "public_url", "host", "port"):
        value = getattr(args, name, None)
        if value is not None:
            os.environ[f"FACILITATOR_{name.upper()}"] = str(value)
    return Settings()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from facilitator.store.db import make_engine
    from facilitator.store.migrate import upgrade
    from facilitator.web import wire

    settings = _settings(args)
    if args.workers > 1 and settings.broker_url.startswith("memory:"):
        raise SystemExit("facilitator: error: several workers need --broker-url redis://…")
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise SystemExit("facilitator: error: https needs both --ssl-certfile and --ssl-keyfile")
    settings = _with_room_address(settings, scheme="https" if args.ssl_certfile else "http")
    # Fail here, in one line, rather than inside the server's start-up.
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    _announce(settings)
    _first_home_link(engine, settings)
    engine.dispose()
    uvicorn.run(
        "facilitator.web.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=args.workers,
        ws="facilitator.web.wire:WireProtocol",  # uvicorn's sans-I/O one, for fan-out
        **wire.OPTIONS,
        ws_ping_interval=15,  # phones sleep; find dead sockets
        ws_ping_timeout=15,
        proxy_headers=False,
        access_log=False,  # ours leaves tokens out (web/access_log.py)
        log_level="info",
        env_file=None,
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
    )
    return 0


def _with_room_address(settings: Settings, scheme: str = "http") -> Settings:
    """Listening on every address without a public URL: the links and QR codes use this
    machine's address on the local network (never 0.0.0.0, which no phone can open)."""
    from facilitator.network import lan_address, listens_everywhere

    if settings.public_url or not listens_everywhere(settings.host):
        return settings
    address = lan_address()
    if address is None:
        print(
            "facilitator: no local network found; phones cannot join until there is one "
            "(or give --public-url)",
            file=sys.stderr,
        )
        address = "127.0.0.1"
    os.environ["FACILITATOR_PUBLIC_URL"] = f"{scheme}://{address}:{settings.port}"  # workers
    return Settings()


def _announce(settings: Settings) -> None:
    """Where the server is, and the address phones should use, with a QR code for it."""
    import segno

    url = settings.base_url()
    print(f"facilitator: serving on {url}", file=sys.stderr)
    if settings.host in ("127.0.0.1", "localhost", "::1"):
        print(
            "facilitator: only this laptop can reach it; for phones, ./run serve --host 0.0.0.0",
            file=sys.stderr,
        )
        return
    print(f"facilitator: phones join at {url}/join", file=sys.stderr)
    segno.make(f"{url}/join", error="m").terminal(out=sys.stderr, compact=True)


def _first_home_link(engine: Engine, settings: Settings) -> None:
    """At the first start, the facilitator's secret: a one-time link into the home page."""
    from facilitator.clock import system_clock
    from facilitator.store import home
    from facilitator.store.db import session_scope

    with session_scope(engine) as session:
        secret = home.first_link(session, now=system_clock())
    url = settings.base_url()
    if secret is None:
        print(
            f"facilitator: the facilitator's home is {url}/home "
            "(a new sign-in link: facilitator links)",
            file=sys.stderr,
        )
        return
    print(
        "facilitator: the facilitator's home, signed in by this link (it works once, for 7 "
        f"days; keep it private):\n  {url}/home/login/{secret}",
        file=sys.stderr,
    )


def _links(args: argparse.Namespace) -> int:
    """A fresh one-time link into the home page, and each programme's links and codes."""
    from facilitator.agenda import Text
    from facilitator.clock import system_clock
    from facilitator.store import home, programmes
    from facilitator.store.db import make_engine, session_scope
    from facilitator.store.migrate import upgrade
    from facilitator.store.programmes import links_for
    from facilitator.store.workshops import agenda_of

    settings = _settings(args)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    base, language = settings.base_url(), settings.language
    with session_scope(engine) as session:
        found = (
            programmes.find(session, target=args.programme)
            if args.programme
            else programmes.programmes(session)
        )
        if args.programme and not found:
            print(f"facilitator: error: no programme {args.programme!r}", file=sys.stderr)
            return 1
        secret = home.new_link(session, now=system_clock())
        shown: list[dict[str, Any]] = [
            {
                "programme": view.row.key,
                "id": view.row.id,
                "title": Text.model_validate(view.row.spec["title"]).get(language),
                "workshops": [
                    {
                        **links_for(row, agenda_of(row).title.get(language), base).as_dict(),
                        "leader": f"{base}/join/{row.leader_code}",
                        "guest": f"{base}/join/{row.guest_code}" if row.guest_code else "",
                        "status": row.status,
                        "starts_at": row.starts_at.isoformat() if row.starts_at else None,
                    }
                    for row in view.workshops
                ],
            }
            for view in found
        ]
    engine.dispose()
    home_link = f"{base}/home/login/{secret}"
    if args.json:
        print(json.dumps({"home": home_link, "programmes": shown}, indent=2))
        return 0
    print("The facilitator's home (this link works once, for 7 days; keep it private):")
    print(f"  {home_link}")
    for programme in shown:
        print(f"\n{programme['title']}  (key {programme['programme']}, id {programme['id']})")
        for number, link in enumerate(programme["workshops"], start=1):
            codes = (
                f"join code {link['join_code']}, leader code {link['leader_code']}, "
                f"guest code {link['guest_code']}"
            )
            print(f"\n{number}. {link['title']}  ({codes}; {link['status']})")
            print(f"   facilitator: {link['facilitator']}")
            print(f"   participant: {link['participant']}")
            print(f"   leader:      {link['leader']}")
            if link["guest"]:
                print(f"   guest:       {link['guest']}")
            print(f"   projector:   {link['projector']}")
    if not shown:
        print("\nNo programmes yet: create one on the home page, or with facilitator demo.")
    return 0


def _check(args: argparse.Namespace) -> int:
    from facilitator.agenda.files import check_files
    from facilitator.paths import AGENDAS

    paths = list(args.paths) or sorted(AGENDAS.glob("*.yaml"))
    problems = check_files(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} file(s)", file=sys.stderr)
        return 1
    print(f"{len(paths)} file(s) OK")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from facilitator.agenda.files import DEFAULT_PROGRAMME, load_programme
    from facilitator.clock import system_clock
    from facilitator.store.db import make_engine
    from facilitator.store.migrate import upgrade
    from facilitator.store.programmes import create_programme

    settings = _settings(args)
    programme = load_programme(args.programme or DEFAULT_PROGRAMME)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    links = create_programme(
        engine,
        programme,
        clock=system_clock,
        base_url=settings.base_url(),
        language=settings.language,
    )
    if args.json:
        print(
            json.dumps(
                {"programme": programme.key, "workshops": [link.as_dict() for link in links]},
                indent=2,
            )
        )
        return 0
    print(f"{programme.title.get(settings.language)}")
    for number, link in enumerate(links, start=1):
        codes = (
            f"join code {link.join_code}, leader code {link.leader_code}, "
            f"guest code {link.guest_code}"
        )
        print(f"\n{number}. {link.title}  ({codes})")
        print(f"   facilitator: {link.facilitator}")
        print(f"   participant: {link.participant}")
        print(f"   projector:   {link.projector}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from facilitator.clock import system_clock
    from facilitator.exports import render
    from facilitator.exports.collect import NothingToExport, export_data, find_target
    from facilitator.rendering import Renderer
    from facilitator.store.db import make_engine, session_scope
    from facilitator.store.migrate import upgrade

    settings = _settings(args)
    engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            workshop = find_target(session, target=args.target)
            data = export_data(
                session, workshop=workshop, language=args.language, clock=system_clock
            )
    except NothingToExport:
        print(f"facilitator: error: no workshop or programme {args.target!r}", file=sys.stderr)
        return 1
    content, _media, _extension = render(data, args.format, Renderer())
    if args.output:
        args.output.write_bytes(content)
        print(f"{len(data.rows)} proposal(s) written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    return 0


def _anonymise(args: argparse.Namespace) -> int:
    from facilitator.store.db import make_engine, session_scope
    from facilitator.store.migrate import upgrade
    from facilitator.store.privacy import anonymise

    engine = make_engine(_settings(args).resolved_database_url())
    upgrade(engine)
    with session_scope(engine) as session:
        workshops = anonymise(session, participant_id=args.participant)
    if not workshops:
        print(f"facilitator: error: no participant {args.participant!r}", file=sys.stderr)
        return 1
    print(f"anonymised in {len(workshops)} workshop(s); restart a running server to reload")
    return 0


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if __name__ == "__main__":
    raise SystemExit(main())
