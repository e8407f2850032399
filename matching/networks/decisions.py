"""The analysts' decisions in the grouping, and the near misses they decide on.

Officers confirm a link, reject a link or join two sellers by hand (`network_decisions`, written by
the workspace with who, when and a note). Decisions name sellers by source and seller key, which a
rebuild keeps, so they survive `farmwatch networks --all`. The latest decision on a pair is in
force:

- `reject`: no evidence between the two sellers counts any more, whatever a later run finds
  between them (they may still meet in one network through other sellers' links);
- `confirm` and `join`: the pair is joined as if by the strongest evidence (`ANALYST` weight).

A near miss is a pair of sellers in different networks with some evidence between them: written to
`seller_near_misses` with what was missing, for the "why not" on the network and seller pages.
"""

from __future__ import annotations

import json
from collections import defaultdict

from sqlite_utils import Database

from matching.networks.graph import DEALER_LISTINGS, STRONG, combine
from matching.networks.links import Link, make_link

ANALYST = 1.0
NEAR_MISS_MIN = 0.15  # weaker evidence than this is not worth an analyst's look
NEAR_MISSES_KEPT = 50_000  # the strongest near misses kept


def decisions_in_force(db: Database) -> dict[tuple[int, int], dict]:
    """The latest decision per pair of current sellers (ids in order): {decision, note, decided_by, decided_at}."""
    ids = {(source, key): sid for sid, source, key in db.execute("select id, source, seller_key from sellers")}
    latest: dict[tuple[int, int], dict] = {}
    for source_a, key_a, source_b, key_b, decision, note, who, when in db.execute(
            "select source_a, key_a, source_b, key_b, decision, note, decided_by, decided_at "
            "from network_decisions order by id"):
        a, b = ids.get((source_a, key_a)), ids.get((source_b, key_b))
        if a is None or b is None or a == b:
            continue
        latest[(min(a, b), max(a, b))] = {"decision": decision, "note": note, "decided_by": who, "decided_at": when}
    return latest


def apply_decisions(links: list[Link], decisions: dict[tuple[int, int], dict]) -> list[Link]:
    """The links the grouping uses: those of rejected pairs left out, a link of kind `analyst` added per
    confirmed or hand-joined pair."""
    rejected = {pair for pair, d in decisions.items() if d["decision"] == "reject"}
    kept = [k for k in links if (k.seller_a, k.seller_b) not in rejected]
    for (a, b), d in decisions.items():
        if d["decision"] in ("confirm", "join"):
            kept.append(make_link(a, b, "analyst", d["decision"],
                                  f"{d['decision']}ed by {d['decided_by']} on {d['decided_at'][:10]}: {d['note']}",
                                  ANALYST))
    return kept


def missing_words(kinds: dict[str, float], evidence: float, busy: bool, rejected: dict | None) -> str:
    """What kept a pair apart, in words an analyst can act on."""
    if rejected:
        return f"rejected by {rejected['decided_by']} on {rejected['decided_at'][:10]}: {rejected['note']}"
    have = ", ".join(f"{kind} {weight:.2f}" for kind, weight in sorted(kinds.items(), key=lambda kv: -kv[1]))
    if busy and evidence >= STRONG:
        return (f"evidence {evidence:.2f} ({have}) from weak kinds only, and one of them has a dealer's number "
                f"of listings ({DEALER_LISTINGS}+): dealers are joined by one strong link (a phone, e-mail, "
                "profile, identifier, photo or near-identical text)")
    return (f"evidence {evidence:.2f} ({have}) is below {STRONG:.2f}: a shared phone, e-mail, profile, identifier, "
            "photo, near-identical text or a distinctive handle would join them, or another weak kind beside it")


def near_misses(links: list[Link], groups: list[set[int]], listings: dict[int, int],
                decisions: dict[tuple[int, int], dict]) -> list[tuple]:
    """(seller_a, seller_b, evidence, kinds JSON, missing) for pairs left in different networks."""
    network = {sid: min(g) for g in groups for sid in g}
    kinds: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for link in links:
        best = kinds[(link.seller_a, link.seller_b)]
        best[link.kind] = max(best.get(link.kind, 0.0), link.weight)
    out = []
    for (a, b), by_kind in kinds.items():
        if network.get(a) == network.get(b):
            continue
        evidence = combine(by_kind.values())
        if evidence < NEAR_MISS_MIN:
            continue
        busy = listings.get(a, 1) >= DEALER_LISTINGS or listings.get(b, 1) >= DEALER_LISTINGS
        decision = decisions.get((a, b))
        rejected = decision if decision and decision["decision"] == "reject" else None
        out.append((a, b, round(evidence, 3), json.dumps(by_kind, sort_keys=True),
                    missing_words(by_kind, evidence, busy, rejected)))
    out.sort(key=lambda row: -row[2])
    return out[:NEAR_MISSES_KEPT]


def write_near_misses(db: Database, rows: list[tuple]) -> None:
    """Replace the stored near misses."""
    with db.atomic():
        db.execute("delete from seller_near_misses")
        db.conn.executemany("insert or replace into seller_near_misses (seller_a, seller_b, evidence, kinds, missing) "
                            "values (?, ?, ?, ?, ?)", rows)


def analyst_pairs(decisions: dict[tuple[int, int], dict], groups: list[set[int]]) -> dict[int, int]:
    """Per network id, how many of its seller pairs an officer confirmed or joined (for the risk)."""
    network = {sid: min(g) for g in groups for sid in g}
    out: dict[int, int] = defaultdict(int)
    for (a, b), d in decisions.items():
        if d["decision"] in ("confirm", "join") and network.get(a) == network.get(b):
            out[network[a]] += 1
    return dict(out)
