"""Serve the workspace with uvicorn: `farmwatch serve`, the demo and the browser tests use this."""

from __future__ import annotations

import os

import uvicorn

from datasette_config.app import make_datasette
from datasette_config.proxies import parse_trusted

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001


def build_server(db_path: str | os.PathLike, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                 secret: str | None = None, log_level: str = "info",
                 trusted_proxies: list[str] | None = None) -> uvicorn.Server:
    """A uvicorn server for the workspace (port 0 picks a free port; read it after start-up).

    uvicorn's own proxy handling is off: X-Forwarded-For/-Proto are believed only from the proxies
    in `trusted_proxies` (else FARMWATCH_TRUSTED_PROXIES; none by default), by the workspace's
    ASGI wrapper (datasette_config.proxies). Raises ProxySettingError for a bad proxy address.
    """
    datasette = make_datasette(db_path, secret=secret)
    if trusted_proxies is not None:
        datasette.farmwatch_trusted_proxies = parse_trusted(trusted_proxies)
    config = uvicorn.Config(datasette.app(), host=host, port=port, log_level=log_level, lifespan="on",
                            proxy_headers=False, server_header=False)
    return uvicorn.Server(config)


def serve(db_path: str | os.PathLike, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          secret: str | None = None, trusted_proxies: list[str] | None = None) -> None:
    """Serve until interrupted."""
    server = build_server(db_path, host, port, secret=secret, trusted_proxies=trusted_proxies)
    print(f"farmwatch workspace on http://{host}:{port}/ (log in at /-/login; Ctrl-C to stop)", flush=True)
    server.run()
