"""Officers' decisions on seller networks: confirm a link, reject a link, join two sellers by hand.

Appended to `network_decisions` with who, when, a note and the network it was taken on; sellers are
named by source and seller key, which rebuilds keep, so a decision survives `farmwatch networks --all`.
`farmwatch networks` (nightly, or run by hand) applies the latest decision on each pair when it
groups sellers (`matching.networks.decisions`): a rejected pair is never joined by its own evidence
again, a confirmed or hand-joined pair is joined as by the strongest evidence, and the network's risk
counts the pairs officers confirmed or joined.
"""

from __future__ import annotations

from registry.db import utcnow

DECISIONS = {"confirm": "confirmed the link", "reject": "rejected the link", "join": "joined by hand"}
NOTE_LIMIT = 2000


class NetworkDecisionError(ValueError):
    """A decision that cannot be recorded; the message says why."""


def _seller(conn, seller_id) -> tuple[int, str, str, int | None]:
    try:
        sid = int(seller_id)
    except (TypeError, ValueError):
        raise NetworkDecisionError(f'"{seller_id}" is not a seller number') from None
    row = conn.execute("select id, source, seller_key, network_id from sellers where id = ?", [sid]).fetchone()
    if row is None:
        raise NetworkDecisionError(f"seller {sid} does not exist")
    return tuple(row)


def record_network_decision(conn, seller_a, seller_b, decision: str, note: str | None, actor_id: str,
                            *, now: str | None = None) -> str:
    """Record one decision on a pair of sellers in the caller's transaction; returns a line saying what
    was recorded. Raises NetworkDecisionError (bad decision, unknown or same seller, a note missing
    for a rejection or a join, a link to confirm or reject that there is no evidence for)."""
    if decision not in DECISIONS:
        raise NetworkDecisionError(f'"{decision}" is not a decision: use confirm, reject or join')
    note = (note or "").strip()
    if len(note) > NOTE_LIMIT:
        raise NetworkDecisionError(f"the note is {len(note)} characters long; keep it under {NOTE_LIMIT}")
    if decision in ("reject", "join") and not note:
        what = "a link" if decision == "reject" else "two sellers"
        raise NetworkDecisionError(f"say why in the note when you {decision} {what}")
    a, b = sorted([_seller(conn, seller_a), _seller(conn, seller_b)])
    if a[0] == b[0]:
        raise NetworkDecisionError("choose two different sellers")
    if decision in ("confirm", "reject"):
        evidence = conn.execute(
            "select (select count(*) from seller_links where seller_a = ? and seller_b = ?) + "
            "(select count(*) from seller_near_misses where seller_a = ? and seller_b = ?)",
            [a[0], b[0], a[0], b[0]]).fetchone()[0]
        if not evidence:
            raise NetworkDecisionError(f"there is no link between sellers {a[0]} and {b[0]} to {decision}; "
                                       "join them by hand instead")
    conn.execute(
        "insert into network_decisions (source_a, key_a, source_b, key_b, decision, note, network_id, decided_by, "
        "decided_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [a[1], a[2], b[1], b[2], decision, note, a[3], actor_id, now or utcnow()])
    return (f"Sellers {a[0]} and {b[0]}: {DECISIONS[decision]}. The networks are regrouped with it by the next "
            "`farmwatch networks` run (nightly, or run it now).")


def network_history(conn, seller_ids: list[int]) -> list[dict]:
    """Every decision touching any of these sellers, oldest first: decision, note, who, when, the two
    sellers' ids (None for a seller that no longer exists) and labels."""
    if not seller_ids:
        return []
    marks = ",".join("?" * len(seller_ids))
    rows = conn.execute(
        "select d.id, d.decision, d.note, d.decided_by, d.decided_at, a.id, coalesce(a.handle, a.name, d.key_a), "
        "b.id, coalesce(b.handle, b.name, d.key_b) from network_decisions d "
        "left join sellers a on a.source = d.source_a and a.seller_key = d.key_a "
        "left join sellers b on b.source = d.source_b and b.seller_key = d.key_b "
        f"where a.id in ({marks}) or b.id in ({marks}) order by d.id", [*seller_ids, *seller_ids]).fetchall()
    names = ("id", "decision", "note", "decided_by", "decided_at", "seller_a", "a_label", "seller_b", "b_label")
    return [dict(zip(names, row, strict=True)) for row in rows]


def near_misses_of(conn, seller_ids: list[int], limit: int = 100) -> list[dict]:
    """Near misses (pairs below the bar, with what was missing) with one seller among these, strongest first."""
    if not seller_ids:
        return []
    marks = ",".join("?" * len(seller_ids))
    rows = conn.execute(
        "select m.seller_a, m.seller_b, m.evidence, m.missing, coalesce(a.handle, a.name, 'seller ' || a.id), "
        "coalesce(b.handle, b.name, 'seller ' || b.id), a.network_id, b.network_id, a.source, b.source "
        "from seller_near_misses m join sellers a on a.id = m.seller_a join sellers b on b.id = m.seller_b "
        f"where m.seller_a in ({marks}) or m.seller_b in ({marks}) order by m.evidence desc limit ?",
        [*seller_ids, *seller_ids, limit]).fetchall()
    names = ("seller_a", "seller_b", "evidence", "missing", "a_label", "b_label", "a_network", "b_network",
             "a_source", "b_source")
    return [dict(zip(names, row, strict=True)) for row in rows]
