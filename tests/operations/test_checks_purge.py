import subprocess
import sys

from registry.db import connect


def _check(db, reference, checked_at):
    db["public_checks"].insert({"reference": reference, "checked_at": checked_at, "identifier": "X1",
                                "requester": "203.0.113.9", "result": "unknown"})


def test_purge_removes_only_old_check_records(tmp_path):
    db_path = tmp_path / "fw.db"
    db = connect(db_path)
    _check(db, "old", "2020-01-01T00:00:00Z")
    _check(db, "new", "2099-01-01T00:00:00Z")
    result = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "checks", "purge",
                             "--older-than", "30"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "1 public check records older than 30 days removed" in result.stdout
    assert [r["reference"] for r in db["public_checks"].rows] == ["new"]
    bad = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(db_path), "checks", "purge",
                          "--older-than", "0"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "at least 1 day" in bad.stderr
