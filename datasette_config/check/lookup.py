"""The public buyer check: what may be said to anyone about an identifier they typed.

Only an exact hit on the matching key (look-alikes and separators folded) may be
answered "stolen"; serials are issued in sequence, so a one-slip neighbour is often
a different real machine and earns only "a similar identifier is registered".
Nothing personal leaves this module: no owner, no place, no item id.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from datasette_config.check.index import index_for
from registry.identifiers.rules import matching_key
from registry.places.forces import police_name

MAX_IDENTIFIER_CHARS = 100
MIN_KEY_LENGTH = 4
RESULTS = ("stolen", "registered", "similar", "unknown", "invalid")

_PUBLIC_ITEM_FIELDS = ("category", "make", "model", "year", "colour", "status")


def new_reference() -> str:
    """A check reference a buyer can quote: random, so it reveals nothing about other checks."""
    return "FW-" + secrets.token_hex(6).upper()


@dataclass
class CheckAnswer:
    identifier: str
    result: str
    message: str
    key: str | None = None
    crime_refs: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    reference: str = field(default_factory=lambda: new_reference())
    item_ids: list[int] = field(default_factory=list)
    theft_ids: list[int] = field(default_factory=list)
    near_stolen: bool = False

    def renew_reference(self) -> None:
        """Draw another check reference (the one drawn was taken), keeping the message in step."""
        self.reference = new_reference()
        if self.result == "stolen":
            self.message = _stolen_message(self.crime_refs, self.reference)

    @property
    def alert(self) -> bool:
        return self.result == "stolen"

    def public(self) -> dict:
        """What the visitor sees (HTML or JSON): no ids, no owner, no place."""
        return {"identifier": self.identifier, "result": self.result, "message": self.message,
                "stolen": self.result == "stolen", "crime_refs": self.crime_refs, "items": self.items,
                "check_reference": self.reference}


def _stolen_message(refs: list[str], reference: str, forces: list[str] = ()) -> str:
    """What to do: call 101, ask for the force where the item was stolen (the one holding the crime
    report), and quote its crime reference(s), or this check's reference when none was given."""
    ask = f" and ask for {' or '.join(police_name(f) for f in forces)}," if forces else ""
    if refs:
        quoted = ", ".join(refs)
        noun = "this reference" if len(refs) == 1 else "these references"
        return f"Reported stolen: do not buy. Call 101{ask} quoting {noun}: {quoted}. Do not confront the seller."
    return (f"Reported stolen: do not buy. Call 101{ask} quoting this check reference: {reference}. "
            "Do not confront the seller.")


def _exact_hits(conn, key: str) -> list[tuple]:
    return conn.execute(
        "select distinct i.id, i.category, i.make, i.model, i.year, i.colour, i.status, "
        "t.id, t.crime_ref, t.stolen_at, t.force_area "
        "from identifiers d join items i on i.id = d.item_id "
        "left join thefts t on t.item_id = i.id and t.current = 1 "
        "where d.normalised_value = ? order by t.id is null, i.id limit 50",
        [key],
    ).fetchall()


def _public_item(row: tuple) -> dict:
    item = dict(zip(_PUBLIC_ITEM_FIELDS, row[1:7], strict=True))
    if row[7] is not None:
        item["status"] = "stolen"
        item["stolen_on"] = (row[9] or "")[:10] or None
        item["police_force"] = row[10]
    elif item["status"] == "stolen":
        item["status"] = "registered"
    return item


def check_identifier(conn, raw: str, index_name: str) -> CheckAnswer:
    """Answer one public check; `conn` reads the database, `index_name` names its near-hit index."""
    typed = " ".join(str(raw or "").split())
    if not typed:
        return CheckAnswer("", "invalid", "Type the serial, PIN, VIN, ear tag or chip number to check.")
    if len(typed) > MAX_IDENTIFIER_CHARS:
        return CheckAnswer(typed[:MAX_IDENTIFIER_CHARS], "invalid",
                           f"That is {len(typed)} characters long; an identifier has at most "
                           f"{MAX_IDENTIFIER_CHARS}. Type just the number.")
    key = matching_key(typed)
    if key is None or len(key) < MIN_KEY_LENGTH:
        return CheckAnswer(typed, "invalid", key=key, message=(
            f'"{typed}" is too short or not an identifier: type the whole serial, PIN, VIN, ear tag '
            "or chip number as it appears on the machine or animal."))
    rows = _exact_hits(conn, key)
    if rows:
        stolen = [r for r in rows if r[7] is not None]
        answer = CheckAnswer(typed, "stolen" if stolen else "registered", "", key=key,
                             items=[_public_item(r) for r in rows[:10]], item_ids=[r[0] for r in rows])
        if stolen:
            answer.theft_ids = [r[7] for r in stolen]
            answer.crime_refs = sorted({r[8].strip() for r in stolen if r[8] and r[8].strip()})
            forces = sorted({r[10] for r in stolen if r[10]})
            answer.message = _stolen_message(answer.crime_refs, answer.reference, forces)
        else:
            answer.message = ("Registered, not reported stolen. Being registered does not prove the seller "
                              "owns it: ask for proof of ownership.")
        return answer
    near = index_for(conn, index_name).near(key)
    if near:
        marks = ",".join("?" * len(near))
        hits = conn.execute(
            "select distinct i.id, t.id from identifiers d join items i on i.id = d.item_id "
            "left join thefts t on t.item_id = i.id and t.current = 1 "
            f"where d.normalised_value in ({marks})", near,
        ).fetchall()
        if hits:
            return CheckAnswer(typed, "similar", key=key, item_ids=sorted({h[0] for h in hits}),
                               theft_ids=sorted({h[1] for h in hits if h[1] is not None}),
                               near_stolen=any(h[1] is not None for h in hits), message=(
                                   "Not on the register as typed, but a similar identifier is registered: "
                                   "check the number carefully against the machine or animal, then check "
                                   "again."))
    return CheckAnswer(typed, "unknown", key=key, message=(
        "Not on the register. That does not prove it is not stolen: many items are never registered."))
