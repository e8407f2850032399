"""The record of one crawl of one source: counts, the error log, and the `crawl_runs` row.

Every part of a crawl (spider callbacks, error callbacks, pipelines) reports here, so a
problem with one page is counted and logged against its address and the crawl goes on.
The `CrawlRecorder` extension opens the row when the spider opens and closes it (with
removals for a complete crawl) when it closes.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from scrapy import signals

from registry.db import connect, utcnow
from registry.listings.store import listing_id, mark_removed
from spiders.health import rules
from spiders.health.ledger import Ledger

MAX_LOGGED_ERRORS = 1000
PROGRESS_EVERY_S = 0.5
FLUSH_EVERY_S = 5.0
COUNT_COLUMNS = ("pages", "listings_new", "listings_changed", "listings_unchanged", "listings_removed",
                 "photos_stored", "errors", "listings_not_modified", "listings_lastmod_skipped")
RUN_STATE_FILE = "farmwatch-run.json"


@contextmanager
def write_lock(db):
    """Hold SQLite's write lock for a group of writes (registry's FarmDatabase.atomic: BEGIN IMMEDIATE)."""
    with db.atomic():
        yield db


class CrawlRun:
    """Counters and error log of the running crawl, written to its crawl_runs row."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.db = connect(settings.get("FARMWATCH_DB"))
        self.run_id: int | None = settings.getint("FARMWATCH_RUN_ID") or None
        self.progress = settings.getbool("FARMWATCH_PROGRESS")
        self.source: str | None = None
        self.started_at = utcnow()
        self.resumed = False
        self.counts: Counter = Counter()
        self.ledger = Ledger()
        self.error_log: list[dict] = []
        self.failed_ids: set[str] = set()
        self.index_failed = False
        self._last_progress = self._last_flush = 0.0
        self._opened = time.monotonic()

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n
        self.tick()

    def record_error(self, url: str | None, error: str, *, failed_listing: bool = False) -> None:
        """Count a problem and keep it, with its address, in the run's error log."""
        self.counts["errors"] += 1
        if len(self.error_log) < MAX_LOGGED_ERRORS:
            self.error_log.append({"url": (url or "")[:2000], "error": str(error)[:500]})
        if failed_listing and url and self.source:
            self.failed_ids.add(listing_id(self.source, url))
        self.crawler.stats.inc_value("farmwatch/errors")
        self.tick()

    def tick(self) -> None:
        now = time.monotonic()
        if self.progress and now - self._last_progress > PROGRESS_EVERY_S:
            self._last_progress = now
            self.print_progress()
        if self.run_id and now - self._last_flush > FLUSH_EVERY_S:
            self._last_flush = now
            self.flush()

    def print_progress(self, done: bool = False) -> None:
        line = {"progress": self.source, "done": done, "seconds": round(time.monotonic() - self._opened, 3),
                **{c: self.counts[c] for c in COUNT_COLUMNS}}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()

    def open(self, source: str, jobdir: str | None) -> None:
        self.source = source
        self._opened = time.monotonic()
        if jobdir:
            state = Path(jobdir) / RUN_STATE_FILE
            if state.exists():
                try:
                    self.started_at = json.loads(state.read_text())["started_at"]
                    self.resumed = True
                except (ValueError, KeyError, OSError):
                    pass
            else:
                Path(jobdir).mkdir(parents=True, exist_ok=True)
                state.write_text(json.dumps({"started_at": self.started_at, "source": source}))
        if self.run_id is None:
            self.run_id = self.db["crawl_runs"].insert({"source": source, "started_at": utcnow(),
                                                        "status": "running"}).last_pk
        else:
            self.db.execute("update crawl_runs set source = ?, status = 'running' where id = ?", [source, self.run_id])

    def flush(self, status: str | None = None, **extra) -> None:
        values = {c: self.counts[c] for c in COUNT_COLUMNS}
        values["error_log"] = json.dumps(self.error_log)
        values.update(self.ledger.counts())
        if status:
            values.update(status=status, finished_at=utcnow())
        values.update(extra)
        with write_lock(self.db):
            self.ledger.write(self.db, self.run_id)
            self.db["crawl_runs"].update(self.run_id, values)

    def mark_absent_removed(self) -> int:
        """After a complete crawl: listings of this source not seen since the crawl began are gone."""
        rows = self.db.execute(
            "select id from listings where source = ? and removed_at is null and last_seen_at < ?",
            [self.source, self.started_at],
        ).fetchall()
        gone = [r[0] for r in rows if r[0] not in self.failed_ids]
        with write_lock(self.db):
            return mark_removed(self.db, gone)


def prepare_jobdir(jobdir: str | Path) -> str:
    """Before a crawl with a JOBDIR: keep Scrapy's saved queue only if the last run stopped cleanly.

    A process killed with SIGKILL leaves a queue and a seen-requests file that disagree (pages
    marked seen whose listings were never stored), so resuming from them could lose listings:
    start afresh instead, which re-reads everything and, with stable ids, duplicates nothing.
    Returns "fresh", "resume" or "restart".
    """
    folder = Path(jobdir)
    state = folder / RUN_STATE_FILE
    if not state.exists():
        return "fresh"
    try:
        clean = json.loads(state.read_text()).get("clean_stop", False)
    except (ValueError, OSError):
        clean = False
    if clean:
        return "resume"
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    return "restart"


def get_run(crawler) -> CrawlRun:
    """The crawl's one CrawlRun, created on first use."""
    run = getattr(crawler, "_farmwatch_run", None)
    if run is None:
        run = CrawlRun(crawler)
        crawler._farmwatch_run = run
    return run


class CrawlRecorder:
    """Opens and closes the crawl_runs row; decides whether the crawl was complete and ok."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.item_error, signal=signals.item_error)
        crawler.signals.connect(self.request_dropped, signal=signals.request_dropped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        source = getattr(spider, "source", None)
        get_run(self.crawler).open(source.name if source else spider.name, self.crawler.settings.get("JOBDIR"))

    def spider_error(self, failure, response, spider) -> None:
        get_run(self.crawler).record_error(response.url, f"{failure.type.__name__}: {failure.value}")

    def item_dropped(self, item, response, exception, spider) -> None:
        run = get_run(self.crawler)
        run.ledger.page(item.get("page_url") or response.url, "not_listing", str(exception).split(":")[0][:80],
                        reason=str(exception), status=response.status)
        run.record_error(item.get("url") or response.url, f"listing rejected: {exception}")

    def request_dropped(self, request, spider) -> None:
        """A redirect to an address already fetched in this crawl: a loop, or a duplicate listing address."""
        if request.meta.get("redirect_times"):
            first = (request.meta.get("redirect_urls") or [request.url])[0]
            reason = f"redirect loop: redirections lead back to {request.url}"
            run = get_run(self.crawler)
            run.ledger.page(first, "failed", "redirect_loop", reason=reason,
                            start=bool(request.meta.get("farmwatch_start")))
            run.record_error(first, reason)

    def verdict(self, spider, reason: str) -> tuple[str, str | None, bool]:
        """(status, cause, comparable) of the finished crawl (spiders.health.rules)."""
        run = get_run(self.crawler)
        settings = self.crawler.settings
        source = getattr(spider, "source", None)
        comparable = reason == "finished" and not run.resumed and not settings.get("REDIS_URL")
        start_urls = source.start_urls if source else []
        cause = rules.diagnose(
            pages=run.counts["pages"], refusals=run.ledger.refusals, failures=run.ledger.failures,
            failed_start=run.ledger.failed_start, start_urls=start_urls,
            http_detail=rules.http_statuses(run.db, run.run_id),
            robots_forbid_all=rules.robots_forbidding_all(self.crawler, start_urls))
        if reason == "shutdown":
            return "failed", f"crawl stopped early ({reason})", False
        if settings.get("REDIS_URL") or run.resumed:
            # one worker of a shared crawl (the others may have taken every listing), or the rest of an
            # interrupted crawl (its first part found the listings): only a crawl that fetched nothing fails
            return ("ok", None, False) if run.counts["pages"] else ("failed", cause, False)
        row = {c: run.counts[c] for c in ("photos_stored",)}
        row.update(run.ledger.counts(), cause=cause)
        last = rules.last_good_run(run.db, run.source, run.run_id)
        status, why = rules.judge(row, last, comparable=comparable, accept_drop=settings.getbool("FARMWATCH_ACCEPT_DROP"))
        if last and comparable:
            run.db["crawl_runs"].update(run.run_id, {"compared_run_id": last["id"]})
        return status, why, comparable

    def item_error(self, item, response, spider, failure) -> None:
        run = get_run(self.crawler)
        reason = f"listing not stored: {failure.type.__name__}: {failure.value}"
        run.ledger.page(item.get("page_url") or response.url, "failed", "not_stored", reason=reason,
                        status=response.status)
        run.record_error(item.get("url") or response.url, reason)

    def spider_closed(self, spider, reason: str) -> None:
        run = get_run(self.crawler)
        source = getattr(spider, "source", None)
        complete = (reason == "finished" and not run.index_failed and not run.resumed
                    and source is not None and source.complete_index)
        seen = run.counts["listings_new"] + run.counts["listings_changed"] + run.counts["listings_unchanged"]
        if complete and seen:
            run.counts["listings_removed"] += run.mark_absent_removed()
        too_deep = self.crawler.stats.get_value("depth/request_ignored_count", 0)
        if too_deep:
            run.record_error(None, f"{too_deep} links deeper than DEPTH_LIMIT "
                                   f"{self.crawler.settings.getint('DEPTH_LIMIT')} were not followed")
        if reason not in ("finished",) and not reason.startswith("closespider"):
            run.record_error(None, f"crawl stopped early ({reason})")
        run.flush()
        status, cause, comparable = self.verdict(spider, reason)
        if cause:
            run.record_error(None, f"source {run.source} failed: {cause}")
        run.flush(status, cause=cause, complete=int(comparable))
        if run.progress:
            run.print_progress(done=True)
        jobdir = self.crawler.settings.get("JOBDIR")
        if jobdir:
            state = Path(jobdir) / RUN_STATE_FILE
            if reason == "finished":
                state.unlink(missing_ok=True)
            elif state.exists():  # Scrapy saved its queue: the next run may resume from it
                state.write_text(json.dumps({"started_at": run.started_at, "source": run.source, "clean_stop": True}))
        spider.crawl_status = status
