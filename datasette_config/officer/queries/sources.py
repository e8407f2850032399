"""Each marketplace source's crawl health, for the officers' /sources page: its last runs with pages,
listings, photos, refusals by rule and failed pages by kind, the verdict and its cause, and the
trend of listings read per run (a small bar chart drawn from these rows)."""

from __future__ import annotations

import json

RUNS_SHOWN = 10
TREND_RUNS = 30
COLUMNS = ("id", "source", "started_at", "finished_at", "status", "pages", "listings_seen", "listings_new",
           "listings_changed", "listings_unchanged", "listings_removed", "photos_seen", "photos_stored",
           "photos_unchanged", "photos_duplicate", "photos_refused", "refusals", "failures", "cause", "errors")


def _run(row) -> dict:
    run = dict(zip(COLUMNS, row, strict=True))
    for key in ("refusals", "failures"):
        try:
            run[key] = json.loads(run[key] or "{}")
        except ValueError:
            run[key] = {}
    run["photos_kept"] = (run["photos_stored"] or 0) + (run["photos_unchanged"] or 0) + (run["photos_duplicate"] or 0)
    return run


def trend_bars(runs: list[dict], width: int = 300, height: int = 60) -> dict:
    """SVG bars of listings read per run, oldest first; a failed run's bar is marked `failed`."""
    if not runs:
        return {"width": width, "height": height, "bars": [], "top": 0}
    top = max(r["listings_seen"] or 0 for r in runs) or 1
    step = width / max(len(runs), 1)
    bars = []
    for n, run in enumerate(runs):
        h = round((run["listings_seen"] or 0) / top * (height - 12), 1)
        bars.append({"x": round(n * step, 1), "w": max(round(step - 2, 1), 1), "y": round(height - h, 1), "h": h,
                     "failed": run["status"] != "ok",
                     "title": f"run {run['id']} {run['started_at']}: {run['listings_seen']} listings, {run['status']}"})
    return {"width": width, "height": height, "bars": bars, "top": top}


def source_health(conn) -> list[dict]:
    """One entry per source that was ever crawled, the failing ones first: `source`, `runs` (newest
    first, at most RUNS_SHOWN), `latest`, `chart` (trend_bars over the last TREND_RUNS runs)."""
    sources = [r[0] for r in conn.execute("select distinct source from crawl_runs order by source")]
    out = []
    for source in sources:
        rows = conn.execute(f"select {', '.join(COLUMNS)} from crawl_runs where source = ? order by id desc limit ?",
                            [source, TREND_RUNS]).fetchall()
        runs = [_run(r) for r in rows]
        out.append({"source": source, "latest": runs[0], "runs": runs[:RUNS_SHOWN],
                    "chart": trend_bars(list(reversed(runs)))})
    out.sort(key=lambda s: (s["latest"]["status"] == "ok", s["source"]))
    return out
