"""Marketplace listings: `store` (listings under stable ids with their photos and evidence snapshots),
`versions` (every published version kept, with its photos and snapshot), `version_changes` (what
changed between versions, in words), `prices` (prices as sellers publish them)."""
