"""Police force areas: the names, and the force of a postcode or a place.

Kept as the one import for callers that route, filter or label by force: the rules live in
`registry.places.forces` (which authority is in which force), `registry.places.lookup` (place text -> position
and force) and `registry.places.groups` (regional groups, from a file).
"""

from __future__ import annotations

from registry.places.forces import FORCE_AREAS, PLACE_FORCES, known_force
from registry.places.groups import force_groups, forces_in_scope, groups_of
from registry.places.lookup import force_for_place, force_for_postcode, resolve_place

__all__ = ["FORCE_AREAS", "PLACE_FORCES", "force_for_place", "force_for_postcode", "force_groups",
           "forces_in_scope", "groups_of", "known_force", "resolve_place"]
