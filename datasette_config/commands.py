"""`farmwatch serve` (the officer and farmer workspace) and `farmwatch users disable`."""

from __future__ import annotations

import argparse
import os

from registry.db import resolve_db_path


def _command_error(message: str):
    from registry.errors import CommandError

    return CommandError(message)


def cmd_serve(args) -> int:
    from datasette_config.serve import serve

    path = resolve_db_path(args.db)
    if not path.exists():
        raise _command_error(f"{path} does not exist: run 'farmwatch init' (or 'farmwatch demo') first")
    if not 0 <= args.port <= 65535:
        raise _command_error(f"--port {args.port} is not a port number (0-65535)")
    from datasette_config.proxies import ENV, ProxySettingError, parse_trusted

    try:
        parse_trusted(args.trusted_proxy if args.trusted_proxy is not None else os.environ.get(ENV, ""))
    except ProxySettingError as error:
        source = "--trusted-proxy" if args.trusted_proxy is not None else ENV
        raise _command_error(f"{source}: {error}") from None
    serve(path, args.host, args.port, trusted_proxies=args.trusted_proxy)
    return 0


def cmd_users_disable(args) -> int:
    from datasette_config.auth.sessions import end_user_sessions
    from registry.accounts.users import disable_user
    from registry.db import connect

    db = connect(args.db)
    with db.atomic():
        if not db.execute("select 1 from users where username = ? collate nocase", [args.name]).fetchone():
            raise _command_error(f'user "{args.name}" does not exist')
        disabled = disable_user(db, args.name)
        ended = end_user_sessions(db, args.name)
    print(f"{args.name}: {'disabled' if disabled else 'was already disabled'}; {ended} session(s) ended")
    return 0


def _add_users_disable(subparsers) -> None:
    users = subparsers.choices.get("users")
    if users is None:
        return
    actions = [a for a in users._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        return
    p = actions[0].add_parser("disable", help="disable an account and end its sessions at once",
                              description="Disable an account: it can no longer log in, and every open "
                                          "session of it stops working immediately.")
    p.add_argument("name")
    p.set_defaults(handler=cmd_users_disable)


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the web workspace (Datasette) on 127.0.0.1:8001",
        description="Serve the officer and farmer workspace. Log in at /-/login; officers work the match "
                    "queue at /queue. The signing secret comes from FARMWATCH_SECRET or the file 'secret' "
                    "created once in the data folder.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8001, help="port to listen on")
    parser.add_argument("--trusted-proxy", action="append", metavar="ADDR",
                        help="a reverse proxy (address or network) whose X-Forwarded-For and X-Forwarded-Proto "
                             "are believed; repeat for several. Default: FARMWATCH_TRUSTED_PROXIES, else none "
                             "(the socket peer is the client)")
    parser.set_defaults(handler=cmd_serve)
    _add_users_disable(subparsers)
