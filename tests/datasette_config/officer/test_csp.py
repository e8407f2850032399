"""Every page the workspace serves, to every role, carries a Content-Security-Policy that allows no
inline script, and no page holds an inline script or event handler for it to block."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.datasette_config.farmer.conftest import add_account

SEEDS = {
    None: ["/", "/-/login", "/check", "/hot-sheet"],
    "fern": ["/farmer", "/farmer/items/new", "/farmer/import", "/farmer/checks", "/check", "/hot-sheet"],
    "mart": ["/check/trade"],
    "olivia": ["/", "/queue", "/queue?queue=owner_check", "/search", "/search?q=1L06", "/map", "/trends", "/clones",
               "/networks", "/alerts/preview", "/check/alerts", "/farmwatch", "/farmwatch/items", "/farmwatch/listings",
               "/farmwatch/matches", "/farmwatch/open_thefts", "/farmwatch/items/1", "/match/m-stolen-1"],
    "adam": ["/", "/farmwatch", "/farmwatch/login_throttle_events", "/farmwatch/access_log", "/-/versions",
             "/-/permissions", "/-/allow-debug"],
}
MAX_PAGES = 60
INLINE_HANDLER = re.compile(r"^on[a-z]+$")


class ScriptAudit(HTMLParser):
    """Inline scripts, inline event handlers, javascript: links, and the same-site links of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.links: list[str] = []
        self._inline = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if INLINE_HANDLER.match(name):
                self.problems.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self._inline = True
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_data(self, data):
        if self._inline and data.strip():
            self.problems.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline = False


def script_policy(csp: str) -> list[str]:
    """The sources scripts may come from under this policy (script-src, else default-src)."""
    directives = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives.get("script-src", directives.get("default-src", ["*"]))


@pytest.mark.parametrize("csp, allowed", [
    ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'", ["'self'"]),
    ("sandbox; default-src 'none'; img-src data:", ["'none'"]),
    ("default-src 'self'; script-src 'self' 'unsafe-inline'", ["'self'", "'unsafe-inline'"]),
    ("img-src 'self'", ["*"]),
])
def test_script_policy(csp, allowed):
    assert script_policy(csp) == allowed


@pytest.mark.parametrize("html, problems", [
    ("<script>alert(1)</script>", 1), ("<button onclick='x()'>b</button>", 1), ('<a href="javascript:x()">a</a>', 1),
    ('<script src="/farmwatch-static/a.js"></script>', 0), ('<script type="application/json">{"a": 1}</script>', 0),
    ("<body onload=x()>", 1), ('<form action="javascript:x()">', 1), ("<p data-onclick='x'>", 0),
])
def test_the_audit_finds_inline_script(html, problems):
    audit = ScriptAudit()
    audit.feed(html)
    assert len(audit.problems) == problems


def is_page(path: str) -> bool:
    parts = urlsplit(path)
    return (not parts.scheme and not parts.netloc and parts.path.startswith("/")
            and not parts.path.endswith((".csv", ".json", ".jpg", ".graphml", ".db", ".tsv"))
            and not parts.path.startswith(("/-/logout", "/farmwatch-static/", "/-/static"))
            and "_sort" not in parts.query)


@pytest.mark.parametrize("who", list(SEEDS))
async def test_every_page_forbids_inline_script_and_has_none(ds, db, cookies_for, users, who):
    if who == "mart":
        add_account(db, "mart", "trade", "checks@mart.example")
        from datasette_config.auth.sessions import COOKIE_NAME, create_session
        uid = db.execute("select id from users where username = 'mart'").fetchone()[0]
        cookies = {COOKIE_NAME: create_session(db, {"id": uid})}
    else:
        cookies = cookies_for(who)
    queue, seen, problems, pages = list(SEEDS[who]), set(), [], 0
    while queue and pages < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = await ds.client.get(path, cookies=cookies)
        pages += 1
        csp = response.headers.get("content-security-policy", "")
        sources = script_policy(csp)
        if not set(sources) <= {"'self'", "'none'"}:
            problems.append(f"{path} ({response.status_code}): scripts allowed from {sources}")
        if "text/html" not in response.headers.get("content-type", "") or sources == ["'none'"]:
            continue  # a saved snapshot may hold the seller's scripts: its sandboxed policy runs none
        audit = ScriptAudit()
        audit.feed(response.text)
        problems += [f"{path}: {p}" for p in audit.problems]
        for link in audit.links:
            target = urljoin(path, link).split("#")[0]
            if is_page(target) and target not in seen:
                queue.append(target)
    assert pages >= len(SEEDS[who])
    assert problems == []


# Datasette's templates that datasette_config/templates overrides (query.html as query-farmwatch.html),
# by the first 16 hex digits of their SHA-256 in the pinned Datasette.
OVERRIDDEN = {
    "base.html": "7e1e829ab2a2f268",
    "table.html": "75bf1c50fc476cf5",
    "row.html": "a12997cc1001b096",
    "database.html": "8b5f3eb361f8a794",
    "_close_open_menus.html": "5bb3087d919fb009",
    "_codemirror_foot.html": "5fcb61df0c27b058",
    "_sql_parameter_scripts.html": "9d65b75875a26541",
    "query.html": "9d077cb9583eb377",
}


@pytest.mark.parametrize("name, digest", OVERRIDDEN.items())
def test_overridden_datasette_templates_have_not_moved(name, digest):
    """When Datasette is upgraded, redo each override from its new template (inline scripts to static
    files or JSON data) and update the digest here."""
    import hashlib
    from pathlib import Path

    import datasette

    original = Path(datasette.__file__).parent / "templates" / name
    assert hashlib.sha256(original.read_bytes()).hexdigest()[:16] == digest, f"Datasette's {name} changed"
