"""The database schema as numbered migrations, one per file, applied by number.

Every table of the product is made here, whichever package writes it, so that one `farmwatch init`
creates or upgrades the whole database. Each migration is a file `NNNN_what_it_does.py` in this
folder: a one-line docstring saying what it changes and a function `migrate(db)`. Numbers run 1..N
without gaps or repeats and migrations are applied in that order. Add a migration as a new file with
the next number; never edit one that has shipped.

Applied migrations are recorded by sqlite-migrate (the `sqlite_utils.migrations` module) in the
`_sqlite_migrations` table under the set name "farmwatch", by name: `NNNN_what_it_does`, or the
file's `RECORDED_AS` when an earlier version of farmwatch recorded the migration under another name
(the migrations were once functions in one module, numbered out of order). A database an earlier
version created therefore recognises what it has already applied and runs only the rest.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

SET_NAME = "farmwatch"
FOLDER = Path(__file__).resolve().parent
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.py$")


class MigrationNumberError(RuntimeError):
    """The migration files are not numbered 1..N, each number once."""


@dataclass(frozen=True)
class Migration:
    """One migration file: its number, the name recorded in `_sqlite_migrations`, its one-line
    summary (the module docstring) and the function that applies it."""

    number: int
    name: str
    summary: str
    migrate: Callable[[Database], None]


def numbered_files(folder: Path = FOLDER) -> list[tuple[int, Path]]:
    """The migration files of `folder` as (number, path), in number order.

    Raises MigrationNumberError naming the repeated or missing numbers, or a file in the folder
    whose name is not `NNNN_lowercase_words.py`."""
    files, bad = [], []
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        found = _FILE.match(path.name)
        if not found:
            bad.append(path.name)
            continue
        files.append((int(found.group(1)), path))
    numbers = [n for n, _ in files]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    problems = []
    if bad:
        problems.append("not named NNNN_words.py: " + ", ".join(bad))
    if repeated:
        problems.append("numbers used twice: " + ", ".join(map(str, repeated)))
    if missing:
        problems.append("numbers missing: " + ", ".join(map(str, missing)))
    if problems:
        raise MigrationNumberError(f"migrations in {folder}: " + "; ".join(problems))
    return files


@cache
def all_migrations() -> tuple[Migration, ...]:
    """Every migration of this folder, loaded, in number order."""
    out = []
    for number, path in numbered_files():
        module = importlib.import_module(f"{__name__}.{path.stem}")
        summary = (module.__doc__ or "").strip()
        if not summary or "\n" in summary:
            raise MigrationNumberError(f"{path.name} needs a one-line docstring")
        out.append(Migration(number, getattr(module, "RECORDED_AS", path.stem), summary, module.migrate))
    return tuple(out)


def migration_set(upto: int | None = None) -> Migrations:
    """The sqlite-migrate set of migrations 1..`upto` (all of them by default)."""
    migrations = Migrations(SET_NAME)
    for migration in all_migrations():
        if upto is None or migration.number <= upto:
            migrations(name=migration.name)(migration.migrate)
    return migrations


def pending(db: Database) -> list[str]:
    """The names of the migrations not yet applied to `db`, in number order."""
    return [m.name for m in migration_set().pending(db)]


def apply_migrations(db: Database, upto: int | None = None) -> list[str]:
    """Apply pending migrations up to number `upto` (all by default), each in its own transaction,
    in number order; return the names applied (empty when up to date)."""
    migrations = migration_set(upto)
    names = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return names
