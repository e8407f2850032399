"""Registered items: `validation` (checking a record before it is stored), `registration` (owners,
items, identifiers, photos, theft reports and recoveries), `history` (the append-only item history),
`sales` (sales and transfers to a buyer's record)."""
