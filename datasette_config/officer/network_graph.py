"""A network as a graph, exported as GraphML or CSV nodes and edges for Gephi or i2 Analyst's Notebook
(the page's drawing is `network_drawing`, laid out by Graphviz).

Nodes are sellers, their listings and the stolen items matched to those listings; edges are the
links between sellers (labelled by kind), each seller's listings, and matches.
"""

from __future__ import annotations

import networkx as nx

from datasette_config.csv_safety import csv_text

NODE_FIELDS = ("id", "type", "label", "source", "url", "detail")
EDGE_FIELDS = ("source", "target", "type", "label", "weight", "detail")


def network_graph(data: dict, *, contacts: bool = True) -> nx.Graph:
    """The loaded network (see queries.networks.load_network) as a networkx graph. Without
    `contacts` no phone number or e-mail address is written into node or edge attributes."""
    g = nx.Graph()
    for s in data["sellers"]:
        detail = "; ".join(s["phones"] + s["emails"]) if contacts else ""
        g.add_node(f"seller:{s['id']}", type="seller", label=s["label"], source=s["source"],
                   url=s["profile_url"] or "", detail=detail)
    for row in data["listings"]:
        g.add_node(f"listing:{row['id']}", type="listing", label=row["title"] or row["id"], source=row["source"],
                   url=row["url"], detail=f"listed {row['listed_at'] or '?'}; {row['location'] or ''}".strip("; "))
        g.add_edge(f"seller:{row['seller_id']}", f"listing:{row['id']}", type="listed", label="listed", weight=1.0,
                   detail="")
    for m in data["matches"]:
        node = f"item:{m['item_id']}"
        g.add_node(node, type="item", label=f"{m['category']} {m['make'] or ''} {m['model'] or ''}".strip(),
                   source="registry", url=f"/item/{m['item_id']}",
                   detail=f"stolen {m['stolen_at'] or '?'}, crime reference {m['crime_ref'] or 'none'}")
        if f"listing:{m['listing_id']}" in g:
            g.add_edge(f"listing:{m['listing_id']}", node, type="match", label=f"{m['band']} match ({m['status']})",
                       weight=round(m["score"], 3), detail=f"/match/{m['id']}")
    for link in data["links"]:
        a, b = f"seller:{link['seller_a']}", f"seller:{link['seller_b']}"
        detail = link["detail"] if contacts or link["kind"] not in ("phone", "email") else f"same {link['kind']}"
        if g.has_edge(a, b):
            edge = g.edges[a, b]
            edge["label"] += f", {link['kind']}"
            edge["detail"] += f"; {detail}"
            edge["weight"] = max(edge["weight"], link["weight"])
        else:
            g.add_edge(a, b, type="link", label=link["kind"], weight=link["weight"], detail=detail)
    return g


def graphml(data: dict) -> str:
    """The network as GraphML text (networkx's writer; attributes as typed keys)."""
    return "\n".join(nx.generate_graphml(network_graph(data)))


def nodes_csv(data: dict) -> str:
    """Nodes as CSV (id, type, label, source, url, detail), every cell spreadsheet-safe."""
    g = network_graph(data)
    return _csv(NODE_FIELDS, ([node] + [attrs.get(f, "") for f in NODE_FIELDS[1:]] for node, attrs in g.nodes(data=True)))


def edges_csv(data: dict) -> str:
    """Edges as CSV (source, target, type, label, weight, detail), every cell spreadsheet-safe."""
    g = network_graph(data)
    return _csv(EDGE_FIELDS, ([a, b] + [attrs.get(f, "") for f in EDGE_FIELDS[2:]] for a, b, attrs in g.edges(data=True)))


def _csv(header, rows) -> str:
    return csv_text([header, *rows])
