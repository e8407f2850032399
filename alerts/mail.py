"""Sending e-mail over SMTP: the alert e-mails and the hot sheet's confirmation messages.

`send_messages` opens one connection for a batch and reports each message's fate, so a
caller can record what was accepted and leave the rest to be retried.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

from alerts.settings import Settings, SmtpSettings


@dataclass
class Outgoing:
    """One e-mail to send: `kind` (officer_digest, owner_check, hot_sheet, confirm_subscription),
    the recipient's address, subject and plain-text body, the keys recorded in `alerts_sent`
    once the server accepts it, and the ids of the items it is about (for previews)."""

    kind: str
    recipient: str
    subject: str
    body: str
    keys: list[str] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    client = (smtplib.SMTP_SSL if smtp.ssl else smtplib.SMTP)(smtp.host, smtp.port, timeout=30)
    if smtp.starttls and not smtp.ssl:
        client.starttls()
    if smtp.username:
        client.login(smtp.username, smtp.password or "")
    return client


def as_email(settings: Settings, message: Outgoing) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.smtp.sender, message.recipient, message.subject
    email.set_content(message.body)
    return email


def send_messages(settings: Settings, messages: list[Outgoing],
                  on_sent: Callable[[Outgoing], None] | None = None) -> dict:
    """Send each message; `on_sent(message)` runs after the server accepted it. Returns
    `{"sent", "failed", "errors": [text], "by_kind": {kind: sent}}`; never raises for SMTP or
    network failures (they are counted and described in `errors`)."""
    result = {"sent": 0, "failed": 0, "errors": [], "by_kind": {}}
    if not messages:
        return result
    if not settings.smtp.configured:
        result["errors"].append("no SMTP server configured (set [smtp] host in farmwatch.toml or FARMWATCH_SMTP_HOST)")
        result["failed"] = len(messages)
        return result
    try:
        client = _connect(settings.smtp)
    except (OSError, smtplib.SMTPException) as exc:
        result["errors"].append(f"cannot reach SMTP server {settings.smtp.host}:{settings.smtp.port}: {exc}")
        result["failed"] = len(messages)
        return result
    with client:
        for message in messages:
            try:
                client.send_message(as_email(settings, message))
            except smtplib.SMTPException as exc:
                result["failed"] += 1
                result["errors"].append(f"{message.recipient}: {exc}")
                continue
            if on_sent:
                on_sent(message)
            result["sent"] += 1
            result["by_kind"][message.kind] = result["by_kind"].get(message.kind, 0) + 1
    return result
