"""The demonstration's seller network: one operation selling stolen kit on two marketplaces, beside
honest sellers and a dealer.

The operation posts its stolen re-listings on the classifieds site under two handles, each showing
the same mobile number written its own way, and on the auction site, which shows no seller, with the
number disguised in the text to dodge the site's filter. Its adverts share a template sentence, and
one picture appears on both sites. Honest classifieds sellers keep one number each, and the dealer
(one seller with many adverts) publishes its own; none of them is linked to the operation.
"""

from __future__ import annotations

from farmwatch.demo.alter import alter_photo

HANDLES = ("yard_clearance_sw", "agri_bargains22")
PHONE_FORMS = ("07700 900555", "+44 7700 900 555")
DISGUISED_PHONE = "07seven00 9OO 555"
TEMPLATE = "Ex-farm clearance, no paperwork, collection from our yard after 6pm only."


def honest_seller(name: str, names: tuple[str, ...]) -> dict:
    """An honest classifieds seller: one handle, always the same number (Ofcom's drama range)."""
    return {"name": name, "phone": f"07700 900{100 + names.index(name):03d}"}


def plant_operation(builder, machines) -> None:
    """Give the stolen re-listings on the classifieds and auction sites to the operation, and add one
    picture the operation shows on both sites."""
    relisted = [s for s in builder.listings if s.label == "stolen_relisted" and s.site in ("classifieds", "auction")]
    for n, spec in enumerate(relisted):
        if spec.site == "classifieds":
            spec.seller = {"name": HANDLES[n % 2], "phone": PHONE_FORMS[n % 2]}
            spec.description += f" {TEMPLATE}"
        else:
            spec.description += f" {TEMPLATE} Enquiries {DISGUISED_PHONE}."
        spec.note += "; sold by the demonstration operation"
    picture = builder.new_photo()
    for site, handle in (("classifieds", HANDLES[1]), ("auction", None)):
        spec = builder.listing(site, "unrelated", machines[-1], serial=None,
                               photos=[picture if site == "classifieds" else alter_photo(picture, "reencoded")],
                               note="the operation's photo, shown on both sites")
        if handle:
            spec.seller = {"name": handle, "phone": PHONE_FORMS[1]}
        spec.description += f" {TEMPLATE}"


def confirm_operation_match(db) -> dict | None:
    """Play the officer: confirm the strongest stolen-item match in a network of several sellers, then
    bring the networks up to date; returns that network's row (None when there is none)."""
    from datasette_config.officer.decisions import record_decision
    from matching.networks.update import update_networks

    row = db.execute(
        "select m.id, s.network_id from matches m join listings l on l.id = m.listing_id "
        "join sellers s on s.id = l.seller_id join networks n on n.id = s.network_id "
        "where m.queue = 'stolen' and m.band = 'strong' and m.status = 'new' and n.sellers > 1 "
        "order by n.sellers desc, m.score desc limit 1").fetchone()
    if row is None:
        return None
    with db.atomic():
        record_decision(db.conn, row[0], "confirm", "Demonstration: the owner identified it from the photos.",
                        "officer")
    update_networks(db)
    return next(iter(db.query("select * from networks where id = ?", [row[1]])), None)
