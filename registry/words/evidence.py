"""A match's stored reasons as sentences a person reads, with the numbers an expert can open.

The matcher stores each reason as `{kind, detail, weight, ...extras}` (matching.evidence). Its
`detail` is written for the evidence trail and may carry measurements ("0 bits apart (second hash:
0 bits)"); pages and e-mails show `reason_words(reason)` instead: a plain `text`, a `title` for the
kind of evidence, and `numbers`, the measurements in words ("perceptual hash: 0 of 64 bits differ"),
for a details/summary an expert opens.
"""

from __future__ import annotations

import re

from registry.words.labels import CATEGORY_WORDS, EVIDENCE_WORDS, KIND_WORDS, kind_words, words

HASH_BITS = 64  # imagehash's 8x8 pHash and dHash
# "<p> bits apart (second hash: <d> bits)", "<p> bits apart, with some changes (second hash: <d> bits)",
# "(<p> bits apart)", ": difference hash <d> bits apart, perceptual hash <p> bits apart"
_BITS = re.compile(r"\s*\(second hash: \d+ bits\)|: difference hash \d+ bits apart, perceptual hash \d+ bits apart"
                   r"|,? ?\(?\d+ bits apart\)?")
_SPACES = re.compile(r"\s{2,}")
# Stored codes that older reasons carry in their text ("same category: power_tool").
_CODES = {code: words for table in (CATEGORY_WORDS, KIND_WORDS) for code, words in table.items() if "_" in code}
_CODE_IN_TEXT = re.compile(r"\b(" + "|".join(map(re.escape, _CODES)) + r")\b")


def _plain_photo(detail: str, grade: str | None) -> str:
    text = _BITS.sub("", detail).replace(" ,", ",").strip(" ,")
    if grade == "near_identical":
        text = text.replace(" is a copy of ", " is a near-identical copy of ").replace(
            " is a mirrored copy of ", " is a near-identical mirrored copy of ")
    return _SPACES.sub(" ", text)


def _photo_numbers(reason: dict) -> list[str]:
    lines = []
    phash = reason.get("phash_distance", reason.get("distance") if reason.get("hash") == "phash" else None)
    dhash = reason.get("dhash_distance", reason.get("distance") if reason.get("hash") == "dhash" else None)
    if phash is not None:
        lines.append(f"perceptual hash (pHash): {phash} of {HASH_BITS} bits differ "
                     "(0 is the same picture; 6 or fewer, with the second hash close, counts as a copy)")
    if dhash is not None:
        lines.append(f"difference hash (dHash): {dhash} of {HASH_BITS} bits differ")
    if reason.get("mirrored"):
        lines.append("compared with the listing photo flipped left to right")
    if reason.get("inliers") is not None:
        lines.append(f"{reason['inliers']} matching points agree on one geometry (local features, ORB with RANSAC)")
    return lines


def reason_words(reason: dict) -> dict:
    """`{"title", "text", "numbers": [str], "against": bool}` for one stored reason. `against` is
    true for evidence that counts against the match (negative weight)."""
    kind = reason.get("kind") or ""
    detail = str(reason.get("detail") or "")
    numbers: list[str] = []
    if kind == "photo":
        text = _plain_photo(detail, reason.get("grade"))
        numbers = _photo_numbers(reason)
    elif kind == "photo_features":
        text = re.sub(r":? ?\d+ matching points in (?:consistent geometry|the geometry of another shot)", "",
                      detail).strip(" :,") or "the listing photo shows the registered photo"
        numbers = _photo_numbers(reason)
    else:
        text = detail or words(EVIDENCE_WORDS, kind)
    text = _CODE_IN_TEXT.sub(lambda m: _CODES[m.group(1)], text)
    if reason.get("identifier_kind"):
        numbers.append(f"kind of number: {kind_words(reason['identifier_kind'])}")
        if reason.get("registered") is not None:
            numbers.append(f"registered as {reason['registered']}; listed as {reason.get('listed')}")
    weight = reason.get("weight")
    if isinstance(weight, (int, float)):
        share = f"{abs(weight):.0%}"
        numbers.append(f"counts {'against the match by' if weight < 0 else 'towards the match as'} {share} "
                       "of the score")
    return {"title": words(EVIDENCE_WORDS, kind), "text": text, "numbers": numbers,
            "against": isinstance(weight, (int, float)) and weight < 0}


def top_reason_words(reasons: list[dict]) -> str:
    """The first reason's plain sentence (queue rows and e-mails), or ""."""
    return reason_words(reasons[0])["text"] if reasons else ""
