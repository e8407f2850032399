"""The officer's pages: queue, match, item and decisions (queue.py), search, map and trends
(search.py), files behind a role check (files.py)."""
