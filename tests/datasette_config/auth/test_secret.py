"""The signing secret: environment first, else a private file made once that survives restarts."""

from __future__ import annotations

import stat

import pytest

from datasette_config.app import make_datasette
from datasette_config.auth.secret import load_secret


def test_secret_file_is_created_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("FARMWATCH_SECRET", raising=False)
    first = load_secret(tmp_path)
    mode = stat.S_IMODE((tmp_path / "secret").stat().st_mode)
    assert mode == 0o600 and len(first) >= 32
    assert load_secret(tmp_path) == first


def test_environment_wins_and_short_values_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FARMWATCH_SECRET", "from-the-environment-123")
    assert load_secret(tmp_path) == "from-the-environment-123"
    assert not (tmp_path / "secret").exists()
    monkeypatch.setenv("FARMWATCH_SECRET", "short")
    with pytest.raises(ValueError, match="FARMWATCH_SECRET"):
        load_secret(tmp_path)


def test_two_instances_on_one_database_sign_alike(tmp_path, monkeypatch):
    monkeypatch.delenv("FARMWATCH_SECRET", raising=False)
    path = tmp_path / "data" / "farmwatch.db"
    first, second = make_datasette(path), make_datasette(path)
    assert first.sign({"a": 1}, "x") == second.sign({"a": 1}, "x")
    assert first.unsign(second.sign({"a": 1}, "x"), "x") == {"a": 1}
