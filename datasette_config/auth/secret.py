"""The signing secret: from FARMWATCH_SECRET, else a file made once beside the database.

Datasette signs its cookies and messages with it; a fresh random secret per process would
log everyone out on each restart, and a default written in the code would let anyone forge them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_NAME = "FARMWATCH_SECRET"
FILE_NAME = "secret"


def load_secret(data_folder: str | os.PathLike) -> str:
    """The secret from the environment, else from `<data folder>/secret`, creating it (mode 0600) once."""
    from_env = os.environ.get(ENV_NAME, "").strip()
    if from_env:
        if len(from_env) < 16:
            raise ValueError(f"{ENV_NAME} is too short: use at least 16 random characters")
        return from_env
    path = Path(data_folder) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if len(value) < 16:
            raise ValueError(f"{path} holds no usable secret: delete it to make a new one") from None
        return value
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return path.read_text(encoding="utf-8").strip()
