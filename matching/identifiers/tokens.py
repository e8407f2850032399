"""What one token of a listing's text is, for identifier candidates: a separator, part of a serial, a
label glued on, a word-like group or a word that ends a run. It depends on the token alone, so it is
worked out once per distinct token and remembered (`token_info`); only whether the token lies in a
price, phone or date depends on where it stands (`matching.identifiers.noise`).
"""

from __future__ import annotations

import re

from registry.identifiers.rules import compact

MAX_KEY = 30
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
# Words that end a run: labels before a serial and the everyday words of an advert.
LABEL_WORDS = {
    "SERIAL", "SERIALNO", "SERIALNUMBER", "SN", "NO", "NUMBER", "NUM", "PIN", "VIN", "ENGINE", "ENG", "FRAME",
    "CHASSIS", "TAG", "TAGS", "EARTAG", "CHIP", "MICROCHIP", "PASSPORT", "UELN", "CESAR", "ID", "REF", "MODEL",
    "MAKE", "YEAR", "REG", "PLATE",
}
STOP_WORDS = {
    "A", "AN", "THE", "AND", "OR", "FOR", "WITH", "FROM", "SALE", "VERY", "GOOD", "NEW", "USED", "FULL", "WORK",
    "ONLY", "ONO", "OVNO", "VAT", "PLUS", "INC", "EXC", "ALL", "HAS", "WAS", "ARE", "ONE", "TWO", "HRS", "HOUR",
    "CASH", "CALL", "TEXT", "CAN", "BE", "IS", "IT", "IN", "ON", "OF", "TO", "AT", "BY", "UP", "MY", "AS", "SO",
    "BUT", "NOT", "ANY", "BOX", "VGC", "GC", "NICE", "SELL", "WILL", "ALSO", "OFF", "LOW", "HIGH", "JUST",
    "BEEN", "HAVE", "THIS", "THAT", "ITS", "OUR", "YOUR", "YOU", "WE", "I", "ME", "PX", "SWAP", "LOT",
    "ENDS", "END", "EACH", "PAIR", "SET", "APPROX", "PICK", "OFFERS", "NEAR", "MORE", "SOLD",
}
# Labels glued on in any case ("serialKBT...", "snKBT...", "chassisno...", "Serial№..." once NFKC has made № "No"):
# every reading is a candidate, the label cut off and the token whole (some serials start "SN" or "PIN").
_LABEL_PREFIX = re.compile(
    r"^(?:(?:serial|ser|snr|s[./]?n|esn|pin|vin|engine|eng|frame|chassis|tag|chip|ref|id|no|nr|number|num)[.#:/_-]*)+",
    re.I)
_LABEL_ONLY = re.compile(_LABEL_PREFIX.pattern + "$", re.I)
MIN_LABELLED_REST = 5
TOKEN = re.compile(r"[^\s,;:()\[\]{}\"'<>!?*#=+&~^`|\\]+")
_SEPARATOR_ONLY = "-/.\u2010\u2011\u2012\u2013\u2014_"
_PUNCTUATION = _SEPARATOR_ONLY + "\u00a3$\u20ac%"

# What a token is: the first field of its `token_info`.
SKIP, VALUE, LABEL, WORD, BREAK, LABEL_WORD = range(6)
_SKIP = (SKIP,)
_BREAK = (BREAK,)
_LABEL_WORD = (LABEL_WORD,)
TOKEN_CACHE: dict[str, tuple] = {}
MAX_CACHED_TOKENS = 50_000  # distinct tokens remembered (a few MB); the cache is emptied when full


def token_info(token: str) -> tuple:
    """What `matching.identifiers.candidates.text_candidates` needs to know of a token wherever it stands,
    remembered in TOKEN_CACHE. One of:
    - (SKIP,): a lone separator between parts of a serial ("PE3903T - 100 - 091");
    - (LABEL, cut, rest, rest's value, rest is all letters, rest's core start and length, singles): the
      token starts with a label glued on that starts a serial; `singles` are the single-token runs
      ((part, value, False)) of the token whole and of what follows each shorter label;
    - (VALUE, compact value, value is all letters, start and length of the token without its
      punctuation): the token can be part of a serial;
    - (WORD, value): letters that read like a word, part of a serial only between groups with digits;
    - (BREAK,) or (LABEL_WORD,): a word that ends a run; a label word ("serial", "no.") lets a serial
      that follows start with a word-like group.
    A number (ASCII digits only, most often new: prices, phones, references) is read directly and
    not remembered."""
    if token.isdigit() and token.isascii():
        return (VALUE, token, False, 0, len(token)) if len(token) <= MAX_KEY else _BREAK
    if token.strip(_SEPARATOR_ONLY) == "":
        info: tuple = _SKIP
    else:
        value = identifier_like(token)
        info = None
        label = _LABEL_PREFIX.match(token)
        if label and label.end() < len(token):
            cut = label.end()
            rest = token[cut:]
            rest_value = identifier_like(rest)
            if rest_value and (_labelled(token, cut, rest_value) or (value is None and len(rest_value) >= 2)):
                singles = [(token, value, False)] if value is not None else []
                for shorter_cut in range(2, cut):  # "snR6K2..." may be "sn" + "R6K2..."
                    if _LABEL_ONLY.match(token[:shorter_cut]) and (shorter := identifier_like(token[shorter_cut:])):
                        singles.append((token[shorter_cut:], shorter, False))
                info = (LABEL, cut, rest, rest_value, rest_value.isalpha(), *_core(rest), tuple(singles))
        if info is not None:
            pass
        elif value is not None:
            info = (VALUE, value, value.isalpha(), *_core(token))
        elif _word_group(token):
            info = (WORD, _NOT_ALNUM.sub("", token.upper()))
        else:
            info = _LABEL_WORD if token.strip(_PUNCTUATION).upper() in LABEL_WORDS else _BREAK
    if len(TOKEN_CACHE) >= MAX_CACHED_TOKENS:
        TOKEN_CACHE.clear()
    TOKEN_CACHE[token] = info
    return info


def identifier_like(token: str) -> str | None:
    """The token's compact form when it can be part of a serial, else None (a word or a break)."""
    if token.isascii():
        value = token.upper()
        if value.isalpha():
            return value if len(value) <= 4 and value not in STOP_WORDS and value not in LABEL_WORDS else None
        if not value.isalnum():
            value = _NOT_ALNUM.sub("", value)
    else:
        value = compact(token)
    if not value or len(value) > MAX_KEY:
        return None
    if not value.isalpha():
        return value
    if len(value) <= 4 and value not in STOP_WORDS and value not in LABEL_WORDS:
        return value
    return None


def _labelled(token: str, cut: int, rest: str) -> bool:
    """True when what follows a label at the start of a token reads as (the start of) a serial: it holds a
    digit, or the case changes at the cut ("serialKBTM"), or an upper-case label of 3 letters or more is
    followed by 2 characters or more ("SERIALKBTM 5111 ..."). (A token that is a word as a whole,
    "SNKBTM", is cut whenever 2 characters or more are left.)"""
    if len(rest) >= MIN_LABELLED_REST and not rest.isalpha():
        return True
    if len(rest) < 2:
        return False
    return (token[cut - 1].islower() and token[cut].isupper()) or (token[:cut].isupper() and cut >= 3)


def _core(token: str) -> tuple[int, int]:
    """Where the token's core (its punctuation at either end aside) starts in it, and its length."""
    core = token.strip(_PUNCTUATION)
    return (token.find(core[:1]) if core else 0), len(core)


def _word_group(token: str) -> bool:
    """Letters that read like a word ("CCDDY", "ooooo" for zeros, "WE", "BY"): part of a serial only
    between groups with digits, or first after a label ("no. twago i1323"), and then looked up exactly
    only. A label ("PIN", "NO") starts another."""
    value = token.strip(_PUNCTUATION)
    return value.isascii() and value.isalpha() and len(value) <= 6 and value.upper() not in LABEL_WORDS
