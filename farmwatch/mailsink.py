"""A local mail sink for the demonstration: an SMTP server on 127.0.0.1 that delivers nowhere.

It keeps every message it is given, in memory and as `.eml` files in a folder, so `farmwatch
demo` can show the e-mails its run would have sent (digests, owner checks, the hot sheet, and
confirmation links asked for on the web while it serves) without any real mail server.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class MailSink:
    """Start with `start()` (returns the port), stop with `stop()`. `messages` holds
    `{"to", "subject", "body", "file"}` dicts in arrival order; `on_message(message)` is called for
    each as it arrives (from the server's thread)."""

    def __init__(self, folder: Path, on_message: Callable[[dict], None] | None = None):
        self.folder = Path(folder)
        self.on_message = on_message
        self.messages: list[dict] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        with self._lock:
            path = self.folder / f"{len(self.messages) + 1:03d}.eml"
            path.write_bytes(envelope.content)
            message = {"to": ", ".join(envelope.rcpt_tos), "subject": str(parsed["subject"] or ""),
                       "body": body.get_content() if body else "", "file": str(path)}
            self.messages.append(message)
        if self.on_message:
            self.on_message(message)
        return "250 OK: kept by the farmwatch demo mail sink"

    def start(self, port: int = 0) -> int:
        """Serve on 127.0.0.1 (a free port when 0); returns the port."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.eml"):
            old.unlink()
        if not port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=port)
        self._controller.start()
        return port

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None
