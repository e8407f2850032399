"""The folder beside a database (photos, snapshots, feature indexes), resolved once per process."""

from __future__ import annotations

from registry.db import connect, data_dir


def test_each_database_has_its_own_folder_and_symlinked_paths_resolve(tmp_path):
    first = connect(tmp_path / "a" / "farmwatch.db")
    second = connect(tmp_path / "b" / "farmwatch.db")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    linked = connect(tmp_path / "link" / "other.db")
    for _ in range(2):  # the second answer comes from the cache and is the same
        assert data_dir(first) == (tmp_path / "a").resolve()
        assert data_dir(second) == (tmp_path / "b").resolve()
        assert data_dir(linked) == (tmp_path / "a").resolve()
    for db in (first, second, linked):
        db.close()
