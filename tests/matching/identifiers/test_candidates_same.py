"""The faster candidate extraction finds exactly what the previous code found, candidate for candidate
and in the same order, on every kind of listing text the tests, the evaluation sets and the benchmark
generate, and on random mixtures of advert words, numbers, labels, separators and other scripts.
The previous code is kept, frozen, in bench/previous/candidates.py."""

import random

import pytest

from bench.match_data import make_keys, make_listing_texts
from bench.previous import candidates as previous
from matching.evaluation import evalset, real_evalset
from matching.identifiers import candidates, tokens

WORDS = ["serial", "Serial No.", "S/N:", "sn", "PIN#", "pin", "vin", "engine no", "chassis", "tag", "chip", "ref",
         "no.", "No", "ID", "model", "John", "Deere", "6120M", "for", "sale", "ono", "ovno", "+ VAT", "call", "ends",
         "hrs", "hours", "good", "the", "we", "by", "CCDDY", "ooooo", "twago", "-", "/", " - ", ".", "...", "(", ")",
         "£12,500", "£7.5k", "$300", "€1.200", "12,500", "07700 900123", "+44 7700 900123", "+44 (0) 7700 900 123",
         "SP11 0AA", "sw1a 1aa", "12/10/2026", "2026-10-12", "4500 hours", "540/1000", "110 hp", "3.5t", "12v",
         "https://example.org/ad/1234567890", "www.example.org/x9", "seller12345678@example.org",
         "1M07", "563V", "WFN1", "3657", "5", "GTAA", "0167", "440", "1L0", "CKK", "123456", "UK", "826",
         "serialKBTM5111", "snR6K2A9", "chassisno12345678", "Serial\u2116ab123456", "SN1L06120MCKK123456",
         "ABC\u200b12345678", "\uff21\uff22\uff23123456", "\u0410\u0412\u0421123456", "O0I1l|", "x\u00ad9",
         "\u2013", "\u00a0", "TPAG4436627", "TPAG4436627x", "1hf", "PE-4045-R123456", "UK 123456 7 12345"]


KEYS = make_keys(200, seed=5)


def _mixed(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        roll = rng.random()
        if roll < 0.6:
            parts.append(rng.choice(WORDS))
        elif roll < 0.8:
            parts.append("".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789oil") for _ in range(rng.randint(1, 9))))
        else:
            parts.append(_typed(rng, rng.choice(real_evalset.ID_KINDS), rng.choice(KEYS)))
    return rng.choice([" ", ", ", "  ", "\n", ": "]).join(parts)


def _typed(rng: random.Random, kind: str, value: str) -> str:
    try:
        return real_evalset.type_identifier(rng, kind, value)
    except StopIteration:  # a noise-like grouping needs a unit letter the value may not have
        return real_evalset.type_identifier(rng, "id_groups", value)


def _texts() -> list[tuple[str, str, str]]:
    rng = random.Random(26)
    out = make_listing_texts(make_keys(300), 300)
    for _ in range(400):
        out.append((_mixed(rng), _mixed(rng), "[]"))
    for kind in [*real_evalset.ID_KINDS, "id_spaced", "id_case_lookalike", "id_other_script", "id_split_tokens",
                 "id_typo", "id_trailing"]:
        for category in ("tractor", "cattle", "sheep", "horse", "quad", "gps"):
            for noisy in (False, True):
                value = real_evalset._identifier(rng, category, rng.randrange(10**6), noisy)["value"]
                typed = (real_evalset.type_identifier(rng, kind, value) if kind in real_evalset.ID_KINDS
                         else evalset._retype(rng, kind, value))
                out.append(("Kubota M5-111 2020 tractor", f"{evalset._filler(rng)} {typed} {evalset._filler(rng)}",
                            f'[{{"kind": "serial", "value": "{value}"}}]'))
    return out


TEXTS = _texts()


def _fields(found):
    return [(c.key, c.tail, c.listed, c.source, c.kind, c.tokens, c.exact_only) for c in found]


@pytest.mark.parametrize("limit", [None, 7])
def test_candidates_are_those_the_previous_code_found(monkeypatch, limit):
    if limit:  # remembered tokens and runs forgotten often: what is found never depends on the cache
        monkeypatch.setattr(tokens, "MAX_CACHED_TOKENS", limit)
        monkeypatch.setattr(candidates, "MAX_CACHED_RUNS", limit)
    candidates.forget_tokens()
    for _ in range(2):  # cold, then with every token and run remembered
        for title, description, structured in TEXTS:
            assert (_fields(candidates.listing_candidates(title, description, structured))
                    == _fields(previous.listing_candidates(title, description, structured))), (title, description)


def test_the_texts_compared_hold_every_kind_of_candidate():
    found = [c for t in TEXTS for c in previous.listing_candidates(*t)]
    assert len(found) > 5000
    assert {c.source for c in found} == {"title", "description", "structured"}
    assert any(c.exact_only for c in found) and any(c.tokens >= 6 for c in found)
    assert any(c.key.startswith("UK") and c.listed[:2] != "UK" for c in found)


@pytest.mark.parametrize("chunk, block", [(100_000, 4096), (1000, 128), (700, 1000)])
def test_the_index_and_its_lookups_are_those_of_the_previous_code(monkeypatch, chunk, block):
    """Built in place and searched in sorted order, the hashed indexes hold the same entries and
    answer every lookup with the same (position, id) pairs in the same order (whatever the sizes
    of the chunks and blocks the hashes are made in)."""
    import numpy as np

    from bench.previous import hashed_index as previous_index
    from bench.previous import key_hashes as previous_hashes
    from matching.identifiers import hashed_index, key_hashes

    monkeypatch.setattr(key_hashes, "CHUNK", chunk)
    monkeypatch.setattr(key_hashes, "BLOCK", block)
    monkeypatch.setattr(previous_hashes, "CHUNK", chunk)  # the same keys first, then their deletions, per chunk

    keys = make_keys(3000, seed=9) + ["AB", "A" * 40, "0000123456"]
    codes = key_hashes.encode_keys(keys)
    for make in ("hash_deletions", "hash_tails"):
        args = (codes,) if make == "hash_deletions" else (codes, 6)
        (now, now_owners), (before, before_owners) = getattr(key_hashes, make)(*args), getattr(previous_hashes, make)(*args)
        assert np.array_equal(now, before) and np.array_equal(now_owners, before_owners)
        index = hashed_index.HashedIndex(now.copy(), now_owners, consume=True)
        old = previous_index.HashedIndex(before, before_owners)
        assert np.array_equal(index.hashes, old.hashes) and np.array_equal(index.ids, old.ids)
        rng = np.random.default_rng(3)
        queries = np.concatenate([now[rng.integers(0, len(now), 4000)], rng.integers(-2**63, 2**63 - 1, 1000)])
        rng.shuffle(queries)
        for got, expected in zip(index.lookup_many(queries), old.lookup_many(queries), strict=True):
            assert np.array_equal(got, expected)


NOISE_PARTS = ["5", "12", "0", "07700", "900123", "+44", "(0)", "7700 900 123", "1,234", "1,234,567", "1,2345",
               "12.5", "12.50", ".5", "£", "$", "€", "£5k", "£ 5 K", "€1.200", "GBP", "gbp", "pound", "pounds",
               "ono", "OVNO", "+ vat", "+VAT", "12/10/2026", "2026-10-12", "1.2.3", "540/1000", "SP11 0AA",
               "sw1a1aa", "B1 1HP", "AB12 3CD", "K1 1AB", "\u212a1 1AB", "x@y.org", "www.example.org/9",
               "http://e.org/1", "_", "-", ",", ".", "/", "a", "hpx", "kmh", "ho", "hou", "mil", "litr", "ton",
               "volt2", "in2", "\u017fon", "1hf", "6120M", "3AB", "\u0661\u0662", "\u0130", "\u0131"]


def _noise_texts() -> list[str]:
    rng = random.Random(11)
    from matching.identifiers.noise import UNITS
    units = [*UNITS, *(u.upper() for u in UNITS), *(u.title() for u in UNITS)]
    out = [f"{n}{sep}{unit}{end}" for n in ("5", "12.5", "1,000", "0.5") for sep in ("", " ", "  ")
           for unit in units for end in ("", ".", "s", "2", " x")]
    for _ in range(3000):
        parts = [rng.choice(NOISE_PARTS + units + [str(rng.randrange(10**rng.randint(1, 11)))])
                 for _ in range(rng.randint(1, 12))]
        out.append("".join(p + rng.choice(["", " ", " ", ", ", "-", "\n"]) for p in parts))
    return out


def test_noise_spans_are_those_of_the_previous_patterns():
    """The quicker noise patterns (units as one letter tree, possessive digits) find the same spans."""
    from matching.identifiers.noise import noise_spans

    texts = _noise_texts() + [t for triple in TEXTS for t in triple[:2] if t]
    assert sum(bool(previous.noise_spans(t)) for t in texts) > len(texts) // 2
    for text in texts:
        assert noise_spans(text) == previous.noise_spans(text), text


def test_key_codes_and_hashes_are_those_of_the_previous_code():
    import numpy as np

    from bench.previous import key_hashes as previous_hashes
    from matching.identifiers import key_hashes

    keys = make_keys(3000, seed=9) + ["AB", "A" * 40, "0000123456", "", "AB\0C"]
    assert np.array_equal(key_hashes.encode_keys(keys), previous_hashes.encode_keys(keys))
    assert np.array_equal(key_hashes.encode_keys(tuple(keys)), previous_hashes.encode_keys(keys))
    other = ["ÄB123456", "AB\u0130" * 12, "12345678"]  # not ASCII: UTF-8 bytes, cut at the width
    assert np.array_equal(key_hashes.encode_keys(other), previous_hashes.encode_keys(other))
    assert np.array_equal(key_hashes.hash_keys(keys), previous_hashes.hash_keys(keys))
    assert np.array_equal(key_hashes.hash_keys(key_hashes.encode_keys(keys)), previous_hashes.hash_keys(keys))
    assert len(key_hashes.hash_keys([])) == 0
