"""The trade bulk check (/check/trade): a catalogue of identifiers in, an answer per line out.

For `trade` accounts (and admins, to see what they see). Upload a CSV (form field `file`) to
`/check/trade` for a page, `/check/trade.json` for JSON or `/check/trade.csv` for a CSV of the
answers; or POST JSON (`{"identifiers": [...]}`) to `/check/trade.json`. The account's allowance
(FARMWATCH_TRADE_LIMIT) is checked and the answers logged in one transaction; an upload that
would go over it is refused whole (429) with what is left and when more becomes free.
"""

from __future__ import annotations

import os

from datasette.utils.asgi import Forbidden, Response

from datasette_config.check.trade import (
    MAX_IDENTIFIERS,
    MAX_UPLOAD_BYTES,
    TradeResult,
    TradeUploadError,
    allowance,
    answer_lines,
    earlier_batches,
    new_batch_reference,
    parse_csv,
    parse_json,
    record_batch,
    trade_limit,
)
from datasette_config.constants import DATABASE_NAME
from datasette_config.csv_safety import csv_text
from datasette_config.toolkit import (
    json_error,
    page,
    read,
    read_form,
    requester_address,
    service_about,
    uploaded_files,
    write,
)
from registry.words.labels import category_words

TRADE_ROLES = ("trade", "admin")
CSV_COLUMNS = ("line", "reference", "identifier", "result", "message", "crime_refs", "registered_as",
               "check_reference")


def trade_actor(request) -> dict:
    """The logged-in trade account (or admin), or Forbidden (a login redirect for a visitor)."""
    actor = request.actor
    if not isinstance(actor, dict) or actor.get("role") not in TRADE_ROLES:
        raise Forbidden("Trade accounts only: log in with your trade account")
    return actor


def _registered_as(answer: dict) -> str:
    return "; ".join(" ".join(str(category_words(i[k]) if k == "category" else i[k])
                              for k in ("make", "model", "category", "year") if i.get(k))
                     for i in answer.get("items") or [])


def _as_csv(result: TradeResult) -> str:
    rows = [CSV_COLUMNS]
    for a in result.answers:
        rows.append([a["line"], a["reference"] or "", a["identifier"], a["result"], a["message"],
                         " ".join(a["crime_refs"]), _registered_as(a), a["check_reference"]])
    for error in result.errors:
        line = error.split(":", 1)[0].split()[-1]
        rows.append([line, "", "", "error", error.split(":", 1)[1].strip(), "", "", ""])
    return csv_text(rows)


async def _read_upload(request) -> tuple[list, list, str]:
    """(lines, errors, filename) from a JSON body or a CSV in the form; TradeUploadError when unreadable."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.post_body()
        return (*parse_json(body), "request")
    form, problem = await read_form(request, max_file_size=MAX_UPLOAD_BYTES, max_files=1)
    if problem:
        raise TradeUploadError(f"the upload: {problem}")
    files = await uploaded_files(form, "file")
    if not files:
        raise TradeUploadError("choose a CSV file of identifiers to check")
    name, data = files[0]
    return (*parse_csv(data, name), name)


async def trade_page(request, datasette):
    actor = trade_actor(request)
    fmt = request.url_vars.get("fmt") or "html"
    limit = trade_limit(os.environ.get("FARMWATCH_TRADE_LIMIT"))
    left, _ = await read(datasette, lambda conn: allowance(conn, actor["id"], limit))
    context = {"result": None, "error": None, "left": left, "max_lines": MAX_IDENTIFIERS,
               "max_mb": MAX_UPLOAD_BYTES // 2**20, "about": service_about(datasette)}
    if fmt == "html":
        context["batches"] = await read(datasette, lambda conn: earlier_batches(conn, actor["id"]))
    if request.method != "POST":
        if fmt != "html":
            return json_error("POST a CSV (form field file) or JSON {\"identifiers\": [...]}", 405)
        return await page(datasette, request, "check/trade.html", context)

    async def refuse(message: str, status: int, headers: dict | None = None):
        if fmt == "html":
            return await page(datasette, request, "check/trade.html", {**context, "error": message}, status, headers)
        if fmt == "csv":
            return Response.text(message, status=status, headers=headers)
        return json_error(message, status, headers)

    try:
        lines, errors, filename = await _read_upload(request)
    except TradeUploadError as exc:
        status = 413 if "limit" in str(exc) or "more than" in str(exc) else 400
        return await refuse(str(exc), status)
    result = TradeResult(new_batch_reference(), filename, errors=list(errors))
    index_name = datasette.get_database(DATABASE_NAME).path
    answered = await read(datasette, lambda conn: answer_lines(conn, lines, index_name))
    address, agent = requester_address(request), request.headers.get("user-agent")

    def log(conn):
        left_now, frees = allowance(conn, actor["id"], limit)
        if len(answered) > left_now:
            return left_now, frees
        record_batch(conn, result, answered, actor["id"], address, agent)
        return None

    over = await write(datasette, log)
    if over is not None:
        left_now, frees = over
        message = (f"this upload has {len(answered):,} identifiers but your account may check {left_now:,} more "
                   f"until {frees or 'later'} ({limit.checks:,} per {limit.window_seconds // 3600} h); "
                   "nothing was checked")
        return await refuse(message, 429, {"retry-after": "3600"})
    if fmt == "json":
        return Response.json({"ok": True, **result.as_dict()})
    if fmt == "csv":
        return Response(_as_csv(result), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="farmwatch-check-{result.batch}.csv"',
                                 "Cache-Control": "private, no-store"})
    context["batches"] = await read(datasette, lambda conn: earlier_batches(conn, actor["id"]))
    return await page(datasette, request, "check/trade.html",
                      {**context, "result": result, "left": context["left"] - len(answered)})
