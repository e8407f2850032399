"""The Python entry point for crawls (`farmwatch crawl`, the nightly job, the demo).

Each source is crawled in its own subprocess (`python -m spiders.run`): the caller may be
any process and call this any number of times, and one source failing, hanging or being
killed does not stop the others. The crawl_runs row is created here first, so even a
crawl process that dies leaves a `failed` row with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from registry.db import connect, utcnow
from spiders.config import Source, select_sources, source_for_url

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_PARALLEL = 4
SUMMARY_COLUMNS = ("id", "source", "status", "started_at", "finished_at", "pages", "listings_new",
                   "listings_changed", "listings_unchanged", "listings_removed", "photos_stored", "errors",
                   "error_log", "listings_seen", "photos_seen", "photos_unchanged", "photos_duplicate",
                   "photos_refused", "refusals", "failures", "complete", "cause", "compared_run_id",
                   "listings_not_modified", "listings_lastmod_skipped")


def plan_sources(source_names=None, *, sources_file=None, start_urls=None) -> list[Source]:
    """The sources a crawl covers: one per host for start URLs, else the named or enabled ones."""
    if start_urls:
        by_host: dict[str, Source] = {}
        for url in start_urls:
            source = source_for_url(url)
            host = urlsplit(url).netloc
            if host in by_host:
                by_host[host].start_urls.append(url)
            else:
                by_host[host] = source
        return list(by_host.values())
    return select_sources(list(source_names or []), sources_file)


def _summary(db, run_id: int) -> dict:
    row = db.execute(f"select {', '.join(SUMMARY_COLUMNS)} from crawl_runs where id = ?", [run_id]).fetchone()
    summary = dict(zip(SUMMARY_COLUMNS, row, strict=True))
    for key, empty in (("error_log", "[]"), ("refusals", "{}"), ("failures", "{}")):
        summary[key] = json.loads(summary[key] or empty)
    return summary


def _fail_run(db, run_id: int, reason: str) -> None:
    row = db.execute("select error_log, errors from crawl_runs where id = ?", [run_id]).fetchone()
    log = json.loads(row[0] or "[]") + [{"url": "", "error": reason[:500]}]
    db.execute("update crawl_runs set status = 'failed', finished_at = ?, errors = ?, error_log = ?, "
               "cause = coalesce(cause, ?) where id = ?", [utcnow(), (row[1] or 0) + 1, json.dumps(log), reason[:500], run_id])


def crawl_source(db_path, source: Source, *, sources_file=None, fast=False, jobdir=None, from_url: bool = False,
                 progress: Callable[[dict], None] | None = None, timeout: float | None = None,
                 redis_url: str | None = None, accept_drop: bool = False) -> dict:
    """Crawl one source in a subprocess and return its crawl_runs row as a dict.

    With redis_url, this process is one worker of a crawl shared through Redis (spiders.distributed):
    other workers' runs of the same source are running too, so they are not taken for stale ones.
    """
    db = connect(db_path)
    running = "select id from crawl_runs where source = ? and status = 'running'"
    for (stale,) in [] if redis_url else db.execute(running, [source.name]).fetchall():
        _fail_run(db, stale, "the crawl process ended without closing its run (killed?)")
    run_id = db["crawl_runs"].insert({"source": source.name, "started_at": utcnow(), "status": "running"}).last_pk
    command = [sys.executable, "-m", "spiders.run", "--db", str(Path(db_path).resolve()), "--run-id", str(run_id),
               "--progress"]
    if from_url:
        for url in source.start_urls:
            command += ["--start-url", url]
    else:
        command.append(source.name)
    if sources_file:
        command += ["--sources", str(Path(sources_file).resolve())]
    if fast:
        command.append("--fast")
    if jobdir:
        command += ["--jobdir", str(Path(jobdir).resolve())]
    if redis_url:
        command += ["--redis", redis_url]
    if accept_drop:
        command.append("--accept-drop")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, cwd=REPO_ROOT, env=env, text=True)
        fatal = crawl_seconds = None
        try:
            for line in proc.stdout:
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                if isinstance(message, dict) and message.get("fatal"):
                    fatal = message["fatal"]
                elif isinstance(message, dict) and "progress" in message:
                    if message.get("done"):
                        crawl_seconds = message.get("seconds")
                    if progress:
                        progress({"source": source.name, **{k: v for k, v in message.items() if k != "progress"}})
            status = proc.wait(timeout=timeout)
        except BaseException:
            proc.kill()
            proc.wait()
            _fail_run(db, run_id, "crawl interrupted")
            raise
        if status != 0:
            stderr.seek(0)
            tail = stderr.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
            row = db.execute("select status from crawl_runs where id = ?", [run_id]).fetchone()
            if fatal:
                _fail_run(db, run_id, fatal)
            elif row[0] == "running":
                why = f"killed by signal {-status}" if status < 0 else f"exited with status {status}"
                _fail_run(db, run_id, f"crawl process {why}: {tail[-1] if tail else 'no output'}")
    summary = _summary(db, run_id)
    summary["crawl_seconds"] = crawl_seconds  # spider open to close, without process start-up
    db.close()
    return summary


def _host_groups(sources: list[Source], fast: bool) -> list[list[Source]]:
    """Sources that share a host run one after another (politeness is per host); with fast, all at once."""
    if fast:
        return [[s] for s in sources]
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(urlsplit(source.start_urls[0]).netloc, []).append(source)
    return list(groups.values())


def run_crawl(db_path, source_names=None, *, sources_file=None, start_urls=None, fast=False, jobdir=None,
              progress: Callable[[dict], None] | None = None, parallel: int = MAX_PARALLEL,
              redis_url: str | None = None, accept_drop: bool = False) -> list[dict]:
    """Crawl the named sources (all enabled ones by default) or the sites of `start_urls`, one
    subprocess per source; returns one summary dict (the crawl_runs row) per source, in order.

    Sources on different hosts are crawled at the same time (up to `parallel`); `progress`, when
    given, is called with {source, pages, listings_new, ..., done} from a worker thread. A source
    whose crawl found no listing, or fell by more than half against its last good run, comes back
    `failed` with its `cause` (spiders.health.rules); `accept_drop` takes smaller numbers as the new normal.
    Raises SourceError before crawling anything when the sources file or a name is wrong.
    """
    sources = plan_sources(source_names, sources_file=sources_file, start_urls=start_urls)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    connect(db_path).close()  # migrate once, before the crawl processes open it

    def crawl_group(group: list[Source]) -> list[tuple[str, dict]]:
        return [(source.name, crawl_source(db_path, source, sources_file=sources_file, fast=fast, jobdir=jobdir,
                                           from_url=bool(start_urls), progress=progress, redis_url=redis_url,
                                           accept_drop=accept_drop))
                for source in group]

    results: dict[str, dict] = {}
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        for pairs in pool.map(crawl_group, _host_groups(sources, fast)):
            results.update(pairs)
    return [results[source.name] for source in sources]
