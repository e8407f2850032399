"""Scoring networks against a labelled marketplace: pairs of listings of different sellers in one network.

`truth` maps each listing URL to its `account` (one seller on one site), its `org` (the operation,
dealer or person behind it) and the org's `kind`. A predicted pair is two listings of different
accounts in one network; it is right when both accounts belong to one org. A seller's own listings
together cost nothing. An honest dealer is merged when its network holds another org's listings.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlite_utils import Database


def _pairs(counts_by_account: Counter) -> int:
    total = sum(counts_by_account.values())
    return (total * total - sum(n * n for n in counts_by_account.values())) // 2


def score_networks(db: Database, truth: dict[str, dict]) -> dict:
    """Precision and recall of listing pairs, and how many dealers (and private sellers) were merged."""
    by_network: dict[int, list[dict]] = defaultdict(list)
    for url, network_id in db.execute(
            "select l.url, s.network_id from listings l join sellers s on s.id = l.seller_id"):
        if url in truth:
            by_network[network_id].append(truth[url])
    predicted = correct = 0
    dealers_merged, private_merged = set(), set()
    for members in by_network.values():
        predicted += _pairs(Counter(m["account"] for m in members))
        by_org: dict[str, Counter] = defaultdict(Counter)
        for m in members:
            by_org[m["org"]][m["account"]] += 1
        correct += sum(_pairs(accounts) for accounts in by_org.values())
        if len(by_org) > 1:
            kinds = {m["org"]: m["kind"] for m in members}
            dealers_merged |= {org for org, kind in kinds.items() if kind == "dealer"}
            private_merged |= {org for org, kind in kinds.items() if kind == "private"}
    all_orgs: dict[str, Counter] = defaultdict(Counter)
    for m in truth.values():
        all_orgs[m["org"]][m["account"]] += 1
    expected = sum(_pairs(accounts) for accounts in all_orgs.values())
    return {"precision": round(correct / predicted, 4) if predicted else 1.0,
            "recall": round(correct / expected, 4) if expected else 1.0,
            "pairs_predicted": predicted, "pairs_correct": correct, "pairs_expected": expected,
            "dealers_merged": sorted(dealers_merged), "private_merged": sorted(private_merged)}


def score_kinds(db: Database, truth: dict[str, dict], planted: list[dict]) -> dict[str, dict]:
    """Per kind of planted link (`planted`: accounts `a`, `b`, `kind`, `variant`), how many were found
    as a link of that kind between the two accounts' sellers (`linked`) and how many pairs ended up in
    one network (`joined`, directly or through others). Keyed by kind and by `kind/variant`."""
    seller_of: dict[str, set[int]] = defaultdict(set)
    network_of: dict[int, int] = {}
    for url, seller_id, network_id in db.execute(
            "select l.url, s.id, s.network_id from listings l join sellers s on s.id = l.seller_id"):
        if url in truth:
            seller_of[truth[url]["account"]].add(seller_id)
            network_of[seller_id] = network_id
    kinds_between: dict[tuple[int, int], set[str]] = defaultdict(set)
    for a, b, kind in db.execute("select seller_a, seller_b, kind from seller_links"):
        kinds_between[(a, b)].add(kind)
        kinds_between[(b, a)].add(kind)
    out: dict[str, dict] = {}
    for link in planted:
        sa, sb = seller_of.get(link["a"], set()), seller_of.get(link["b"], set())
        found = any(link["kind"] in kinds_between.get((x, y), ()) or x == y for x in sa for y in sb)
        joined = any(network_of[x] == network_of[y] for x in sa for y in sb)
        for key in (link["kind"], f"{link['kind']}/{link['variant']}"):
            row = out.setdefault(key, {"planted": 0, "linked": 0, "joined": 0})
            row["planted"] += 1
            row["linked"] += found
            row["joined"] += joined
    return dict(sorted(out.items()))
