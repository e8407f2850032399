"""Build the farmwatch Datasette instance from the committed configuration.

`farmwatch serve`, the tests and the demo all go through `make_datasette`, so what is tested is
what is served: the same permissions, settings, templates and plugins.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database as DatasetteDatabase

from datasette_config.auth.secret import load_secret
from datasette_config.constants import DATABASE_NAME, STATIC_MOUNT
from registry.db import connect

HERE = Path(__file__).parent
CONFIG_FILE = HERE / "datasette.yaml"
METADATA_FILE = HERE / "metadata.yaml"
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LOCKED_SETTINGS = {"default_allow_sql": False, "allow_download": False, "allow_signed_tokens": False}


def load_config() -> dict:
    """datasette.yaml with the settings that must never be relaxed forced off."""
    config = yaml.safe_load(CONFIG_FILE.read_text(encoding="utf-8")) or {}
    config["settings"] = {**(config.get("settings") or {}), **LOCKED_SETTINGS}
    return config


def make_datasette(db_path: str | os.PathLike, *, secret: str | None = None) -> Datasette:
    """The workspace over one farmwatch database, always published under the name `farmwatch`.

    The database is migrated first; the signing secret comes from `secret`, else FARMWATCH_SECRET,
    else the `secret` file in the data folder. Every permission defaults to deny.
    """
    path = Path(db_path).resolve()
    connect(path).close()
    metadata = yaml.safe_load(METADATA_FILE.read_text(encoding="utf-8")) or {}
    datasette = Datasette(
        config=load_config(),
        metadata=metadata,
        template_dir=str(TEMPLATES),
        static_mounts=[(STATIC_MOUNT, str(STATIC))],
        secret=secret or load_secret(path.parent),
        default_deny=True,
    )
    if "_memory" in datasette.databases:
        datasette.remove_database("_memory")
    datasette.add_database(DatasetteDatabase(datasette, path=str(path), is_mutable=True), name=DATABASE_NAME)
    datasette.farmwatch_data_dir = path.parent
    return datasette


def data_folder(datasette: Datasette) -> Path:
    """The folder holding the database, photos/ and snapshots/."""
    return datasette.farmwatch_data_dir
