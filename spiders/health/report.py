"""The crawl report of one source in words, for `farmwatch crawl`, `nightly` and the digest:
pages, listings new/changed/removed (and the unchanged ones known without reading their page),
photos kept of those seen, refusals by rule, errors by kind,
and for a failed crawl the likely cause."""

from __future__ import annotations


def _counted(counts: dict) -> str:
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def summary_lines(summary: dict) -> list[str]:
    """Lines describing one source's crawl (a crawl_runs row as spiders.runner returns it): the first
    names the source and its status; the others, indented, the refusals, errors and cause."""
    s = {k: summary.get(k) or 0 for k in ("pages", "listings_new", "listings_changed", "listings_unchanged",
                                          "listings_removed", "photos_stored", "photos_seen", "photos_unchanged",
                                          "photos_duplicate", "photos_refused", "errors")}
    kept = s["photos_stored"] + s["photos_unchanged"] + s["photos_duplicate"]
    photos = f"photos {kept} kept of {s['photos_seen']} seen ({s['photos_stored']} new"
    photos += f", {s['photos_unchanged']} already stored" if s["photos_unchanged"] else ""
    photos += f", {s['photos_duplicate']} duplicates stored once" if s["photos_duplicate"] else ""
    photos += f", {s['photos_refused']} refused or failed)" if s["photos_refused"] else ")"
    status = summary.get("status") or "?"
    lines = [f"{summary.get('source')}: {status}, {s['pages']} pages, listings "
             f"{s['listings_new']} new, {s['listings_changed']} changed, {s['listings_unchanged']} unchanged, "
             f"{s['listings_removed']} removed, {photos}, {s['errors']} errors"]
    spared = [f"{summary[k]} {words}" for k, words in (("listings_not_modified", "answered 304 Not Modified"),
                                                        ("listings_lastmod_skipped", "spared by the sitemap's lastmod"))
              if summary.get(k)]
    if spared:
        lines.append(f"  unchanged without reading the page: {', '.join(spared)}")
    if summary.get("refusals"):
        lines.append(f"  refused as not a listing: {_counted(summary['refusals'])}")
    if summary.get("failures"):
        lines.append(f"  failed pages by kind: {_counted(summary['failures'])}")
    if status != "ok":
        lines.append(f"  cause: {summary.get('cause') or 'unknown (see the error log)'}")
    return lines
