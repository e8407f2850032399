"""E-mail addresses coming in: domain names only, checked by email-validator with no DNS lookup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.accounts.emails import EmailError, check_email
from registry.accounts.subscriptions import SubscriptionError, request_subscription
from registry.accounts.users import add_user
from registry.items.registration import register_item
from registry.items.sales import mark_sold
from registry.items.validation import RegistryError, validate_item, validate_owner

REFUSED = [
    ("someone@127.0.0.1", "not valid"),            # a bare IPv4 address
    ("someone@[127.0.0.1]", "IP address"),         # an address literal
    ("someone@[IPv6:::1]", "IP address"),
    ("someone@10.0.0.8", "not valid"),
    ("someone@localhost", "period"),               # single labels
    ("someone@corp", "period"),
    ("someone@mail.localhost", "special-use"),
    ("someone@printer.local", "special-use"),      # mDNS
    ("someone@db.internal", "local or internal"),  # private-use names
    ("someone@nas.home", "local or internal"),
    ("someone@router.lan", "local or internal"),
    ("someone@host.localdomain", "local or internal"),
    ("someone@x.corp", "local or internal"),
    ("someone@hidden.onion", "special-use"),
    ("someone@box.test", "special-use"),
    ("someone@1.0.0.127.in-addr.arpa", "special-use"),
    ('"quoted local"@example.org', "Quoting"),
    ("Someone <someone@example.org>", "display name"),
    ("someone@example.org,other@example.org", "invalid characters"),
    ("someone", "@-sign"),
    ("someone@", "after the @"),
    ("a b@example.org", "invalid characters"),
    ("", "empty"),
    ("a" * 65 + "@example.org", "too long before the @-sign"),
    ("a" * 250 + "@example.org", "longer than 254"),
]
ACCEPTED = [
    ("someone@example.org", "someone@example.org"),
    ("  PC.Smith@Police.Example ", "pc.smith@police.example"),
    ("buyer+mart@sub.domain.co.uk", "buyer+mart@sub.domain.co.uk"),
    ("fermier@bücher.example", "fermier@bücher.example"),
]


@pytest.mark.parametrize("address, reason", REFUSED)
def test_addresses_that_are_not_public_domain_addresses_are_refused(address, reason):
    with pytest.raises(EmailError, match="is not an e-mail address") as caught:
        check_email(address)
    assert reason in str(caught.value)


@pytest.mark.parametrize("address, normalised", ACCEPTED)
def test_public_domain_addresses_are_accepted_normalised(address, normalised):
    assert check_email(address) == normalised


HOSTILE = ["someone@127.0.0.1", "someone@[127.0.0.1]", "someone@db.internal", "someone@localhost"]


@pytest.mark.parametrize("address", HOSTILE)
def test_every_way_in_refuses_the_same_addresses(db, address):
    _, errors = validate_owner({"name": "A Farmer", "email": address})
    assert "not an e-mail address" in errors["owner.email"]
    item, errors = validate_item({"owner": {"name": "A Farmer", "email": address}, "category": "tractor"})
    assert item is None and "not an e-mail address" in errors["owner.email"]
    with pytest.raises(SubscriptionError, match="not an e-mail address"):
        request_subscription(db, address)
    with pytest.raises(RegistryError, match="not an e-mail address"):
        add_user(db, "pc-smith", "password-123", "officer", email=address)
    with pytest.raises(RegistryError, match="not an e-mail address"):
        add_user(db, "farmer-jo", "password-123", "farmer", email=address)
    good, _ = validate_item({"owner": {"name": "A Farmer", "email": "a@example.org"}, "category": "tractor"})
    item_id = register_item(db, good).item_id
    owner_id = db.execute("select owner_id from items where id = ?", [item_id]).fetchone()[0]
    with pytest.raises(RegistryError, match="new owner's e-mail .* not an e-mail address"):
        mark_sold(db, item_id, owner_id, sold_at=datetime.now(UTC).date().isoformat(), new_owner_email=address)
    assert db["users"].count == 0 and db["alert_subscriptions"].count == 0 and db["item_sales"].count == 0
    assert [r[0] for r in db.execute("select email from owners")] == ["a@example.org"]
