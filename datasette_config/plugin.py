"""farmwatch's Datasette plugin: hooks only; the logic lives in plain modules beside it."""

from __future__ import annotations

from datasette import hookimpl

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
     b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def with_headers(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    names = {name.lower() for name, _ in event.get("headers", [])}
                    extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                    event = {**event, "headers": [*event.get("headers", []), *extra]}
                await send(event)

            return await app(scope, receive, send_with_headers)

        return with_headers

    return wrap
