"""How many sellers use each advert phrase, kept between runs so a night reads only its new listings.

A phrase in the adverts of `texts.BOILERPLATE_SELLERS` or more sellers is boilerplate (a site's
footer, a dealer group's template, an everyday phrase). `text_phrases` keeps, per phrase (its
`texts.phrase_key`) still below that count, the sellers using it; `boilerplate_phrases` keeps the
phrases that reached it (their seller rows are then dropped). A rebuild counts every listing afresh;
a nightly run adds its listings' phrases and promotes those that reach the count. A listing whose
text changes keeps its old phrases counted until the next rebuild (counts only ever err high, so a
phrase is at worst treated as boilerplate early).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from matching.networks.text.texts import BOILERPLATE_SELLERS, phrase_key, phrases

BATCH = 900


def _keys(text: str | None) -> set[bytes]:
    return {phrase_key(p) for p in phrases(text)}


def lookup(db: Database, keys: Iterable[bytes]) -> dict[bytes, int]:
    """Sellers per phrase for these phrase keys (BOILERPLATE_SELLERS for boilerplate; absent when none)."""
    keys = list(set(keys))
    out: dict[bytes, int] = {}
    for start in range(0, len(keys), BATCH):
        part = keys[start:start + BATCH]
        marks = ",".join("?" * len(part))
        out.update((k, BOILERPLATE_SELLERS) for (k,) in db.execute(
            f"select phrase from boilerplate_phrases where phrase in ({marks})", part))
        out.update((k, n) for k, n in db.execute(
            f"select phrase, count(*) from text_phrases where phrase in ({marks}) group by phrase", part))
    return out


def rebuild(db: Database, rows: Iterable[tuple[int, str | None]]) -> None:
    """Count every (seller id, advert text) afresh and store the counts."""
    sellers: dict[bytes, set[int] | None] = {}
    for seller_id, text in rows:
        for key in _keys(text):
            seen = sellers.get(key, ())
            if seen is None:
                continue
            if seen == ():
                sellers[key] = {seller_id}
            else:
                seen.add(seller_id)
                if len(seen) >= BOILERPLATE_SELLERS:
                    sellers[key] = None
    with db.atomic():
        db.execute("delete from text_phrases")
        db.execute("delete from boilerplate_phrases")
        db.conn.executemany("insert into boilerplate_phrases (phrase) values (?)",
                            ((k,) for k, v in sellers.items() if v is None))
        db.conn.executemany("insert into text_phrases (phrase, seller_id) values (?, ?)",
                            ((k, s) for k, v in sellers.items() if v is not None for s in v))


def add(db: Database, rows: Iterable[tuple[int, str | None]]) -> None:
    """Count these (seller id, advert text) rows in, promoting phrases that reach BOILERPLATE_SELLERS."""
    add_keys(db, {(key, seller_id) for seller_id, text in rows for key in _keys(text)})


def add_keys(db: Database, pairs: set[tuple[bytes, int]]) -> dict[bytes, int]:
    """`add` for (phrase key, seller id) pairs already cut and digested (`texts.phrase_key`). Returns the
    sellers per phrase of these keys once they are counted in, as `lookup` would then read them
    (BOILERPLATE_SELLERS for boilerplate): the phrases' seller rows are read once and counted here, not
    looked up again after the insert."""
    keys = list({k for k, _ in pairs})
    boilerplate: set[bytes] = set()
    holders: dict[bytes, set[int]] = {}  # only phrases someone uses: most of a night's are new
    for start in range(0, len(keys), BATCH):
        part = keys[start:start + BATCH]
        marks = ",".join("?" * len(part))
        boilerplate.update(k for (k,) in db.execute(
            f"select phrase from boilerplate_phrases where phrase in ({marks})", part))
        for k, seller_id in db.execute(f"select phrase, seller_id from text_phrases where phrase in ({marks})", part):
            holders.setdefault(k, set()).add(seller_id)
    pairs = {(k, s) for k, s in pairs if k not in boilerplate and len(holders.get(k, ())) < BOILERPLATE_SELLERS}
    for k, s in pairs:
        holders.setdefault(k, set()).add(s)
    full = [(k,) for k in {k for k, _ in pairs} if len(holders[k]) >= BOILERPLATE_SELLERS]
    with db.atomic():
        db.conn.executemany("insert or ignore into text_phrases (phrase, seller_id) values (?, ?)", pairs)
        db.conn.executemany("insert or ignore into boilerplate_phrases (phrase) values (?)", full)
        db.conn.executemany("delete from text_phrases where phrase = ?", full)
    boilerplate.update(k for (k,) in full)
    return {k: BOILERPLATE_SELLERS if k in boilerplate or len(holders[k]) >= BOILERPLATE_SELLERS else len(holders[k])
            for k in keys if k in boilerplate or k in holders}
