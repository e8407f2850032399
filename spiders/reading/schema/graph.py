"""A page's schema.org graph: every node from JSON-LD, microdata and RDFa, with `@id` references
resolved, and the listing groups in it (an item with its offer, seller and place).

Real sites nest the listing in many ways: an `Offer` inside a `Person`'s or `Organization`'s
`makesOffer`, the item inside an `Offer`'s `itemOffered` (even under a `Product`), an
`ItemPage` whose `mainEntity` is the listing, offers inside offers, a seller given as an `@id`
reference to another node. The walk reaches every dict at any depth; nothing here knows a site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

ITEM_TYPES = {"product", "individualproduct", "productmodel", "someproducts", "vehicle", "car", "motorcycle",
              "motorizedbicycle", "busorcoach", "boat", "tractor", "animal"}
OFFER_TYPES = {"offer", "aggregateoffer"}
PAGE_TYPES = {"webpage", "itempage", "productpage", "offerpage", "collectionpage"}
# properties through which a listing is only mentioned beside another one (carousels, lists, results)
RELATED = {"isrelatedto", "issimilarto", "isaccessoryorsparepartfor", "isconsumablefor", "itemlistelement",
           "hasvariant", "isvariantof", "relatedlink", "significantlink", "hasoffercatalog", "subjectof"}
LIST_TYPES = {"itemlist", "offercatalog", "searchresultspage", "breadcrumblist", "listitem", "collectionpage"}
MAX_NODES = 5000
MAX_DEPTH = 12


def local_name(term) -> str:
    """'http://schema.org/Product' -> 'product' (schema.org terms compared without prefix or case)."""
    return re.sub(r"^.*[/#:]", "", str(term)).strip().lower()


def types_of(node: dict) -> set[str]:
    raw = node.get("@type") or node.get("type") or []
    raw = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {local_name(t) for t in raw if isinstance(t, str) and t}


def from_rdfa(nodes: list) -> list[dict]:
    """extruct's RDFa output (expanded JSON-LD with full property IRIs) as compact nodes."""
    compact = []
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        out: dict = {"@id": node.get("@id"), "@type": [local_name(t) for t in node.get("@type", [])]}
        for key, values in node.items():
            if key.startswith("@") or "schema.org" not in key:
                continue
            kept = []
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict) and "@value" in value:
                    kept.append(value["@value"])
                elif isinstance(value, dict) and "@id" in value:
                    kept.append({"@id": value["@id"]})
            out[local_name(key)] = kept
        compact.append(out)
    return compact


@dataclass
class Group:
    """One listing as the graph tells it: the item, its offers (outermost first), the page node."""

    item: dict | None
    offers: list[dict] = field(default_factory=list)
    detail: dict | None = None  # a more specific item offered under the item (a Car under a Product)
    related: bool = False

    @property
    def anchor(self) -> dict:
        return self.item or self.offers[0]


class Graph:
    """Nodes of a page's structured data, indexed by id, with who mentions whom through which property."""

    def __init__(self, roots: list, base_url: str):
        self.base_url = base_url
        self.nodes: list[dict] = []
        self.by_id: dict[str, dict] = {}
        self.mentions: dict[int, list[tuple[dict | None, str]]] = {}
        self._seen: set[int] = set()
        for root in roots:
            self._walk(root, None, "", 0)

    def _walk(self, value, parent: dict | None, prop: str, depth: int) -> None:
        if depth > MAX_DEPTH or len(self.nodes) > MAX_NODES:
            return
        if isinstance(value, list):
            for entry in value[:500]:
                self._walk(entry, parent, prop, depth + 1)
            return
        if not isinstance(value, dict):
            return
        if "@graph" in value:
            self._walk(value["@graph"], parent, prop, depth + 1)
        node_id = value.get("@id") or value.get("id")
        is_node = bool(types_of(value)) or (node_id and len(value) > 1)
        if is_node:
            self.mentions.setdefault(id(value), []).append((parent, prop))
            if id(value) in self._seen:
                return
            self._seen.add(id(value))
            self.nodes.append(value)
            if isinstance(node_id, str) and node_id:
                self.by_id.setdefault(node_id, value)
                self.by_id.setdefault(urljoin(self.base_url, node_id), value)
        for key, child in value.items():
            if not key.startswith("@") and key != "id":
                self._walk(child, value if is_node else parent, local_name(key), depth + 1)

    def resolve(self, value):
        """A reference ({'@id': x} or an id string known on this page) replaced by the node it names."""
        if isinstance(value, dict):
            ref = value.get("@id")
            if isinstance(ref, str) and not types_of(value) and len(value) <= 2:
                return self.by_id.get(ref) or self.by_id.get(urljoin(self.base_url, ref)) or value
            return value
        if isinstance(value, str) and value in self.by_id:
            return self.by_id[value]
        return value

    def values(self, node: dict | None, prop: str) -> list:
        """Every value of a property (any case or prefix), references resolved."""
        if not isinstance(node, dict):
            return []
        found = []
        for key, value in node.items():
            if local_name(key) == prop.lower():
                for entry in value if isinstance(value, list) else [value]:
                    if entry not in (None, "", [], {}):
                        found.append(self.resolve(entry))
        return found

    def nodes_of(self, node: dict | None, prop: str) -> list[dict]:
        return [v for v in self.values(node, prop) if isinstance(v, dict)]

    def first(self, node: dict | None, *props: str):
        for prop in props:
            for value in self.values(node, prop):
                return value
        return None

    def is_related(self, node: dict) -> bool:
        """True when the node is only mentioned inside a list, carousel or beside another listing."""
        for parent, prop in self.mentions.get(id(node), []):
            if prop in RELATED or (parent is not None and types_of(parent) & LIST_TYPES):
                return True
        for other in self.nodes:  # references by @id count too
            for prop in RELATED:
                if any(v is node for v in self.values(other, prop)):
                    return True
        return False

    def offer_chain(self, node: dict) -> list[dict]:
        """Offers of a node, then offers nested inside those offers (outermost first)."""
        chain, queue = [], self.nodes_of(node, "offers")
        while queue and len(chain) < 20:
            offer = queue.pop(0)
            if offer not in chain:
                chain.append(offer)
                queue += self.nodes_of(offer, "offers")
        return chain

    def groups(self) -> list[Group]:
        """Every listing told by the graph, once each: offers under an item join its group."""
        groups: list[Group] = []
        taken: set[int] = set()
        offers = [n for n in self.nodes if types_of(n) & OFFER_TYPES]
        offered = {id(i) for o in offers for i in self.nodes_of(o, "itemOffered")}
        items = [n for n in self.nodes if types_of(n) & ITEM_TYPES and not types_of(n) & OFFER_TYPES]
        for node in [n for n in items if id(n) not in offered] + offers:  # items first: their offers join them
            kinds = types_of(node)
            if id(node) in taken:
                continue
            if kinds & OFFER_TYPES:
                if any(types_of(p or {}) & ITEM_TYPES and prop == "offers" for p, prop in self.mentions.get(id(node), [])):
                    continue  # part of its item's group
                items = [i for i in self.nodes_of(node, "itemOffered") if types_of(i) & ITEM_TYPES or "name" in i]
                group = Group(item=items[0] if items else None, offers=[node, *self.offer_chain(node)])
            else:
                if any(types_of(p or {}) & OFFER_TYPES and prop == "itemoffered" for p, prop in self.mentions.get(id(node), [])):
                    continue  # the offer's group holds it
                offers = self.offer_chain(node)
                detail = next((i for o in offers for i in self.nodes_of(o, "itemOffered")
                               if i is not node and types_of(i) & ITEM_TYPES), None)
                group = Group(item=node, offers=offers, detail=detail)
            for part in [group.item, group.detail, *group.offers]:
                if part is not None:
                    taken.add(id(part))
            group.related = self.is_related(group.anchor)
            groups.append(group)
        return groups

    def main_entities(self) -> list[dict]:
        """What page nodes (WebPage, ItemPage, ...) name as their main entity or subject."""
        found = []
        for node in self.nodes:
            if types_of(node) & PAGE_TYPES:
                found += self.nodes_of(node, "mainEntity") + self.nodes_of(node, "about")
        return found

    def sellers_offering(self, offer: dict) -> list[dict]:
        """Persons or organizations whose makesOffer names this offer."""
        return [p for p, prop in self.mentions.get(id(offer), []) if p is not None and prop == "makesoffer"] + [
            n for n in self.nodes if any(v is offer for v in self.values(n, "makesOffer"))]
