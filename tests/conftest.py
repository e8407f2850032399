"""Shared fixtures: a migrated database in a temporary data folder, and generated photos."""

from __future__ import annotations

import pytest

from registry.db import connect
from synthetic.photos import photo_bytes


@pytest.fixture
def db(tmp_path):
    database = connect(tmp_path / "data" / "farmwatch.db")
    yield database
    database.close()


@pytest.fixture
def photo_factory():
    return photo_bytes
