"""The officer workspace at scale: queue page, match page, registry search by identifier, session lookup.

A synthetic registry (items with one identifier each, serials issued in sequence so near misses are
plentiful) with listings and matches, served by the real make_datasette() through its ASGI client.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.sizes import size as sized
from datasette_config.app import make_datasette
from datasette_config.auth.sessions import COOKIE_NAME, actor_for_token, create_session
from datasette_config.officer.queries.search import search_identifier
from registry.db import connect
from registry.identifiers.rules import matching_key

TARGETS_MS = {"queue page": 300.0, "match page": 200.0, "identifier search": 500.0, "session lookup": 1.0}
NOW = "2026-11-22T00:00:00Z"


def build(path: Path, items: int, matches: int, rng: random.Random) -> None:
    db = connect(path)
    with db.atomic():
        db.execute("insert into owners (id, name, created_at) values (1, 'Bench Owner', ?)", [NOW])
        db.execute("insert into users (id, username, password_hash, role, created_at) "
                   "values (1, 'bench', 'x', 'officer', ?)", [NOW])
        categories = ["tractor", "quad", "trailer", "power_tool", "cattle"]
        db["items"].insert_all(({"id": n, "owner_id": 1, "category": rng.choice(categories), "make": "Make",
                                 "model": f"M{n % 50}", "status": "registered", "created_at": NOW,
                                 "updated_at": NOW} for n in range(1, items + 1)), batch_size=5000)
        serials = (f"AB{rng.randrange(10, 40)}K{rng.randrange(10**7):07d}" for _ in range(items))
        db["identifiers"].insert_all(({"item_id": n, "kind": "serial", "raw_value": s,
                                       "normalised_value": matching_key(s), "created_at": NOW}
                                      for n, s in enumerate(serials, 1)), batch_size=5000)
        db["listings"].insert_all(({"id": f"l{n}", "source": "bench", "url": f"https://bench.example/{n}",
                                   "title": f"listing {n}", "price": 1000 + n, "first_seen_at": NOW,
                                   "last_seen_at": NOW, "changed_at": NOW} for n in range(matches)),
                                  batch_size=5000)
        reasons = json.dumps([{"kind": "identifier", "detail": "serial matches", "weight": 0.6,
                               "registered": "AB12K0000001", "listed": "AB12K000001", "match": "one_edit"}])
        db["matches"].insert_all(({"id": f"m{n}", "item_id": rng.randrange(1, items + 1), "listing_id": f"l{n}",
                                   "queue": "stolen", "score": rng.random(),
                                   "band": rng.choice(["strong", "likely", "possible"]),
                                   "status": rng.choice(["new", "new", "confirmed", "dismissed"]),
                                   "reasons": reasons, "created_at": NOW, "updated_at": NOW}
                                  for n in range(matches)), batch_size=5000)
    db.close()


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def report(name: str, value: float, size: str) -> None:
    target = TARGETS_MS[name]
    print(f"{name:18} median {value:8.2f} ms  (target < {target:.0f} ms, {size}) "
          f"{'ok' if value < target else 'SLOWER THAN TARGET'}")


def main(quick: bool = False) -> None:
    items, matches = sized((1_000_000, 20_000), (100_000, 5_000), (2_000, 100))
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data" / "farmwatch.db"
        start = time.perf_counter()
        build(path, items, matches, rng)
        print(f"built {items:,} items/identifiers and {matches:,} matches in {time.perf_counter() - start:.1f} s")
        db = connect(path)
        token = create_session(db, {"id": 1})
        ds = make_datasette(path, secret="bench-secret-0123456789")
        loop = asyncio.new_event_loop()
        cookies = {COOKIE_NAME: token}

        def get(url):
            response = loop.run_until_complete(ds.client.get(url, cookies=cookies))
            assert response.status_code == 200, (url, response.status_code)

        get("/queue")
        size = f"{matches:,} matches"
        report("queue page", median_ms(lambda: get("/queue"), 15), size)
        report("match page", median_ms(lambda: get(f"/match/m{rng.randrange(matches)}"), 15), size)
        start = time.perf_counter()
        search_identifier(db.conn, "AB12K0000001")
        print(f"identifier search, first call (loads the key cache): {(time.perf_counter() - start) * 1000:.0f} ms")
        typed = [f"AB{rng.randrange(10, 40)}K{rng.randrange(10**7):07d}" for _ in range(9)]
        queries = iter(typed * 3)
        report("identifier search", median_ms(lambda: search_identifier(db.conn, next(queries)), 9),
               f"{items:,} identifiers")
        report("session lookup", median_ms(lambda: actor_for_token(db.conn, token), 200), "one session")
        loop.close()
        db.close()
