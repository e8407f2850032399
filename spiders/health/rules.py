"""No silent zero: the verdict on a finished crawl of one source, and the likely cause of a bad one.

A crawl fails by name when its source yielded no listing, or when (a crawl that ran to its end
compared with the source's last good run that did too) its listings or its photos per listing
fell by more than half. The cause is read from the crawl's ledger (spiders.health.ledger): the start
addresses' own failures first (robots.txt forbids everything, a redirect off the site, an HTTP
error, a host that cannot be reached), then the kind of failure or the refusal rule that took
most pages. `farmwatch crawl --accept-drop` takes a smaller site as the new normal.
"""

from __future__ import annotations

from collections import Counter

DROP = 0.5  # "fell by more than half"
KIND_WORDS = {
    "http": "HTTP errors", "robots": "robots.txt forbids them", "redirect_off_site": "redirects off the site",
    "address_refused": "addresses inside the network, refused", "timeout": "timed out", "dns": "host name not found",
    "connection": "connection failed", "too_large": "over the size limit", "encoding": "text could not be decoded",
    "redirect_loop": "redirect loops", "not_stored": "listing could not be stored", "other": "other errors",
}


def last_good_run(db, source: str, before_id: int) -> dict | None:
    """The source's latest earlier crawl that was ok, ran to its end and found listings; None if none."""
    row = db.execute(
        "select id, listings_seen, photos_stored, photos_unchanged, photos_duplicate from crawl_runs "
        "where source = ? and id < ? and status = 'ok' and complete = 1 and listings_seen > 0 "
        "order by id desc limit 1", [source, before_id]).fetchone()
    if row is None:
        return None
    return dict(zip(("id", "listings_seen", "photos_stored", "photos_unchanged", "photos_duplicate"), row, strict=True))


def photos_kept(run: dict) -> int:
    """Photos the listings hold after the run: stored now, already stored, or a duplicate of one stored."""
    return (run.get("photos_stored") or 0) + (run.get("photos_unchanged") or 0) + (run.get("photos_duplicate") or 0)


def http_statuses(db, run_id: int) -> str:
    """The commonest error statuses of a crawl's failed pages ("HTTP 503 x12, HTTP 404 x2")."""
    rows = db.execute("select http_status, count(*) from crawl_pages where crawl_run_id = ? and outcome = 'failed' "
                      "and http_status is not null group by http_status order by 2 desc limit 3", [run_id]).fetchall()
    return ", ".join(f"HTTP {status} x{n}" for status, n in rows)


def diagnose(*, pages: int, refusals: Counter, failures: Counter, failed_start: list[dict], start_urls: list[str],
             http_detail: str = "", robots_forbid_all: list[str] | None = None) -> str:
    """The likely cause, in words, of a crawl that found no (or too few) listings."""
    starts = {f["url"] for f in failed_start}
    if failed_start and len(starts) >= len(set(start_urls)):
        kinds = Counter(f["kind"] for f in failed_start)
        kind, _ = kinds.most_common(1)[0]
        first = next(f for f in failed_start if f["kind"] == kind)
        if kind == "robots":
            if robots_forbid_all:
                return f"robots.txt forbids everything (Disallow: / for our user agent) on {', '.join(robots_forbid_all)}"
            return f"robots.txt forbids the start address {first['url']}"
        if kind == "redirect_off_site":
            return f"the start address redirects off the site ({first['reason']})"
        return f"the start address failed: {first['reason']} ({first['url']})"
    total_failed = sum(failures.values())
    total_refused = sum(refusals.values())
    if failures and total_failed >= total_refused:
        kind, n = failures.most_common(1)[0]
        detail = http_detail if kind == "http" else ""
        what = KIND_WORDS.get(kind, kind)
        if kind == "robots" and robots_forbid_all:
            what = "robots.txt forbids everything"
        return f"{n} of {total_failed + total_refused} pages failed: {what}" + (f" ({detail})" if detail else "")
    if refusals:
        rule, n = refusals.most_common(1)[0]
        every = "every page" if n == total_refused and not total_failed else f"{n} of {total_refused + total_failed} pages"
        return f"{every} refused as not a listing by the rule \"{rule}\""
    if not pages:
        return "no page could be fetched from the start addresses"
    return f"no listing found on {pages} pages"


def judge(run: dict, last_good: dict | None, *, comparable: bool, accept_drop: bool = False) -> tuple[str, str | None]:
    """("ok", None) or ("failed", why) for a finished crawl.

    `run` holds the crawl_runs counts (listings_seen, photos_stored, photos_unchanged,
    photos_duplicate) and `cause` (from diagnose); `comparable` says the crawl ran to its end (not
    stopped by a limit, not resumed, not one worker of a shared crawl); `accept_drop` skips the
    comparison with the last good run.
    """
    listings = run.get("listings_seen") or 0
    if listings == 0:
        return "failed", f"no listing: {run.get('cause') or 'nothing found'}"
    if not comparable or accept_drop or not last_good:
        return "ok", None
    before = last_good["listings_seen"]
    if listings < DROP * before:
        return "failed", (f"listings fell by more than half against the last good run #{last_good['id']}: "
                          f"{before} -> {listings}" + (f"; {run['cause']}" if run.get("cause") else ""))
    per_before = photos_kept(last_good) / before
    per_now = photos_kept(run) / listings
    if per_before > 0 and per_now < DROP * per_before:
        return "failed", (f"photos per listing fell by more than half against the last good run #{last_good['id']}: "
                          f"{per_before:.1f} -> {per_now:.1f}" + (f"; {run['cause']}" if run.get("cause") else ""))
    return "ok", None


def robots_forbidding_all(crawler, start_urls: list[str]) -> list[str]:
    """Hosts of the start addresses whose robots.txt (as Scrapy's RobotsTxtMiddleware read it in
    this crawl) forbids our user agent the site's root."""
    from urllib.parse import urlsplit

    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

    try:
        middlewares = crawler.engine.downloader.middleware.middlewares
    except AttributeError:
        return []
    robots = next((m for m in middlewares if isinstance(m, RobotsTxtMiddleware)), None)
    if robots is None:
        return []
    agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
    hosts = []
    for url in start_urls:
        parts = urlsplit(url)
        parser = getattr(robots, "_parsers", {}).get(parts.netloc)
        if parser is not None and hasattr(parser, "allowed"):
            root = f"{parts.scheme}://{parts.netloc}/"
            if not parser.allowed(root, agent) and parts.netloc not in hosts:
                hosts.append(parts.netloc)
    return hosts
