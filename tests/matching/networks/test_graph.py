"""Grouping sellers: strong links join outright; a weak link never glues two larger networks."""

from __future__ import annotations

from matching.networks.graph import STRONG, combine, group_sellers
from matching.networks.links import make_link


def link(a, b, kind="phone", weight=0.95):
    return make_link(a, b, kind, f"{a}-{b}", "test", weight)


def groups_of(groups):
    return sorted(sorted(g) for g in groups)


def test_strong_links_join_and_unlinked_sellers_stand_alone():
    groups = group_sellers(range(1, 6), [link(1, 2), link(2, 3)])
    assert groups_of(groups) == [[1, 2, 3], [4], [5]]


def test_a_weak_link_alone_attaches_no_one():
    groups = group_sellers(range(1, 5), [link(1, 2), link(2, 3), link(3, 4, "text", 0.6)])
    assert groups_of(groups) == [[1, 2, 3], [4]]


def test_weak_links_of_a_lone_seller_to_one_network_add_up():
    groups = group_sellers(range(1, 5), [link(1, 2), link(2, 3), link(3, 4, "text", 0.6), link(1, 4, "handle", 0.6)])
    assert groups_of(groups) == [[1, 2, 3, 4]]


def test_one_weak_link_does_not_glue_two_networks():
    links = [link(1, 2), link(2, 3), link(4, 5), link(5, 6), link(3, 4, "handle", 0.6)]
    assert groups_of(group_sellers(range(1, 7), links)) == [[1, 2, 3], [4, 5, 6]]


def test_a_lone_seller_between_two_networks_joins_one_only():
    links = [link(1, 2), link(2, 3), link(4, 5), link(5, 6), link(3, 7, "text", 0.85), link(7, 4, "text", 0.6)]
    assert groups_of(group_sellers(range(1, 8), links)) == [[1, 2, 3, 7], [4, 5, 6]]


def test_weak_links_that_corroborate_each_other_join():
    links = [link(1, 2), link(2, 3), link(4, 5), link(5, 6), link(3, 4, "text", 0.6), link(1, 6, "handle", 0.6)]
    assert combine([0.6, 0.6]) >= STRONG
    assert groups_of(group_sellers(range(1, 7), links)) == [[1, 2, 3, 4, 5, 6]]


def test_two_weak_kinds_on_one_pair_add_up_to_strong():
    links = [link(1, 2), link(2, 3), link(4, 5), link(5, 6), link(3, 4, "text", 0.6), link(3, 4, "photo", 0.8)]
    assert groups_of(group_sellers(range(1, 7), links)) == [[1, 2, 3, 4, 5, 6]]


def test_a_dealer_is_joined_by_strong_evidence_only():
    links = [link(1, 2, "text", 0.7), link(3, 4, "text", 0.7), link(3, 5)]
    groups = group_sellers(range(1, 6), links, {1: 25, 2: 1, 3: 14, 4: 2, 5: 1})
    assert groups_of(groups) == [[1], [2], [3, 5], [4]]
