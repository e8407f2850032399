"""Offline pictures: a point map of thefts and matched listings, and weekly counts by category.

Both are plain geometry turned into SVG by templates (autoescaped), so nothing is fetched from
the network and no seller text is ever placed in markup unescaped.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import date, datetime, timedelta

from registry.words.labels import category_words

PALETTE = ["#1b7837", "#762a83", "#e08214", "#2166ac", "#b2182b", "#35978f", "#8c510a", "#4d4d4d",
           "#c51b7d", "#5aae61", "#878787", "#01665e"]


def map_points(conn, scope: tuple[str, ...] | None = None) -> dict:
    """Thefts and matched listings with coordinates, a line for each match between the two (marked when
    it crosses force borders), and how many could not be placed (their place was not resolved).
    `scope`: the forces to show (thefts in them, matches stolen or listed in them); None for all."""
    in_scope = "(select value from json_each(:scope))"
    theft_filter = f" and t.force_area in {in_scope}" if scope is not None else ""
    match_filter = (f" and (t.force_area in {in_scope} or l.force_area in {in_scope})" if scope is not None else "")
    params = {"scope": json.dumps(list(scope or ()))}
    thefts = conn.execute(
        f"""select t.id, t.latitude, t.longitude, t.place, t.stolen_at, i.category, i.id, t.force_area
           from thefts t join items i on i.id = t.item_id
           where t.latitude is not null and t.longitude is not null{theft_filter}""", params).fetchall()
    listings = conn.execute(
        f"""select m.id, l.latitude, l.longitude, l.location, m.band, m.status, t.latitude, t.longitude,
                  l.force_area, t.force_area
           from matches m join listings l on l.id = m.listing_id
           left join thefts t on t.id = m.theft_id
           where m.status != 'dismissed' and l.latitude is not null and l.longitude is not null{match_filter}""",
        params).fetchall()
    unplaced = conn.execute(
        """select (select count(*) from thefts where current = 1 and latitude is null),
                  (select count(*) from matches m join listings l on l.id = m.listing_id
                   where m.status != 'dismissed' and l.latitude is null)""").fetchone()
    return {
        "thefts": [{"id": r[0], "lat": r[1], "lon": r[2], "href": f"/item/{r[6]}",
                    "label": f"{category_words(r[5])} stolen {r[4]} at {r[3] or 'an unrecorded place'}"
                             f"{f' ({r[7]})' if r[7] else ''}", "place": r[3]}
                   for r in thefts],
        "listings": [{"id": r[0], "lat": r[1], "lon": r[2], "href": f"/match/{r[0]}", "band": r[4],
                      "label": f"{r[4]} match ({r[5]}), listed at {r[3] or 'an unknown place'}{f' ({r[8]})' if r[8] else ''}"
                               + (f", stolen in {r[9]}: crosses force borders" if r[8] and r[9] and r[8] != r[9]
                                  else ""),
                      "theft_lat": r[6], "theft_lon": r[7], "cross_border": bool(r[8] and r[9] and r[8] != r[9])}
                     for r in listings],
        "unplaced_thefts": unplaced[0], "unplaced_listings": unplaced[1],
    }


def project(points: dict, width: int = 720, height: int = 720, pad: int = 30,
            backdrop: list[tuple[float, float]] = ()) -> dict:
    """Screen coordinates (equirectangular, scaled by the cosine of the mean latitude), at least two
    degrees of latitude across; `backdrop` points (towns) inside the frame become one faint SVG path."""
    coords = [(p["lat"], p["lon"]) for kind in ("thefts", "listings") for p in points[kind]]
    out = {"width": width, "height": height, "thefts": [], "listings": [], "lines": [], "grid": [], "backdrop": ""}
    if not coords:
        return out
    lats, lons = [c[0] for c in coords], [c[1] for c in coords]
    lat0, lat1 = min(lats) - 0.25, max(lats) + 0.25
    lon0, lon1 = min(lons) - 0.4, max(lons) + 0.4
    if lat1 - lat0 < 2:
        lat0, lat1 = (lat0 + lat1) / 2 - 1, (lat0 + lat1) / 2 + 1
    squash = math.cos(math.radians((lat0 + lat1) / 2))
    if (lon1 - lon0) * squash < 2:
        mid = (lon0 + lon1) / 2
        lon0, lon1 = mid - 1 / squash, mid + 1 / squash
    scale = min((width - 2 * pad) / ((lon1 - lon0) * squash), (height - 2 * pad) / (lat1 - lat0))

    def xy(lat, lon):
        return round(pad + (lon - lon0) * squash * scale, 1), round(height - pad - (lat - lat0) * scale, 1)

    for p in points["thefts"]:
        out["thefts"].append({**p, "xy": xy(p["lat"], p["lon"])})
    drawing_order = {"possible": 0, "likely": 1, "strong": 2}  # strong matches drawn last, on top
    for p in sorted(points["listings"], key=lambda p: drawing_order.get(p.get("band"), 0)):
        out["listings"].append({**p, "xy": xy(p["lat"], p["lon"])})
        if p.get("theft_lat") is not None and p.get("theft_lon") is not None:
            # amber: a strong or likely match across force borders; a possible one stays faint
            out["lines"].append((xy(p["theft_lat"], p["theft_lon"]), xy(p["lat"], p["lon"]),
                                 bool(p.get("cross_border")) and p.get("band") != "possible"))
    dots = [xy(lat, lon) for lat, lon in backdrop]
    out["backdrop"] = "".join(f"M{x} {y}h0" for x, y in dots if 0 <= x <= width and 0 <= y <= height)
    step = 0.5 if lat1 - lat0 < 3 else 1.0
    lat = math.floor(lat0 / step) * step
    while lat <= lat1:
        if lat >= lat0:
            out["grid"].append({"label": f"{lat:.1f}°N", "y": xy(lat, lon0)[1]})
        lat += step
    return out


def week_start(text: str | None) -> date | None:
    try:
        day = datetime.fromisoformat((text or "")[:10]).date()
    except ValueError:
        return None
    return day - timedelta(days=day.weekday())


def weekly_counts(conn, weeks: int = 26, today: date | None = None) -> dict:
    """Thefts (by stolen_at) and matches (by created_at) per week and category for the last `weeks` weeks."""
    end = week_start((today or date.today()).isoformat())
    starts = [end - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    series = {}
    for name, sql in (
        ("thefts", "select t.stolen_at, i.category from thefts t join items i on i.id = t.item_id"),
        ("matches", "select m.created_at, i.category from matches m join items i on i.id = m.item_id "
                    "where m.status != 'dismissed'"),
    ):
        counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for when, category in conn.execute(sql):
            start = week_start(when)
            if start is not None and starts[0] <= start <= end:
                counts[start][category] += 1
        series[name] = counts
    categories = sorted({c for counts in series.values() for week in counts.values() for c in week})
    colours = {c: PALETTE[n % len(PALETTE)] for n, c in enumerate(categories)}
    return {"weeks": starts, "categories": categories, "colours": colours,
            "thefts": series["thefts"], "matches": series["matches"]}


def stacked_bars(counts: dict, weeks: list[date], categories: list[str], colours: dict,
                 width: int = 760, height: int = 220, pad: int = 30) -> dict:
    """Rectangles for one stacked bar chart (one bar per week, one colour per category)."""
    totals = [sum(counts.get(w, {}).values()) for w in weeks]
    top = max(totals + [1])
    bar = (width - 2 * pad) / max(len(weeks), 1)
    rects, labels = [], []
    for n, week in enumerate(weeks):
        y = height - pad
        for category in categories:
            value = counts.get(week, {}).get(category, 0)
            if value:
                h = (height - 2 * pad) * value / top
                y -= h
                rects.append({"x": round(pad + n * bar + 1, 1), "y": round(y, 1), "w": round(bar - 2, 1),
                              "h": round(h, 1), "fill": colours[category],
                              "title": f"week of {week.isoformat()}: {value} {category_words(category)}"})
        if n % 4 == 0:
            labels.append({"x": round(pad + n * bar, 1), "text": week.strftime("%d %b")})
    return {"width": width, "height": height, "rects": rects, "labels": labels, "top": top, "pad": pad,
            "totals": totals}
