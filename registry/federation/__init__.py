"""Registers that share their stolen items with each other (docs/federation.md).

`keys` (this register's Ed25519 key; signing and checking requests), `peers` (the registers we
trust, and the log of every exchange), `publish` (the feed of what we hold stolen, by change number),
`receive` (holding a peer's stolen items as items of ours, marked with the register), `hits` (hit
notices: sent when a peer's item is matched or checked here, received when ours is there), `sync`
(pull and push over HTTP), `commands` (`farmwatch federation`, `farmwatch peers`).
"""
