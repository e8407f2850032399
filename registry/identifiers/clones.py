"""Possible clones: one identifier registered to more than one owner.

A cloned identity (a stolen machine given the plate or serial of a legitimate one) shows up as
the same matching key on two owners' records. An item its owner marked sold to someone off the
register no longer counts: the buyer registering the same number is the sale, not a clone.
"""

from __future__ import annotations

# SQL condition on an items row aliased `i`: the item's current owner sold it to someone not on
# the register (its latest sale has no new owner), so its identifiers no longer count as that
# owner's.
SOLD_AWAY = ("exists (select 1 from item_sales s where s.item_id = i.id and s.to_owner_id is null "
             "and s.from_owner_id = i.owner_id and s.id = (select max(s2.id) from item_sales s2 "
             "where s2.item_id = i.id))")


def refresh_clone_flags(db, keys) -> int:
    """Set `possible_clone` on every identifier with one of these matching keys: 1 on the items
    still held by their owners when items of more than one owner carry the key, else 0 (a
    sold-away item is never flagged and never counts). Returns the rows changed."""
    changed = 0
    for key in sorted(set(keys)):
        owners = db.execute(
            f"select count(distinct i.owner_id) from identifiers d join items i on i.id = d.item_id "
            f"where d.normalised_value = ? and not {SOLD_AWAY}", [key]).fetchone()[0]
        changed += db.execute(
            f"update identifiers set possible_clone = desired.flag from ("
            f"select d.id, case when {SOLD_AWAY} then 0 else :flag end as flag from identifiers d "
            f"join items i on i.id = d.item_id where d.normalised_value = :key) as desired "
            f"where identifiers.id = desired.id and identifiers.possible_clone != desired.flag",
            {"flag": int(owners > 1), "key": key}).rowcount
    return changed


def clone_groups(db, limit: int = 500) -> list[dict]:
    """Flagged identifiers grouped by matching key, most owners first: `{key, owners, items,
    kinds, raw_values, stolen}` (counts and the values as registered; no owner details)."""
    rows = db.execute(
        """
        select d.normalised_value, count(distinct i.owner_id), count(distinct i.id),
               group_concat(distinct d.kind), group_concat(distinct d.raw_value),
               count(distinct case when i.status = 'stolen' then i.id end), max(d.created_at)
        from identifiers d join items i on i.id = d.item_id
        where d.possible_clone = 1
        group by d.normalised_value
        order by 2 desc, 7 desc limit ?
        """, [limit]).fetchall()
    names = ("key", "owners", "items", "kinds", "raw_values", "stolen", "latest_at")
    return [dict(zip(names, row, strict=True)) for row in rows]


def records_with_key(db, key: str) -> list[dict]:
    """Every registered item carrying this matching key: `{item_id, owner_id, kind, raw_value,
    category, make, model, status, sold_away}`, oldest registration first."""
    rows = db.execute(
        f"""
        select i.id, i.owner_id, d.kind, d.raw_value, i.category, i.make, i.model, i.status,
               {SOLD_AWAY}, i.created_at
        from identifiers d join items i on i.id = d.item_id
        where d.normalised_value = ? order by i.created_at, i.id
        """, [key]).fetchall()
    names = ("item_id", "owner_id", "kind", "raw_value", "category", "make", "model", "status", "sold_away",
             "registered_at")
    return [dict(zip(names, row, strict=True)) for row in rows]
