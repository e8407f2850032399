"""The `farmwatch` command, assembled from each package's own commands.

Each package exposes `add_commands(subparsers)`; a command's handler takes the parsed
arguments and returns an exit status. Errors the user can fix are one line on stderr
and a non-zero exit; set FARMWATCH_DEBUG=1 to see a traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from registry.errors import CommandError

__all__ = ["CommandError", "build_parser", "main"]

COMMAND_MODULES = (
    "registry.commands",
    "spiders.commands",
    "farmwatch.demo.commands",
    "matching.commands",
    "matching.networks.commands",
    "datasette_config.commands",
    "farmwatch.operations",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="farmwatch",
        description="Stolen farm equipment and livestock registry with a marketplace scanner.",
        epilog="The database defaults to data/farmwatch.db (FARMWATCH_DB overrides); photos and "
               "evidence snapshots are kept in the folder beside it. 'farmwatch COMMAND --help' for more.",
    )
    parser.add_argument("--db", metavar="PATH", help="database file (default: $FARMWATCH_DB or data/farmwatch.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"farmwatch {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"farmwatch {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("FARMWATCH_DEBUG"):
            raise
        from registry.identifiers.rules import IdentifierError
        from registry.imports.files import ImportFileError
        from registry.items.validation import RegistryError

        known = (RegistryError, ImportFileError, IdentifierError, ValueError, OSError)
        kind = "" if isinstance(exc, known) else f"{exc.__class__.__name__}: "
        print(f"farmwatch {args.command}: {kind}{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
