"""Registers for the federation tests: each a database of its own served by a real `farmwatch serve`
process on 127.0.0.1 (a free port), driven by the real command line."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def photo_bytes(seed: int) -> bytes:
    img = Image.new("RGB", (640, 480), (40 + seed * 30 % 200, 120, 60))
    draw = ImageDraw.Draw(img)
    for n in range(12):
        draw.rectangle([20 + n * 45, 30 + (n * seed) % 200, 60 + n * 45, 300 + (n * 7) % 150], fill=(200, 20 * n % 255, 30))
    draw.ellipse([200, 250, 420, 460], fill=(20, 20, 20))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


@dataclass
class Register:
    name: str
    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.folder / "farmwatch.db"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "farmwatch.cli", "--db", str(self.db_path), *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=300, input=stdin, env=self.env)
        if check and done.returncode != 0:
            raise AssertionError(f"farmwatch {' '.join(args)} exited {done.returncode}: {done.stderr}{done.stdout}")
        return done

    def db(self):
        from registry.db import connect

        return connect(self.db_path)

    def key(self) -> str:
        from registry.federation.keys import load_or_create_key, public_key_text

        return public_key_text(load_or_create_key(self.folder))

    def import_items(self, records: list[dict]) -> None:
        from registry.imports.files import import_items

        report = import_items(self.db(), self.write_jsonl("items.jsonl", records))
        assert report.loaded == len(records), report

    def import_listings(self, records: list[dict]) -> None:
        from registry.imports.files import import_listings

        import_listings(self.db(), self.write_jsonl("listings.jsonl", records))

    def match(self) -> None:
        from matching.pipeline import match_listings

        match_listings(self.db(), workers=1)

    def sync(self, timeout: float = 10) -> dict:
        """`farmwatch federation sync` in this process (the same code as the command; the peers are real servers)."""
        from registry.federation.sync import sync_all

        return sync_all(self.db(), timeout=timeout)

    def start(self) -> None:
        self.port = self.port or free_port()
        log = (self.folder / "serve.log").open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "farmwatch.cli", "--db", str(self.db_path), "serve",
                                         "--port", str(self.port)], cwd=ROOT, stdout=log, stderr=log, env=self.env,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/-/login", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError((self.folder / "serve.log").read_text()) from None
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.process = None

    def write_jsonl(self, name: str, records: list[dict]) -> Path:
        path = self.folder / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        return path


def make_register(tmp_path: Path, name: str) -> Register:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FARMWATCH_")}
    register = Register(name, folder, env={**env, "FARMWATCH_SECRET": "federation-test-secret-" + name})
    register.db()  # created and migrated, as `farmwatch init` does
    return register


def pair(registers: list[Register]) -> None:
    """Every register a peer of every other."""
    from registry.federation.peers import add_peer

    keys = {r.name: r.key() for r in registers}
    for r in registers:
        for other in registers:
            if other is not r:
                add_peer(r.db(), other.name, other.url, keys[other.name])
