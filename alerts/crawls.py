"""Failed crawls in the officers' digest: which source, and the likely cause, so nobody believes
a marketplace was searched when it was not (the verdict is the crawl's own, spiders.health.rules,
stored in `crawl_runs.cause`)."""

from __future__ import annotations

from sqlite_utils import Database

RECENT_DAYS = 3  # older failures were reported in earlier digests, or predate this deployment


def failed_crawls(db: Database) -> list[dict]:
    """The latest failed crawl of each source finished in the last RECENT_DAYS days, newest first."""
    return [dict(r) for r in db.query(
        """
        select r.id, r.source, r.finished_at, r.cause, r.pages, r.listings_seen
        from crawl_runs r
        where r.status = 'failed' and r.finished_at >= strftime('%Y-%m-%dT%H:%M:%S', 'now', :window)
          and r.id = (select max(id) from crawl_runs x where x.source = r.source)
        order by r.id desc
        """, {"window": f"-{RECENT_DAYS} days"})]


def crawl_lines(crawls: list[dict], base_url: str) -> list[str]:
    """Digest lines naming each failed source and its likely cause."""
    lines = [f"{len(crawls)} marketplace source(s) were NOT searched properly in the last crawl:", ""]
    for c in crawls:
        lines += [f"[CRAWL FAILED] {c['source']} ({c['finished_at']}): {c['cause'] or 'see the crawl log'}",
                  f"  {c['pages']} pages fetched, {c['listings_seen']} listing pages read; "
                  f"health: {base_url}/sources", ""]
    return lines
