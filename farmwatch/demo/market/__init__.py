"""The demonstration marketplace: a deterministic local HTTP server with three sites of
different structure, some of whose listings are planted stolen items (see ../scenario.py)."""
