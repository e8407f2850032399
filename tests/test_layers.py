"""The import layers of docs/architecture.md, read from the code: imports run downwards only, and
no module import circles. Every import of our packages counts, including imports inside functions.
The generated sample data (`synthetic`) is for the demonstration, the tests and the evaluation sets
only, and no folder of the product holds more than 15 modules side by side."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("registry", "spiders", "matching", "alerts", "datasette_config", "farmwatch", "synthetic")
MAY_IMPORT = {
    "registry": {"registry"},
    "spiders": {"registry", "spiders"},
    "matching": {"registry", "matching", "synthetic"},
    "alerts": {"registry", "matching", "alerts"},
    "datasette_config": {"registry", "alerts", "datasette_config"},
    "farmwatch": set(PACKAGES),
    "synthetic": {"synthetic"},
}
# Who may use the generated sample data: never the product's own run, only these folders.
SYNTHETIC_USERS = ("matching.evaluation", "farmwatch.demo", "synthetic")
MAX_MODULES_PER_FOLDER = 15
# The web's user folders share datasette_config's top-level modules (the toolkit) and never import each other.
WEB_USER_FOLDERS = ("officer", "farmer", "check", "alerts", "auth")
# Upward imports that exist and are to be removed, each with its reason; nothing else may join them.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


MODULES = {module_name(f): f for package in PACKAGES for f in sorted((ROOT / package).rglob("*.py"))}


def imported(path: Path) -> list[tuple[str, int]]:
    """Our modules (or names in them) that a file imports, with line numbers: every import, at module
    level or inside a function."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [(node.module, node.lineno)] + [(f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return [(name, line) for name, line in out if name.split(".")[0] in PACKAGES]


def test_every_package_is_found():
    assert {name.split(".")[0] for name in MODULES} == set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_run_downwards(package):
    upward = [f"{name} imports {target} (line {line})"
              for name, path in MODULES.items() if name.split(".")[0] == package
              for target, line in imported(path) if target.split(".")[0] not in MAY_IMPORT[package]
              and (name, target.split(".")[0]) not in KNOWN_UPWARD]
    assert upward == []


def test_no_import_circles():
    """No circles among our modules' imports, counting imports inside functions too (a deferred
    import hides a circle from Python, not from a reader)."""
    graph = {name: {t for t, _ in imported(path) if t in MODULES and t != name}
             for name, path in MODULES.items()}
    circles, done = [], set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            circles.append(trail[trail.index(name):] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            walk(target, trail + [name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])
    assert circles == []


def test_generated_data_stays_out_of_the_product():
    users = sorted({f"{name} imports {target} (line {line})"
                    for name, path in MODULES.items() if not name.startswith(SYNTHETIC_USERS)
                    for target, line in imported(path) if target.split(".")[0] == "synthetic"})
    assert users == []


def test_no_folder_of_the_product_holds_more_than_15_modules():
    crowded = {}
    for package in PACKAGES:
        for folder in [ROOT / package, *(p for p in (ROOT / package).rglob("*") if p.is_dir())]:
            modules = [f for f in folder.glob("*.py") if f.name != "__init__.py"]
            if len(modules) > MAX_MODULES_PER_FOLDER and folder.name != "migrations":
                crowded[str(folder.relative_to(ROOT))] = len(modules)
    assert crowded == {}


def test_no_import_between_the_webs_user_folders():
    def folder(name: str) -> str | None:
        parts = name.split(".")
        return parts[1] if len(parts) > 2 and parts[0] == "datasette_config" and parts[1] in WEB_USER_FOLDERS else None

    crossing = sorted(f"{name} imports {target} (line {line})"
                      for name, path in MODULES.items() if folder(name)
                      for target, line in imported(path) if folder(target) not in (None, folder(name)))
    assert crossing == []
