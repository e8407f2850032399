"""A page's bytes as text, decoded as a browser decides, with one correction browsers lack.

The order is the HTML standard's, as w3lib implements it: a byte order mark, then the charset of the
HTTP `Content-Type` header, then the page's own `<meta charset>` / `http-equiv`, then detection
(charset-normalizer), then Windows-1252 (the standard's fallback for Western pages). Labels are
resolved as browsers resolve them (`iso-8859-1` and `latin1` mean Windows-1252).

The correction: a declaration the bytes contradict is passed over. A page declared UTF-8 (by its
header or its meta) that is not valid UTF-8 is read by the next declaration or by detection (a
Windows-1252 page served as UTF-8 keeps its "€" and "£"); a page declared as a single-byte encoding
whose bytes are valid UTF-8 with non-ASCII characters is read as UTF-8 (such text is never
accidental). Each correction comes back as a note naming the declared and the used encoding.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

FALLBACK = "cp1252"
WEB_ENCODINGS = ["utf_8", "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "iso8859_2", "iso8859_15",
                 "koi8_r", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr"]
# the fallback encoding a browser uses for a page in each language (WHATWG encoding standard, locale defaults)
LANGUAGE_DEFAULT = {**dict.fromkeys(("pl", "cs", "sk", "hu", "ro", "hr", "sl", "bs", "sq"), "cp1250"),
                    **dict.fromkeys(("ru", "uk", "bg", "sr", "be", "mk", "kk"), "cp1251"), "el": "cp1253",
                    "tr": "cp1254", **dict.fromkeys(("lt", "lv", "et"), "cp1257")}
_SAMPLE = 200_000  # bytes given to detection


def _codec(label: str | None) -> str | None:
    name = resolve_encoding(label) if label else None
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _fits(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _single_byte(codec: str) -> bool:
    return codec.startswith(("cp125", "iso8859", "latin", "windows-125", "koi8", "mac-")) or codec in ("cp437", "ascii")


def _language(body: bytes) -> str:
    match = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2,3})", body[:4096], re.I)
    return match[1].decode().lower() if match else ""


def _detect(body: bytes) -> str | None:
    """The encoding detection finds among the web's; near ties go to the page language's default."""
    default = LANGUAGE_DEFAULT.get(_language(body), FALLBACK)
    results = list(from_bytes(body[:_SAMPLE], cp_isolation=WEB_ENCODINGS))
    if not results:
        return None
    least = min(r.chaos for r in results)
    close = [_codec(r.encoding) for r in results if r.chaos <= least + 0.1]
    return default if default in close else close[0]


def decode_page(body: bytes, content_type: str | None = None) -> tuple[str, str, str | None]:
    """(text, codec used, note or None) for a page's bytes and its Content-Type header.

    Never raises: the last resort decodes with replacement characters and says so."""
    body = body or b""
    bom_codec, bom = read_bom(body)
    if bom_codec and bom:
        return body[len(bom):].decode(bom_codec, "replace"), bom_codec, None
    declared = [c for c in (_codec(http_content_type_encoding(content_type)),
                            _codec(html_body_declared_encoding(body))) if c]
    declared = list(dict.fromkeys(declared))
    for codec in declared:
        if _single_byte(codec) and codec != "ascii" and not body.isascii() and _fits(body, "utf-8"):
            return body.decode("utf-8"), "utf-8", f"declared {codec} but written in UTF-8: read as UTF-8"
        if _fits(body, codec):
            note = None if codec == declared[0] else f"declared {declared[0]} but written in {codec}: read as {codec}"
            return body.decode(codec), codec, note
    if not declared and _fits(body, "utf-8"):
        return body.decode("utf-8"), "utf-8", None
    for codec in (_detect(body), FALLBACK):
        if codec and _fits(body, codec):
            note = f"declared {declared[0]} but written in {codec}: read as {codec}" if declared else None
            return body.decode(codec), codec, note
    codec = declared[0] if declared else FALLBACK
    return body.decode(codec, "replace"), codec, f"bytes not valid in any encoding; read as {codec} with replacements"
