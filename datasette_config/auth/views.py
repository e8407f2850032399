"""Log in and log out: /-/login (form fields username, password) and /-/logout (POST)."""

from __future__ import annotations

import secrets

from datasette.utils.asgi import Response

from datasette_config.auth.sessions import COOKIE_NAME, SESSION_HOURS, create_session, end_session
from datasette_config.auth.throttle import device_hash, record_attempt, record_refusal, refusal_message, waits
from datasette_config.toolkit import client_address, is_https, read, safe_next, write
from registry.accounts.users import authenticate


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE_NAME, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=secure, path="/")


DEVICE_COOKIE = "farmwatch_device"
DEVICE_NAMESPACE = "farmwatch-device"
DEVICE_DAYS = 365


def device_of(datasette, request) -> tuple[str, bool]:
    """(device id, is new): the id in the browser's signed device cookie, or a fresh one to set."""
    signed = request.cookies.get(DEVICE_COOKIE)
    if signed and len(signed) < 300:
        try:
            value = datasette.unsign(signed, DEVICE_NAMESPACE)
            if isinstance(value, dict) and isinstance(value.get("d"), str) and len(value["d"]) == 43:
                return value["d"], False
        except Exception:  # itsdangerous.BadSignature and malformed values: a new device
            pass
    return secrets.token_urlsafe(32), True


def set_device_cookie(datasette, request, response: Response, device: str) -> None:
    response.set_cookie(DEVICE_COOKIE, datasette.sign({"d": device}, DEVICE_NAMESPACE), max_age=DEVICE_DAYS * 86400,
                        httponly=True, samesite="lax", secure=is_https(datasette, request), path="/-/login")


LANDING = {"farmer": "/farmer", "trade": "/check/trade"}


def landing_for(actor: dict) -> str:
    return LANDING.get(actor.get("role"), "/queue")


async def login_page(request, datasette):
    if request.method == "POST":
        return await _login_post(request, datasette)
    return await _render_login(datasette, request, next_path=request.args.get("next"))


async def _render_login(datasette, request, *, next_path=None, error=None, username="", status=200,
                        headers=None, device: tuple[str, bool] | None = None):
    html = await datasette.render_template(
        "auth/login.html", {"error": error, "username": username, "next": safe_next(next_path)}, request=request)
    response = Response.html(html, status=status, headers=headers)
    device, new = device or device_of(datasette, request)
    if new:
        set_device_cookie(datasette, request, response, device)
    return response


async def _login_post(request, datasette):
    form = await request.post_vars()
    username = (form.get("username") or "").strip()[:100]
    password = form.get("password") or ""
    next_path = form.get("next")
    address = client_address(request)
    device_id, new_device = device_of(datasette, request)
    device = device_hash(device_id)
    in_force = await read(datasette, lambda conn: waits(conn, username, address, device))
    if in_force:
        longest = max(in_force, key=lambda w: w.seconds if w.seconds is not None else 10**9)
        await write(datasette, lambda conn: record_refusal(conn, username, address, longest))
        retry = {"Retry-After": str(longest.seconds)} if longest.seconds is not None else None
        return await _render_login(datasette, request, next_path=next_path, username=username, status=429,
                                   error=refusal_message(in_force), headers=retry,
                                   device=(device_id, new_device))
    user = await read(datasette, lambda conn: authenticate(conn, username, password))

    def record(conn):
        record_attempt(conn, username, address, device, user is not None)
        return create_session(conn, user, address=address) if user else None

    token = await write(datasette, record)
    if not token:
        return await _render_login(datasette, request, next_path=next_path, username=username, status=401,
                                   error="That username and password do not match an active account.",
                                   device=(device_id, new_device))
    actor = {"role": user["role"]}
    target = safe_next(next_path) if next_path and safe_next(next_path) != "/" else landing_for(actor)
    response = Response.redirect(target)
    set_session_cookie(response, token, secure=is_https(datasette, request))
    if new_device:
        set_device_cookie(datasette, request, response, device_id)
    return response


async def logout_page(request, datasette):
    if request.method != "POST":
        html = await datasette.render_template("auth/logout.html", {}, request=request)
        return Response.html(html)
    token = request.cookies.get(COOKIE_NAME)
    await write(datasette, lambda conn: end_session(conn, token))
    response = Response.redirect("/-/login")
    response.set_cookie(COOKIE_NAME, "", max_age=0, httponly=True, samesite="lax",
                        secure=is_https(datasette, request), path="/")
    return response
