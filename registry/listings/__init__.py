"""Marketplace listings: `store` (listings under stable ids with their photos and evidence snapshots),
`prices` (prices as sellers publish them)."""
