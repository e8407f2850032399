"""One redrawn progress line on a terminal for long commands; nothing in cron."""

from __future__ import annotations

import sys
from collections.abc import Callable


def line_progress(render: Callable[..., str]) -> Callable[..., None] | None:
    """A progress callback for callers that report `(…, done, total)`: it redraws `render(*args)` on
    one standard-error line and ends the line when done == total. None when standard error is not a
    terminal, so cron mail stays quiet."""
    if not sys.stderr.isatty():
        return None

    def show(*args) -> None:
        done, total = args[-2], args[-1]
        sys.stderr.write("\r" + render(*args) + ("\n" if done == total else ""))
        sys.stderr.flush()

    return show
