"""The public buyer check at registry scale: answer time per check, near-hit index build and refresh.

A synthetic registry of serial families issued in sequence (the hard case for near hits:
many registered neighbours one digit apart) plus random identifiers; 1% of items stolen.
Timed: `check_identifier` with a warm index (exact stolen, exact registered, one-slip near
hit, unknown), the log-and-rate-limit write, a full trade catalogue (parse, answer, log), the
cold index build and an incremental refresh.
"""

from __future__ import annotations

import random
import statistics
import string
import tempfile
import time
from pathlib import Path

from bench.sizes import size
from datasette_config.check.index import forget_indexes, index_for
from datasette_config.check.log import RateLimit, record_check
from datasette_config.check.lookup import check_identifier
from datasette_config.check.trade import MAX_IDENTIFIERS, TradeResult, answer_lines, parse_csv, record_batch
from registry.db import connect
from registry.identifiers.rules import matching_key

TARGET_CHECK_MS = 20.0  # median answer with a warm index, at the full size
TARGET_BUILD_S_PER_MILLION = 10.0
TARGET_TRADE_S = 10.0  # a full trade upload (MAX_IDENTIFIERS lines) answered while the page waits
NOW = "2026-11-22T00:00:00Z"


def _serials(count: int, rng: random.Random) -> list[str]:
    """`count` distinct serials, each one the identifier rules accept (registry.identifiers.rules:
    a value they read as a placeholder or a counting run has no key and cannot be registered)."""
    keys: set[str] = set()
    families = [("".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + str(rng.randrange(10, 99)),
                 rng.randrange(10**6)) for _ in range(max(1, count // 5000))]
    while len(keys) < count * 0.8:
        prefix, start = rng.choice(families)
        keys.add(f"{prefix}K{start + rng.randrange(200_000):07d}")
    while len(keys) < count:
        value = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(rng.choice((10, 13, 17))))
        if matching_key(value):
            keys.add(value)
    return sorted(keys)


def _build(path: Path, count: int, rng: random.Random) -> list[str]:
    db = connect(path)
    db.execute("insert into owners (id, name, created_at) values (1, 'bench', ?)", [NOW])
    raw = _serials(count, rng)
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany("insert into items (id, owner_id, category, make, status, created_at, updated_at) "
                     "values (?, 1, 'tractor', 'Bench', ?, ?, ?)",
                     [(n, "stolen" if n % 100 == 0 else "registered", NOW, NOW) for n in range(1, count + 1)])
    conn.executemany("insert into identifiers (item_id, kind, raw_value, normalised_value, created_at) "
                     "values (?, 'serial', ?, ?, ?)",
                     [(n, value, matching_key(value), NOW) for n, value in enumerate(raw, start=1)])
    conn.executemany("insert into thefts (item_id, stolen_at, reported_at, crime_ref, current) values (?, ?, ?, ?, 1)",
                     [(n, "2026-11-01", NOW, f"REF{n}") for n in range(100, count + 1, 100)])
    conn.execute("COMMIT")
    db.close()
    return raw


def _typo(value: str, rng: random.Random) -> str:
    at = rng.randrange(len(value))
    return value[:at] + rng.choice("0123456789") + value[at + 1:]


def _time(fn, queries) -> tuple[float, float, dict]:
    timings, results = [], {}
    for query in queries:
        start = time.perf_counter()
        answer = fn(query)
        timings.append(time.perf_counter() - start)
        results[answer.result] = results.get(answer.result, 0) + 1
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95)] * 1000, results


def main(quick: bool = False) -> None:
    count = size(1_000_000, 100_000, 2_000)
    rng = random.Random(42)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "farmwatch.db"
        start = time.perf_counter()
        raw = _build(path, count, rng)
        print(f"registry of {count:,} identifiers built in {time.perf_counter() - start:.1f} s")
        db = connect(path, migrate=False)
        forget_indexes()
        start = time.perf_counter()
        index = index_for(db, str(path))
        build = time.perf_counter() - start
        print(f"near-hit index: {len(index.keys):,} keys built in {build:.2f} s "
              f"({build * 1_000_000 / count:.1f} s per million; target <= {TARGET_BUILD_S_PER_MILLION} s)")

        def check(query):
            return check_identifier(db, query, str(path))

        n = size(200, 60, 5)
        stolen = [raw[i - 1] for i in rng.sample(range(100, count + 1, 100), n)]
        registered = [raw[i] for i in rng.sample(range(count), n) if (i + 1) % 100]
        near = [_typo(raw[i], rng) for i in rng.sample(range(count), n)]
        unknown = ["".join(rng.choice("QWXYZ") for _ in range(12)) for _ in range(n)]
        medians = []
        for label, queries in (("exact, stolen", stolen), ("exact, registered", [r.lower() for r in registered]),
                               ("one slip off", near), ("unknown", unknown)):
            median, p95, results = _time(check, queries)
            medians.append(median)
            print(f"  {label:18s} median {median:6.2f} ms  p95 {p95:6.2f} ms  answers {results}")
        print(f"check answer, worst median {max(medians):.2f} ms (target <= {TARGET_CHECK_MS} ms at 1M identifiers)")

        rate = RateLimit(checks=1_000_000, window_seconds=600)
        timings = []
        for query in stolen:
            answer = check(query)
            start = time.perf_counter()
            with db.atomic():
                record_check(db, answer, "198.51.100.7", "bench", rate)
            timings.append(time.perf_counter() - start)
        print(f"log + rate-limit write: median {statistics.median(timings) * 1000:.2f} ms")

        lines = (stolen + registered + near + unknown) * (MAX_IDENTIFIERS // (4 * n) + 1)
        csv_bytes = ("lot,serial number\n" + "".join(f"{k},{v}\n" for k, v in enumerate(lines[:MAX_IDENTIFIERS]))).encode()
        start = time.perf_counter()
        parsed, _ = parse_csv(csv_bytes)
        answered = answer_lines(db, parsed, str(path))
        with db.atomic():
            record_batch(db, TradeResult("FWT-BENCH", "bench.csv"), answered, "bench-mart", "198.51.100.8", "bench")
        trade = time.perf_counter() - start
        print(f"trade catalogue of {len(parsed):,} identifiers parsed, answered and logged in {trade:.2f} s "
              f"(target <= {TARGET_TRADE_S} s for a full upload)")

        extra = _serials(100, random.Random(7))
        db.conn.executemany("insert into identifiers (item_id, kind, raw_value, normalised_value, created_at) "
                            "values (1, 'serial', ?, ?, ?)", [(v, v, NOW) for v in extra])
        start = time.perf_counter()
        index_for(db, str(path))
        print(f"refresh after 100 new identifiers: {(time.perf_counter() - start) * 1000:.1f} ms (incremental)")
        db.close()
        forget_indexes()
