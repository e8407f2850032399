"""Named groups of police forces (regional collaborations), read from a YAML file, not code.

The default file is `registry/places/force_groups.yaml`; `FARMWATCH_FORCE_GROUPS` names another. A group
is a name and a list of forces; every force must be one of `registry.places.forces.FORCE_AREAS`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

from registry.places.forces import FORCE_AREAS, known_force

DEFAULT_FILE = Path(__file__).with_name("force_groups.yaml")
NATIONAL = "national"


class ForceGroupError(ValueError):
    """The groups file cannot be used; the message names the file and the bad entry."""


def groups_file() -> Path:
    """The groups file in use: $FARMWATCH_FORCE_GROUPS or the one shipped beside this module."""
    return Path(os.environ.get("FARMWATCH_FORCE_GROUPS") or DEFAULT_FILE)


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> dict[str, tuple[str, ...]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ForceGroupError(f"{path}: cannot read force groups ({exc})") from None
    groups = raw.get("groups") if isinstance(raw, dict) else None
    if not isinstance(groups, dict):
        raise ForceGroupError(f"{path}: expected a 'groups:' mapping of group name to a list of forces")
    result = {}
    for name, forces in groups.items():
        if not isinstance(forces, list) or not forces:
            raise ForceGroupError(f"{path}: group {name!r} needs a list of forces")
        canonical = []
        for force in forces:
            known = known_force(str(force))
            if not known:
                raise ForceGroupError(f"{path}: group {name!r}: {force!r} is not a police force "
                                      f"(one of {', '.join(FORCE_AREAS)})")
            canonical.append(known)
        result[str(name)] = tuple(canonical)
    return result


def force_groups(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Group name -> forces, in file order; raises ForceGroupError naming the bad entry."""
    path = path or groups_file()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise ForceGroupError(f"{path}: force groups file not found") from None
    return _load(path, mtime)


def groups_of(force: str | None) -> list[str]:
    """The names of the groups that include this force (empty for none or an unknown force)."""
    return [name for name, forces in force_groups().items() if force in forces]


def forces_in_scope(area: str | None) -> tuple[str, ...] | None:
    """The forces an area covers: a force -> (force,), a group name -> its forces, 'national' or
    empty -> None (meaning every force)."""
    if not area or area.strip().lower() == NATIONAL:
        return None
    force = known_force(area)
    if force:
        return (force,)
    groups = force_groups()
    if area in groups:
        return groups[area]
    raise ForceGroupError(f"{area!r} is neither a police force nor a force group in {groups_file()}")


def canonical_area(area: str | None) -> str | None:
    """An area as stored on an account or a subscription: a force's canonical name ('hampshire' ->
    'Hampshire'), a configured group's name, 'national', or None for empty. Raises ForceGroupError
    naming the choices for anything else."""
    if not area or not area.strip():
        return None
    area = area.strip()
    if area.lower() == NATIONAL:
        return NATIONAL
    force = known_force(area)
    if force:
        return force
    groups = force_groups()
    by_lower = {name.lower(): name for name in groups}
    if area.lower() in by_lower:
        return by_lower[area.lower()]
    raise ForceGroupError(f"{area!r} is not a police force area: use a force ({', '.join(FORCE_AREAS)}), "
                          f"a force group ({', '.join(groups)}) or 'national'")
