"""Adverts cut into phrases and shingles with per-phrase caches: the same phrases and shingle sets as the
uncached cut (kept here as the reference), on realistic and odd text, Unicode included."""

from __future__ import annotations

import random

import pytest

from matching.networks.text import texts


def _phrases(text):
    if not text:
        return []
    out = []
    for part in texts._PHRASES.split(text.lower()):
        words = texts._WORDS.findall(part)
        if words:
            out.append(" ".join(words))
    return out


def _own_shingles_of(parts, keys, phrase_sellers):
    kept = []
    for phrase, key in zip(parts, keys, strict=True):
        if phrase_sellers.get(key, 0) < texts.BOILERPLATE_SELLERS:
            kept.extend(phrase.split())
            kept.append("|")
    shingles = set()
    for i in range(len(kept) - texts.SHINGLE_WORDS + 1):
        gram = kept[i:i + texts.SHINGLE_WORDS]
        if "|" not in gram:
            shingles.add(" ".join(gram).encode())
    return shingles


ADVERTS = [
    None, "", "   ", ".", "£", "one", "one two", "John Deere 6155R, 2019, 4,200 hours. Front linkage; air brakes!",
    "Viewing welcome. All items sold as seen. No time wasters.\nViewing welcome. Call 07700 900123",
    "Quad — Honda TRX 420 (barely used) • Café owner • £3 200 ono | swap? ß ǅ İstanbul ﬁeld Ⅻ ½ ١٢٣ 日本 🚜",
    "a | b c | | d", "tab\tseparated\twords\r\nand CRLF lines\r\r\n", "x" * 500 + " y", "ÀÉÎÕÜ àéîõü ñ ç",
]


def _random_adverts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    pieces = ["tractor", "for sale", "ono", ".", ",", ";", "!", "?", ":", "•", "|", "(", ")", "\n", " ", "  ", "£500",
              "ß", "naïve", "Ⅻ", "日本", "🚜", "a|b", "|", "\t", "\u00a0", "\u2028", "Ǆ"]
    return ["".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randrange(0, 60)))
            for _ in range(count)]


@pytest.mark.parametrize("text", ADVERTS + _random_adverts(4, 300))
def test_same_phrases_and_shingles_as_the_uncached_cut(text):
    parts = texts.phrases(text)
    assert parts == _phrases(text)
    keys = [texts.phrase_key(p) for p in parts]
    for sellers in ({}, {k: texts.BOILERPLATE_SELLERS for k in keys[::2]}, {k: 3 for k in keys}):
        assert texts.own_shingles_of(parts, keys, sellers) == _own_shingles_of(parts, keys, sellers)
        assert texts.own_shingles(text, sellers) == _own_shingles_of(parts, keys, sellers)


def test_phrases_given_whole_with_odd_words():
    """`own_shingles_of` given phrases not cut by `phrases`: a `|` word stays a boundary, spaces of any kind split."""
    parts = ["a | b c", "d\u00a0e  f", "| g h |", "", "i"]
    keys = [texts.phrase_key(p) for p in parts]
    assert texts.own_shingles_of(parts, keys, {}) == _own_shingles_of(parts, keys, {})
