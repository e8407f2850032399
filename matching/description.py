"""Description evidence: make, model, year, colour and category agreement, dates and distance.

This is supporting evidence. Many machines share a make and model, so agreement alone
reaches `possible` at most (the scoring enforces it); disagreement counts against a
match found by other means, and a listing posted before the theft cannot be the
stolen item on the market.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from matching.evidence import Evidence
from registry.identifiers.rules import fold_text
from registry.identifiers.vocab import CATEGORIES, resolve_category
from registry.words.labels import category_words

_WORD = re.compile(r"[A-Z0-9]+")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_NON_ASCII_WORD = re.compile(r"[^\s\x00-\x7f]+")
NEAR_KM = 80.0
GRAM_WORDS = 120  # make and model are looked for in the title, the fields and the description's start


@dataclass
class ListingProfile:
    """A listing's text reduced to what description matching compares."""

    words: set[str] = field(default_factory=set)
    grams: set[str] = field(default_factory=set)  # words and adjacent pairs and triples, joined
    word_list: list[str] = field(default_factory=list)
    category: str | None = None  # as the listing states it (a category field)
    mentioned: set[str] = field(default_factory=set)  # categories named in the title or the description's start
    in_title: set[str] = field(default_factory=set)  # categories named in the title
    make: str | None = None
    year: int | None = None
    years_in_text: set[int] = field(default_factory=set)
    listed_on: str | None = None  # date the listing was posted or first seen
    latitude: float | None = None
    longitude: float | None = None


def fold_words(text: str | None) -> list[str]:
    """Upper-case words of letters and digits, with other scripts' look-alikes folded."""
    if not text:
        return []
    if text.isascii():
        return _WORD.findall(text.upper())
    return _WORD.findall(_NON_ASCII_WORD.sub(lambda m: fold_text(m[0]), text.upper()))


def compact_words(text: str | None) -> str:
    return "".join(fold_words(text))


def profile_listing(row: dict) -> ListingProfile:
    """A listing row's `ListingProfile`. The words are those of the title, make, model, colour, category
    and description in that order; each part is folded once (a word never spans two parts)."""
    title_words = fold_words(str(row.get("title") or ""))
    description_words = fold_words(str(row.get("description") or ""))
    words = title_words + [w for k in ("make", "model", "colour", "category")
                           for w in fold_words(str(row.get(k) or ""))] + description_words
    grams = set(words)
    head = words[:GRAM_WORDS]
    grams.update([a + b for a, b in zip(head, head[1:], strict=False)])
    grams.update([a + b + c for a, b, c in zip(head, head[1:], head[2:], strict=False)])
    category = resolve_category(row.get("category")) if row.get("category") else None
    in_title = _categories_named(title_words)
    mentioned = in_title | _categories_named(description_words[:GRAM_WORDS])
    listed = row.get("posted_at") or row.get("first_seen_at")
    return ListingProfile(
        words=set(words), grams=grams, word_list=words, category=category, mentioned=mentioned, in_title=in_title,
        make=compact_words(row.get("make")) or None, year=row.get("year"),
        years_in_text={int(y) for y in _YEAR.findall(row.get("title") or "")},
        listed_on=listed[:10] if listed else None,
        latitude=row.get("latitude"), longitude=row.get("longitude"),
    )


_CATEGORY_WORDS = {re.sub(r"[\s_\-/]+", " ", alias).upper(): canonical
                   for canonical, aliases in CATEGORIES.items() for alias in (canonical, *aliases)}


# the first word of each alias of two or three words: a longer name is looked up only from such a word
_FIRST_WORDS = {alias.split(" ", 1)[0] for alias in _CATEGORY_WORDS if " " in alias}


def _categories_named(words: list[str]) -> set[str]:
    """Categories named by one to three adjacent words ("quad bike", "all terrain vehicle")."""
    named = {c for w in words if (c := _CATEGORY_WORDS.get(w))}
    for i, word in enumerate(words):
        if word in _FIRST_WORDS:
            for size in (2, 3):
                if i + size <= len(words) and (c := _CATEGORY_WORDS.get(" ".join(words[i:i + size]))):
                    named.add(c)
    return named


def make_agrees(make: str | None, profile: ListingProfile) -> bool:
    key = compact_words(make)
    if not key:
        return False
    if key in profile.grams or (profile.make and fuzz.ratio(key, profile.make) >= 85):
        return True
    words = fold_words(make)
    if len(words[0]) >= 4 and words[0] in profile.words:
        return True
    if len(words) >= 2 and "".join(w[0] for w in words) in profile.words:  # JD, MF, NH
        return True
    return len(key) >= 5 and any(len(g) >= 4 and fuzz.ratio(key, g) >= 88 for g in profile.grams if g[:1] == key[:1])


def model_agrees(model: str | None, profile: ListingProfile) -> bool:
    key = compact_words(model)
    if len(key) < 2:
        return False
    if key in profile.grams:
        return True
    return len(key) >= 4 and any(fuzz.ratio(key, g) >= 86 for g in profile.grams if g[:1] == key[:1])


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def description_evidence(item: dict, theft: dict | None, profile: ListingProfile) -> list[Evidence]:
    """Agreement and disagreement between a registered item (and its theft) and a listing."""
    out: list[Evidence] = []
    make_ok = make_agrees(item.get("make"), profile)
    model_ok = model_agrees(item.get("model"), profile)
    if make_ok and model_ok:
        out.append(Evidence("description", f"make and model agree: {item['make']} {item['model']}", 0.3,
                            agrees=frozenset({"make", "model"})))
    elif model_ok:
        out.append(Evidence("description", f"model agrees: {item['model']}", 0.15, agrees=frozenset({"model"})))
    elif make_ok:
        out.append(Evidence("description", f"make agrees: {item['make']}", 0.08, agrees=frozenset({"make"})))
    category = item.get("category")
    if profile.category and category:  # stated: agreement or disagreement
        if profile.category == category:
            out.append(Evidence("description", f"same category: {category_words(category)}", 0.05,
                                agrees=frozenset({"category"})))
        elif category != "other" and profile.category != "other":
            out.append(Evidence("description", f"listed as {category_words(profile.category)}, registered as "
                                f"{category_words(category)}", -0.25))
    elif category and category in profile.mentioned:  # only named in passing ("with front loader"): agreement only
        out.append(Evidence("description", f"same category: {category_words(category)}", 0.05,
                            agrees=frozenset({"category"})))
    year = item.get("year")
    stated = profile.year or (next(iter(profile.years_in_text)) if len(profile.years_in_text) == 1 else None)
    if year and stated:
        if abs(int(stated) - int(year)) <= 0:
            out.append(Evidence("description", f"same year: {year}", 0.06, agrees=frozenset({"year"})))
        elif abs(int(stated) - int(year)) > 1:
            out.append(Evidence("description", f"listed as {stated}, registered as {year}", -0.25))
    colour = item.get("colour")
    if colour:
        colour_words = set(fold_words(colour))
        if colour_words and colour_words <= profile.words:
            out.append(Evidence("description", f"same colour: {colour}", 0.05))
    if theft:
        out.extend(theft_evidence(theft, profile))
    return out


def theft_evidence(theft: dict, profile: ListingProfile) -> list[Evidence]:
    out = []
    stolen = (theft.get("stolen_at") or "")[:10]
    if stolen and profile.listed_on:
        days = (date.fromisoformat(profile.listed_on) - date.fromisoformat(stolen)).days
        if days >= 0:
            out.append(Evidence("listed_after_theft", f"listed {days} days after the theft on {stolen}", 0.05,
                                agrees=frozenset({"listed_after_theft"})))
        elif days < -1:
            out.append(Evidence("listed_after_theft", f"listed on {profile.listed_on}, {-days} days before the "
                                f"theft on {stolen}: probably the owner's own advert", -0.3, blocks_strong=True))
    if None not in (theft.get("latitude"), theft.get("longitude"), profile.latitude, profile.longitude):
        km = _km(theft["latitude"], theft["longitude"], profile.latitude, profile.longitude)
        place = f" ({theft['place']})" if theft.get("place") else ""
        out.append(Evidence("distance", f"listed {km:.0f} km from the theft place{place}",
                            0.05 if km <= NEAR_KM else 0.0, extras={"km": round(km, 1)}))
    return out


def listed_after(theft: dict | None, profile: ListingProfile) -> bool:
    """True unless the listing is known to predate the theft (stage-two and description-only rule)."""
    if not theft or not theft.get("stolen_at") or not profile.listed_on:
        return True
    return profile.listed_on >= theft["stolen_at"][:10]
