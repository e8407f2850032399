"""Measuring tools for `bench_night` (not a benchmark itself): the memory of a process tree, CPU time of
a step with its worker processes, and the steps measured outside `run_nightly` (photo storage,
identifiers alone, stage two's worst case)."""

from __future__ import annotations

import multiprocessing as mp
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SAMPLER = r"""
import os, sys, time
root, out, me = int(sys.argv[1]), sys.argv[2], os.getpid()
def tree():
    kids = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open(f'/proc/{d}/stat') as f:
                    kids.setdefault(int(f.read().rsplit(')', 1)[1].split()[1]), []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [root]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(kids.get(p, []))
    return [p for p in found if p != me]
def pss(p):
    try:
        with open(f'/proc/{p}/smaps_rollup') as f:
            for line in f:
                if line.startswith('Pss:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
with open(out, 'a') as f:
    while os.path.exists(f'/proc/{root}'):
        procs = tree()
        f.write(f"{time.time():.2f} {sum(pss(p) for p in procs)} {len(procs)}\n")
        f.flush()
        time.sleep(1.0)
"""


class TreeMemory:
    """Samples the proportional set size (PSS: shared pages split between the processes sharing them,
    so forked workers are not counted twice) of this process and all its descendants every second, from a
    separate process (a thread here would stop `match_listings` from forking its workers)."""

    def __init__(self, folder: Path):
        import os

        self.path = Path(folder) / "memory.log"
        self.process = subprocess.Popen([sys.executable, "-c", SAMPLER, str(os.getpid()), str(self.path)])

    def peak_mb(self, start: float, end: float) -> float:
        """Highest sampled PSS of the tree, MB, between two time.time() instants: the samples taken
        within them, or, for a step shorter than the sampling interval, the first sample after it
        started. A sample taken before the step began belongs to the step before (the match step's
        last reading used to be reported as the networks step's peak too)."""
        samples = []
        for line in self.path.read_text().splitlines() if self.path.exists() else []:
            t, kb, _ = line.split()
            samples.append((float(t), int(kb)))
        within = [kb for t, kb in samples if start <= t <= end]
        if not within:
            within = [kb for t, kb in samples if t >= start][:1]
        return max(within, default=0) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


class Step:
    """Wall time, CPU time of this process and its (reaped) worker processes, and the instants, of a block."""

    def __enter__(self):
        self.usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        self.start, self.perf = time.time(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.perf
        self.end = time.time()
        after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        self.cpu_self, self.cpu_children = (a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime
                                            for a, b in zip(after, self.usage, strict=True))
        self.cpu = self.cpu_self + self.cpu_children
        del self.usage  # what is left is plain numbers (vars() crosses processes)
        return False


def _photos(seed: int, count: int, size: tuple[int, int]) -> list[bytes]:
    from synthetic.photos import encode, scene

    return [encode(scene(seed + n, (800, 600)).resize(size), quality=90) for n in range(count)]


def _storage_worker(job: tuple[int, int, int]) -> dict:
    """In a worker process: store `count` distinct 1600x1200 photos as a crawl does (store_listing_photo
    into a database of its own) and hash `large` 4000x3000 ones; CPU seconds of each part."""
    from registry.db import connect
    from registry.listings.store import clean_listing, store_listing_photo, upsert_listing
    from registry.photos.store import decode_for_hashing, hash_image, hash_photo

    seed, count, large = job
    photos = _photos(seed, count, (1600, 1200))
    big = _photos(seed + 500, large, (4000, 3000))
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "data" / "farmwatch.db")
        ids = [upsert_listing(db, clean_listing({"source": "bench", "url": f"https://example.org/s/{seed}/{n}",
                                                 "title": "tractor"})).listing_id for n in range((count + 2) // 3)]
        hash_photo(photos[0])  # imports and caches warm
        cpu = time.process_time()
        for n, data in enumerate(photos):
            store_listing_photo(db, ids[n // 3], 1 + n % 3, f"https://example.org/s/{seed}/{n}.jpg", data)
        stored = time.process_time() - cpu
        db.close()
    cpu = time.process_time()
    for data in photos:
        hash_photo(data)
    hashed = time.process_time() - cpu
    cpu = time.process_time()
    for data in photos[:max(1, count // 4)]:
        hash_image(decode_for_hashing(data, draft=False))
    undrafted = (time.process_time() - cpu) / max(1, count // 4)
    cpu = time.process_time()
    for data in big:
        hash_photo(data)
    big_cpu = time.process_time() - cpu
    return {"count": count, "stored": stored, "hashed": hashed, "undrafted": undrafted, "large": large,
            "large_cpu": big_cpu}


def photo_storage(count: int, large: int) -> dict:
    """Per-photo CPU seconds of storing (decode, hashes, clean copy, file, row) and of decode + hashes
    alone, 1600x1200, over two worker processes; decode + hashes without JPEG draft (the older path);
    decode + hashes at 4000x3000."""
    with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as pool:
        parts = list(pool.map(_storage_worker, [(1000, count // 2, large // 2), (2000, count - count // 2,
                                                                                   large - large // 2)]))
    total = sum(p["count"] for p in parts)
    big = sum(p["large"] for p in parts)
    return {"photos": total, "store_s": sum(p["stored"] for p in parts) / total,
            "hash_s": sum(p["hashed"] for p in parts) / total,
            "undrafted_s": sum(p["undrafted"] for p in parts) / len(parts),
            "large": big, "large_hash_s": sum(p["large_cpu"] for p in parts) / max(1, big)}


def _refresh_indexes(db_path: str) -> dict:
    from matching.photos.features.index import refresh_feature_index
    from registry.db import connect

    db = connect(db_path)
    try:
        return refresh_feature_index(db)
    finally:
        db.close()


def current_indexes(folder: Path) -> tuple[dict, float]:
    """Bring the cached register's stage-two index files up to this checkout's layout, in place and in a
    fresh process (its memory is not the night's): a no-op when they are current, else the rebuild that the
    first night after an upgrade does once, kept in the cache so that each timed night is a usual one.
    Returns refresh_feature_index's report and the seconds it took."""
    started = time.perf_counter()
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        report = pool.submit(_refresh_indexes, str(folder / "data" / "farmwatch.db")).result()
    return report, time.perf_counter() - started


def _identifiers(job: tuple[int, int]) -> dict:
    import time as clock

    from bench.bench_match_identifiers import run_once
    from bench.match_data import make_keys, make_listing_texts

    keys = make_keys(job[0])
    texts = make_listing_texts(keys, job[1])
    cpu = clock.process_time()
    result = run_once(keys, texts)
    return {**result, "cpu": clock.process_time() - cpu}


def identifiers_alone(keys: int, listings: int) -> dict:
    """`bench_match_identifiers.run_once` (the real index and candidate extraction) in a fresh process,
    so its peak memory is its own: build, extract, search, total seconds, peak_mb, cpu."""
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(_identifiers, (keys, listings)).result()


def stage_two_ab(db, source: str, runs: int) -> dict:
    """Match the `source` listings again with stage two and without it (`match_listings`, 2 workers,
    small batches so both work); CPU seconds of each (lowest of `runs`) and the photos searched."""
    from matching import pipeline

    photos = db.execute("select count(*) from listing_photos p join listings l on l.id = p.listing_id "
                        "where l.source = ? and p.path is not null", [source]).fetchone()[0]
    original = pipeline.add_feature_evidence
    cpu = {"with": [], "without": []}
    wall = {"with": [], "without": []}
    for _ in range(runs):
        for mode in ("without", "with"):
            db.execute("update listings set matched_at = null where source = ?", [source])
            db.conn.commit()
            if mode == "without":
                pipeline.add_feature_evidence = lambda *args, **kwargs: 0
            try:
                with Step() as step:
                    pipeline.match_listings(db, workers=2, batch_size=10)
            finally:
                pipeline.add_feature_evidence = original
            cpu[mode].append(step.cpu)
            wall[mode].append(step.wall)
    return {"photos": photos, "cpu_with": min(cpu["with"]), "cpu_without": min(cpu["without"]),
            "wall_with": min(wall["with"]), "wall_without": min(wall["without"])}
