"""A run lock that a crashed run cannot leave stuck: an flock the kernel releases with the process."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path


class AlreadyRunning(RuntimeError):
    """Another run holds the lock; the message says which process and since when."""


class RunLock:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode(errors="replace")
            os.close(fd)
            try:
                info = json.loads(holder)
                who = f"pid {info['pid']}, started {info['started_at']}"
            except (ValueError, KeyError, TypeError):
                who = "another process"
            raise AlreadyRunning(f"another run is still going ({who}); lock file {self.path}") from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).replace(microsecond=0).isoformat()
        os.write(fd, json.dumps({"pid": os.getpid(), "started_at": started}).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
