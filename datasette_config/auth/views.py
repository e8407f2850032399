"""Log in and log out: /-/login (form fields username, password) and /-/logout (POST)."""

from __future__ import annotations

from datasette.utils.asgi import Response

from datasette_config.auth.sessions import (
    COOKIE_NAME,
    SESSION_HOURS,
    create_session,
    end_session,
    login_locked,
    record_login_attempt,
)
from datasette_config.toolkit import client_address, is_https, read, safe_next, write
from registry.accounts.users import authenticate


def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE_NAME, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="lax",
                        secure=secure, path="/")


LANDING = {"farmer": "/farmer", "trade": "/check/trade"}


def landing_for(actor: dict) -> str:
    return LANDING.get(actor.get("role"), "/queue")


async def login_page(request, datasette):
    if request.method == "POST":
        return await _login_post(request, datasette)
    return await _render_login(datasette, request, next_path=request.args.get("next"))


async def _render_login(datasette, request, *, next_path=None, error=None, username="", status=200):
    html = await datasette.render_template(
        "auth/login.html", {"error": error, "username": username, "next": safe_next(next_path)}, request=request)
    return Response.html(html, status=status)


async def _login_post(request, datasette):
    form = await request.post_vars()
    username = (form.get("username") or "").strip()[:100]
    password = form.get("password") or ""
    next_path = form.get("next")
    address = client_address(request)
    locked = await read(datasette, lambda conn: login_locked(conn, username, address))
    if locked:
        return await _render_login(
            datasette, request, next_path=next_path, username=username, status=429,
            error=f"Too many failed logins. Try again in {locked} minute{'s' if locked != 1 else ''}.")
    user = await read(datasette, lambda conn: authenticate(conn, username, password))

    def record(conn):
        record_login_attempt(conn, username, address, user is not None)
        return create_session(conn, user, address=address) if user else None

    token = await write(datasette, record)
    if not token:
        return await _render_login(datasette, request, next_path=next_path, username=username, status=401,
                                   error="That username and password do not match an active account.")
    actor = {"role": user["role"]}
    target = safe_next(next_path) if next_path and safe_next(next_path) != "/" else landing_for(actor)
    response = Response.redirect(target)
    set_session_cookie(response, token, secure=is_https(datasette, request))
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
