"""`farmwatch serve`: the officer and farmer workspace."""

from __future__ import annotations

import argparse

from registry.db import resolve_db_path


def cmd_serve(args) -> int:
    from datasette_config.serve import serve

    path = resolve_db_path(args.db)
    if not path.exists():
        from farmwatch.cli import CommandError

        raise CommandError(f"{path} does not exist: run 'farmwatch init' (or 'farmwatch demo') first")
    if not 0 <= args.port <= 65535:
        from farmwatch.cli import CommandError

        raise CommandError(f"--port {args.port} is not a port number (0-65535)")
    serve(path, args.host, args.port)
    return 0


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the web workspace (Datasette) on 127.0.0.1:8001",
        description="Serve the officer and farmer workspace. Log in at /-/login; officers work the match "
                    "queue at /queue. The signing secret comes from FARMWATCH_SECRET or the file 'secret' "
                    "created once in the data folder.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on")
    parser.set_defaults(handler=cmd_serve)
