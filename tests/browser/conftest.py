"""Browser tests: Debian's Chromium driven by Playwright against a workspace served by uvicorn.

Run them in their own pytest invocation (`pytest -m browser`): Playwright's sync fixtures leave an
event loop running that disturbs the async Datasette tests.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from datasette_config.serve import build_server
from registry.accounts.users import add_user
from registry.db import connect
from tests.datasette_config.officer.seed import seed_workspace

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
OFFICER, PASSWORD = "olivia", "correct horse battery"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class ServedWorkspace:
    """uvicorn serving make_datasette() in a thread, on a free port of 127.0.0.1."""

    def __init__(self, db_path: Path, *, trusted_proxies: list[str] | None = None):
        self.db_path = db_path
        self.server = build_server(db_path, "127.0.0.1", 0, secret="browser-test-secret-0123456789",
                                   log_level="warning", trusted_proxies=trusted_proxies)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServedWorkspace:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workspace server did not start")
            time.sleep(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def workspace(tmp_path):
    """A seeded workspace with one officer account; yields (served workspace, seeded ids)."""
    db_path = tmp_path / "data" / "farmwatch.db"
    db = connect(db_path)
    ids = seed_workspace(db)
    add_user(db, OFFICER, PASSWORD, "officer")
    db.close()
    with ServedWorkspace(db_path) as served:
        yield served, ids
