"""How the register names things to people: the one place that decides the words for an item's
state, a match's state, a theft report, and every stored code a person reads.

Pages, exports, alert e-mails and counts all take their words from here, so a state reads the same
on every page after every action. Pure functions over plain values: no database, no web.

An item's state (`item_state`) is one of:

| state | when |
| --- | --- |
| `stolen` | an open theft report (items.status = 'stolen') |
| `recovered` | its last theft report was closed as recovered |
| `sold` | its owner marked it sold to someone not on the register (latest sale without a new owner) |
| `not_theirs` | never reported stolen, but its owner said a listing of it is not their sale |
| `registered` | anything else |

A match's state (`match_state`) follows its item: a match on a recovered item is closed as "item
recovered" whatever its status, a dismissed match names who closed it and why (the owner selling,
the officer), and the line under a queue row says where the item was stolen only when it was.
"""

from __future__ import annotations

CATEGORY_WORDS = {
    "tractor": "tractor", "quad": "quad bike", "utv": "utility vehicle", "trailer": "trailer",
    "implement": "implement", "gps": "GPS receiver", "power_tool": "power tool", "plant": "plant machinery",
    "vehicle": "vehicle", "cattle": "cattle", "sheep": "sheep", "goat": "goat", "horse": "horse",
    "other": "other item",
}
KIND_WORDS = {
    "serial": "serial number", "vin": "VIN (vehicle identification number)",
    "pin": "PIN (product identification number)", "engine": "engine number", "frame": "frame number",
    "cesar": "CESAR number", "ear_tag": "ear tag", "microchip": "microchip", "ueln": "passport number (UELN)",
    "freeze_mark": "freeze mark", "registration": "registration number", "other": "other number",
    "stock": "dealer's stock number",
}
DECISION_WORDS = {
    "shared_with_owner": "shared with the owner",
    "confirmed": "confirmed as the registered item", "dismissed": "dismissed: not the registered item",
    "reopened": "reopened for another look", "owner_selling": "the owner says they are selling it",
    "owner_not_me": "the owner says this sale is not theirs", "item_recovered": "closed: the item was recovered",
}
# The form buttons' values ("confirm") and the stored decisions ("confirmed") both read as words.
DECISION_WORDS.update({"confirm": DECISION_WORDS["confirmed"], "dismiss": DECISION_WORDS["dismissed"],
                       "reopen": DECISION_WORDS["reopened"]})
BAND_WORDS = {"strong": "strong", "likely": "likely", "possible": "possible"}
QUEUE_WORDS = {"stolen": "stolen items", "owner_check": "owner checks"}
EVIDENCE_WORDS = {
    "identifier": "identifier", "photo": "photo", "photo_features": "photo (same details)",
    "description": "description", "listed_after_theft": "date listed", "distance": "distance",
    "check_digit": "check digit",
}
ITEM_STATE_WORDS = {
    "stolen": "stolen", "recovered": "recovered", "sold": "sold", "registered": "registered",
    "not_theirs": "owner says a sale is not theirs (not reported stolen)",
}
# Account names that are not people: the command line records "cli".
SYSTEM_ACTORS = {"cli": "an administrator (command line)", "": "the system", None: "the system"}


class Label(dict):
    """`state` is a stable code for styling and tests; `text` what a person reads. A dict, so a
    label goes into JSON as `{"state", "text"}` as it is."""

    def __init__(self, state: str, text: str):
        super().__init__(state=state, text=text)

    @property
    def state(self) -> str:
        return self["state"]

    @property
    def text(self) -> str:
        return self["text"]


def words(table: dict, code) -> str:
    """The words for a stored code from one of the tables above; an unknown code reads with its
    underscores as spaces (never the bare code's underscores)."""
    if code is None:
        return ""
    return table.get(code) or str(code).replace("_", " ")


def category_words(code) -> str:
    """'power_tool' -> 'power tool'."""
    return words(CATEGORY_WORDS, code)


def kind_words(code) -> str:
    """'ear_tag' -> 'ear tag'."""
    return words(KIND_WORDS, code)


def decision_words(code) -> str:
    """'owner_not_me' -> 'the owner says this sale is not theirs'."""
    return words(DECISION_WORDS, code)


def actor_words(actor) -> str:
    """An account name as a person reads it: 'cli' is the command line, others stay as they are."""
    return SYSTEM_ACTORS.get(actor, str(actor))


def item_state(status: str | None, *, sold: bool = False, not_theirs: bool = False) -> Label:
    """The item's state from `items.status` ('registered' | 'stolen' | 'recovered'), whether its
    owner sold it off the register (`sold`) and whether its owner answered "that's not me" to a
    listing of it (`not_theirs`). An open theft wins; then a sale; then recovery; then the answer."""
    if status == "stolen":
        return Label("stolen", ITEM_STATE_WORDS["stolen"])
    if sold:
        return Label("sold", ITEM_STATE_WORDS["sold"])
    if status == "recovered":
        return Label("recovered", ITEM_STATE_WORDS["recovered"])
    if not_theirs:
        return Label("not_theirs", ITEM_STATE_WORDS["not_theirs"])
    return Label("registered", ITEM_STATE_WORDS["registered"])


def match_state(status: str | None, last_decision: str | None, item: Label) -> Label:
    """A match's state from `matches.status` ('new' | 'confirmed' | 'dismissed'), its latest review
    decision and its item's state (`item_state`). A match on a recovered item reads "item recovered"
    (a confirmed one keeps "confirmed" in front), a dismissed one says why it was closed."""
    if item.state == "recovered":
        return Label("recovered", "confirmed; item recovered" if status == "confirmed" else "closed: item recovered")
    if status == "dismissed":
        if last_decision == "item_recovered":
            return Label("recovered", "closed: item recovered")
        if last_decision == "owner_selling":
            return Label("dismissed", "closed: the owner is selling it")
        return Label("dismissed", "dismissed")
    if status == "confirmed":
        return Label("confirmed", "confirmed")
    return Label("new", "new")


def match_context(queue: str | None, item: Label, force_area: str | None) -> str:
    """The line under a match saying whose item it is and where: "stolen in Hampshire" only for an
    item reported stolen (or recovered), "owner says not theirs, not reported stolen · Hampshire"
    after a "not me", "registered in Hampshire: ask the owner" for an owner check."""
    place = f" in {force_area}" if force_area else ""
    if item.state == "stolen":
        return f"stolen{place}"
    if item.state == "recovered":
        return f"recovered (stolen{place})"
    if item.state == "not_theirs":
        return "owner says the sale is not theirs; not reported stolen" + (f" ({force_area})" if force_area else "")
    if item.state == "sold":
        return "sold by its owner" + (f" ({force_area})" if force_area else "")
    return f"registered{place}" + (": ask the owner" if queue == "owner_check" else "")


def theft_state(current, recovered_at: str | None) -> Label:
    """A theft report: open, recovered on a date, or closed."""
    if recovered_at:
        return Label("recovered", f"recovered on {str(recovered_at)[:10]}")
    if current:
        return Label("open", "open")
    return Label("closed", "closed")


def owner_progress(item: Label, lead_count: int, shared: list[dict] | None = None) -> Label:
    """What the owner of a stolen item reads about their report, in words they can act on.
    `lead_count` is how many listings police are looking at (matches new or confirmed on this item);
    `shared` the listings an officer chose to share with them."""
    if item.state == "recovered":
        return Label("recovered", "Recovered: the police recorded your item as found. Contact the officer in "
                                  "charge about collecting it.")
    if item.state != "stolen":
        return Label("none", "")
    if shared:
        return Label("shared", "The police are following up a lead and have shared it with you below: please "
                               "do not contact the seller yourself.")
    if lead_count:
        return Label("lead", "The police are looking at a lead: a listing that may be your item. They will "
                             "contact you if they need you; you need do nothing now.")
    return Label("watching", "Reported stolen: we check the marketplaces every night and tell the police "
                             "about anything that looks like your item.")


# SQL conditions the queries use to give `item_state` its inputs, on an items row aliased `i`.
ITEM_SOLD_SQL = ("exists (select 1 from item_sales s where s.item_id = i.id and s.to_owner_id is null "
                 "and s.from_owner_id = i.owner_id and s.id = (select max(s2.id) from item_sales s2 "
                 "where s2.item_id = i.id))")
ITEM_NOT_THEIRS_SQL = ("exists (select 1 from reviews r join matches rm on rm.id = r.match_id "
                       "where rm.item_id = i.id and r.decision = 'owner_not_me')")
# The latest review decision on a matches row aliased `m`.
LAST_DECISION_SQL = "(select r.decision from reviews r where r.match_id = m.id order by r.id desc limit 1)"
