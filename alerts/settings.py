"""Settings from a TOML file beside the database (farmwatch.toml) with environment overrides.

Environment variables win: FARMWATCH_SMTP_HOST, FARMWATCH_SMTP_PORT, FARMWATCH_SMTP_USERNAME,
FARMWATCH_SMTP_PASSWORD, FARMWATCH_SMTP_FROM, FARMWATCH_SMTP_STARTTLS, FARMWATCH_SMTP_SSL,
FARMWATCH_BASE_URL (the workspace address used in e-mails). FARMWATCH_CONFIG names another file.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """The configuration file cannot be used; the message names it and the problem."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 25
    username: str | None = None
    password: str | None = None
    sender: str = "farmwatch@localhost"
    starttls: bool = False
    ssl: bool = False

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Settings:
    smtp: SmtpSettings
    base_url: str = "http://127.0.0.1:8001"


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def load_settings(data_folder: Path | str) -> Settings:
    path = Path(os.environ.get("FARMWATCH_CONFIG") or Path(data_folder) / "farmwatch.toml")
    raw: dict = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    smtp = dict(raw.get("smtp") or {})
    env = os.environ
    for key in ("host", "port", "username", "password", "from", "starttls", "ssl"):
        value = env.get(f"FARMWATCH_SMTP_{key.upper()}")
        if value is not None:
            smtp[key] = value
    try:
        port = int(smtp.get("port", 25))
    except (TypeError, ValueError):
        raise ConfigError(f'{path}: smtp port "{smtp.get("port")}" is not a number') from None
    settings = SmtpSettings(
        host=smtp.get("host") or None, port=port, username=smtp.get("username") or None,
        password=smtp.get("password") or None, sender=smtp.get("from") or "farmwatch@localhost",
        starttls=_truthy(smtp.get("starttls", False)), ssl=_truthy(smtp.get("ssl", False)),
    )
    base_url = env.get("FARMWATCH_BASE_URL") or (raw.get("workspace") or {}).get("base_url") or "http://127.0.0.1:8001"
    return Settings(smtp=settings, base_url=base_url.rstrip("/"))
