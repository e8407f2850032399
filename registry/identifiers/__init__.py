"""Identifier rules: `rules` (the matching key, check digits, per-kind validation), `vocab` (categories
and identifier kinds by the names people use), `spreadsheet_damage` (codes a spreadsheet rewrote),
`clones` (one identifier registered to several owners), `rekey` (stored identifiers brought up to
today's rules)."""
