"""`farmwatch serve` and `farmwatch users disable` from the command line."""

from __future__ import annotations

import pytest

from datasette_config.auth.sessions import actor_for_token, create_session
from farmwatch.cli import main


def test_users_disable_ends_sessions_at_once(db, db_path, users, capsys):
    token = create_session(db, {"id": users["olivia"]})
    assert main(["--db", db_path, "users", "disable", "olivia"]) == 0
    assert "1 session(s) ended" in capsys.readouterr().out
    assert actor_for_token(db, token) is None
    assert main(["--db", db_path, "users", "disable", "nobody"]) == 1
    assert 'user "nobody" does not exist' in capsys.readouterr().err


def test_serve_refuses_a_missing_database_and_bad_ports(tmp_path, db_path, capsys):
    assert main(["--db", str(tmp_path / "missing.db"), "serve"]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["--db", db_path, "serve", "--port", "70000"]) == 1
    assert "not a port number" in capsys.readouterr().err


def test_serve_help(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "--port" in out and "8001" in out and "/-/login" in out
