"""Trade bulk checks: a catalogue of identifiers (CSV or JSON) answered line by line.

Auction marts, dealers and insurers check a whole sale at once. Every identifier gets the
public check's answer (stolen / registered / similar / not on the register), with no personal
data; each is logged in `public_checks` under the account and the upload's batch reference, so
a stolen hit reaches officers exactly as a public check's does. Bad lines are reported by line
number and the good ones answered; an upload over the size or line limit is refused whole.

CSV: a header row with one or more identifier columns, named as in item imports ("Serial
number", "VIN", "PIN", "Ear tag", "Chip", or just "identifier"), and optionally a column the
answer echoes ("lot", "reference", "stock number"); a file with a single column and no such
header is read as one identifier per line. JSON: `{"identifiers": [...]}` or a list, of strings
or of `{"identifier": ..., "reference": ...}` objects.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from datasette_config.check.log import log_check
from datasette_config.check.lookup import CheckAnswer, check_identifier
from registry.identifiers.vocab import resolve_identifier_kind
from registry.imports.spreadsheets import header_key

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_IDENTIFIERS = 5000
REFERENCE_HEADERS = ("lot", "lot_number", "lot_no", "reference", "ref", "your_reference", "stock_number",
                     "stock_no", "catalogue_number")
ORDER = ("stolen", "similar", "registered", "unknown")


class TradeUploadError(ValueError):
    """The upload as a whole cannot be checked; the message names the file and the problem."""


@dataclass
class TradeLine:
    line: int
    identifier: str
    reference: str | None = None
    column: str | None = None


@dataclass
class TradeResult:
    batch: str
    filename: str
    answers: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {result: sum(1 for a in self.answers if a["result"] == result) for result in ORDER}

    def as_dict(self) -> dict:
        return {"batch": self.batch, "filename": self.filename, "counts": self.counts(),
                "errors": self.errors, "notes": self.notes, "answers": self.answers}


@dataclass(frozen=True)
class TradeLimit:
    """Identifiers one trade account may check per window (default 20,000 a day: several large
    sale catalogues; FARMWATCH_TRADE_LIMIT=CHECKS/SECONDS changes it)."""

    checks: int = 20000
    window_seconds: int = 86400


def trade_limit(raw: str | None) -> TradeLimit:
    """FARMWATCH_TRADE_LIMIT as CHECKS/SECONDS; the default when unset or unreadable."""
    try:
        checks, seconds = (int(part) for part in (raw or "").split("/"))
        if checks > 0 and seconds > 0:
            return TradeLimit(checks, seconds)
    except ValueError:
        pass
    return TradeLimit()


def allowance(conn, account: str, limit: TradeLimit, now: datetime | None = None) -> tuple[int, str | None]:
    """(identifiers the account may still check in the window, when the oldest counted check
    leaves the window as UTC text, or None when nothing is counted)."""
    now = now or datetime.now(UTC)
    since = (now - timedelta(seconds=limit.window_seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
    used, oldest = conn.execute("select count(*), min(checked_at) from public_checks where account = ? "
                                "and checked_at > ?", [account, since]).fetchone()
    frees = None
    if oldest:
        moment = datetime.strptime(oldest, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        frees = (moment + timedelta(seconds=limit.window_seconds)).strftime("%Y-%m-%d %H:%M UTC")
    return max(0, limit.checks - used), frees


def new_batch_reference() -> str:
    return "FWT-" + secrets.token_hex(5).upper()


def _decode(data: bytes, filename: str) -> str:
    if not data.strip():
        raise TradeUploadError(f"{filename}: the file is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TradeUploadError(f"{filename}: {len(data) / 2**20:.1f} MB is over the {MAX_UPLOAD_BYTES // 2**20} MB "
                               f"limit for one upload; split the catalogue into files of at most "
                               f"{MAX_IDENTIFIERS:,} identifiers")
    if b"\x00" in data[:4096]:
        raise TradeUploadError(f"{filename}: looks like a binary file (a spreadsheet?); save it as CSV first")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _too_many(filename: str) -> TradeUploadError:
    return TradeUploadError(f"{filename}: more than {MAX_IDENTIFIERS:,} identifiers in one upload; "
                            "split the catalogue into smaller files")


def parse_csv(data: bytes, filename: str = "catalogue.csv") -> tuple[list[TradeLine], list[str]]:
    """The identifiers of a CSV catalogue and the bad lines as messages; TradeUploadError when the
    file cannot be read at all (empty, binary, too big, no identifier column)."""
    text = _decode(data, filename)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = next(rows)
    except (csv.Error, StopIteration) as exc:
        raise TradeUploadError(f"{filename}: unreadable CSV ({exc})") from None
    keys = [header_key(h) for h in header]
    id_columns = [n for n, (h, k) in enumerate(zip(header, keys, strict=True))
                  if k == "identifiers" or resolve_identifier_kind(h) or resolve_identifier_kind(k)]
    ref_columns = [n for n, k in enumerate(keys) if k in REFERENCE_HEADERS]
    lines: list[TradeLine] = []
    errors: list[str] = []
    if not id_columns:
        if len(header) != 1:
            shown = ", ".join(h[:40] for h in header[:12]) or "none"
            raise TradeUploadError(f"{filename}: no identifier column: name one 'identifier', 'serial number', "
                                   f"'VIN', 'PIN', 'ear tag' or 'chip' (found: {shown})")
        id_columns, headerless = [0], True
    else:
        headerless = False
    if headerless:
        rows = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        for row in rows:
            line = rows.line_num
            values = [(header[n] if not headerless else None, row[n].strip()) for n in id_columns if n < len(row)]
            values = [(column, value) for column, value in values if value]
            if not values:
                if any(cell.strip() for cell in row):
                    errors.append(f"line {line}: no identifier")
                continue
            reference = next((row[n].strip()[:100] for n in ref_columns if n < len(row) and row[n].strip()), None)
            for column, value in values:
                lines.append(TradeLine(line, value, reference, column))
            if len(lines) > MAX_IDENTIFIERS:
                raise _too_many(filename)
    except csv.Error as exc:
        errors.append(f"line {rows.line_num}: unreadable CSV ({exc}); the rest of the file was not read")
    return lines, errors


def parse_json(data: bytes | str | list | dict, filename: str = "request") -> tuple[list[TradeLine], list[str]]:
    """The identifiers of a JSON request (entries numbered from 1 as its "lines"), and bad entries."""
    if isinstance(data, bytes | str):
        raw = data.encode() if isinstance(data, str) else data
        if len(raw) > MAX_UPLOAD_BYTES:
            raise TradeUploadError(f"{filename}: over the {MAX_UPLOAD_BYTES // 2**20} MB limit for one request")
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise TradeUploadError(f"{filename}: not JSON ({exc})") from None
    entries = data.get("identifiers") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise TradeUploadError(f'{filename}: send {{"identifiers": ["...", ...]}} or a list of identifiers')
    if len(entries) > MAX_IDENTIFIERS:
        raise _too_many(filename)
    lines, errors = [], []
    for n, entry in enumerate(entries, start=1):
        if isinstance(entry, dict):
            value, reference = entry.get("identifier"), entry.get("reference")
        else:
            value, reference = entry, None
        if not isinstance(value, str | int) or not str(value).strip():
            errors.append(f"entry {n}: no identifier (give a string, or an object with \"identifier\")")
            continue
        lines.append(TradeLine(n, str(value).strip(), str(reference)[:100] if reference is not None else None))
    return lines, errors


def answer_lines(conn, lines: list[TradeLine], index_name: str) -> list[tuple[TradeLine, CheckAnswer]]:
    """The public check's answer to every line (reads only)."""
    return [(line, check_identifier(conn, line.identifier, index_name)) for line in lines]


def record_batch(conn, result: TradeResult, answered: list[tuple[TradeLine, CheckAnswer]], account: str,
                 requester: str, user_agent: str | None) -> None:
    """Log every answer under the account and batch (in the caller's transaction) and fill the
    result: an answer per good line, an error per line the check refused (too short, too long)."""
    word = "entry" if result.filename == "request" else "line"
    for line, answer in answered:
        log_check(conn, answer, requester, user_agent, account=account, batch=result.batch)
        if answer.result == "invalid":
            result.errors.append(f"{word} {line.line}: {answer.message}")
            continue
        result.answers.append({"line": line.line, "reference": line.reference, "column": line.column,
                               **answer.public()})
    result.errors.sort(key=lambda e: int(e.split()[1].rstrip(":")))
