"""Serve the workspace with uvicorn: `farmwatch serve`, the demo and the browser tests use this."""

from __future__ import annotations

import os

import uvicorn

from datasette_config.app import make_datasette

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001


def build_server(db_path: str | os.PathLike, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                 secret: str | None = None, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for the workspace (port 0 picks a free port; read it after start-up).

    X-Forwarded-For/-Proto are trusted from 127.0.0.1 only (a reverse proxy on the same host), so
    login throttling sees the real client address and cookies are Secure behind a TLS proxy.
    """
    datasette = make_datasette(db_path, secret=secret)
    config = uvicorn.Config(datasette.app(), host=host, port=port, log_level=log_level, lifespan="on",
                            proxy_headers=True, forwarded_allow_ips="127.0.0.1",
                            server_header=False)
    return uvicorn.Server(config)


def serve(db_path: str | os.PathLike, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          secret: str | None = None) -> None:
    """Serve until interrupted."""
    print(f"farmwatch workspace on http://{host}:{port}/ (log in at /-/login; Ctrl-C to stop)", flush=True)
    build_server(db_path, host, port, secret=secret).run()
