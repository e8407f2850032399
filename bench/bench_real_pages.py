"""Real saved marketplace pages crawled with `farmwatch crawl --start-url`, scored against what a
careful reader sees: listings found, titles, prices, places, sellers, identifiers, photos requested.

Run alone with `python -m bench real_pages`. Skips (says so) when the saved pages are absent.
Targets are those of the acceptance check on pages of the same kinds.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from bench.real_pages import crawl, pages_folder, print_table, score, serve_pages


def main(quick: bool = False) -> None:
    folder = pages_folder()
    if folder is None:
        print("saved real pages not found (../shared/real-pages or $FARMWATCH_REAL_PAGES): skipped")
        return
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    server, base, log = serve_pages(folder, truth)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db_path = Path(tmp) / "farmwatch.db"
            started = time.perf_counter()
            proc = crawl(base, truth, db_path)
            wall = time.perf_counter() - started
            if proc.returncode not in (0, 1):
                print(proc.stdout, proc.stderr)
            rows, totals = score(db_path, truth)
    finally:
        server.shutdown()
        server.server_close()
    print(f"{len(truth['pages'])} saved pages from {folder}, one crawl of {wall:.1f} s; "
          f"{proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()[-200:]}")
    print_table(rows, totals, truth)
    print("targets beside each figure (share of pages); also no spurious identifier, no placeholder photo, "
          "no private address fetched")


if __name__ == "__main__":
    main()
