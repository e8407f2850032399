"""A network as a graph: drawn as SVG on the page (laid out by networkx, nothing fetched), and exported
as GraphML or CSV nodes and edges for Gephi or i2 Analyst's Notebook.

Nodes are sellers, their listings and the stolen items matched to those listings; edges are the
links between sellers (labelled by kind), each seller's listings, and matches.
"""

from __future__ import annotations

import networkx as nx

from datasette_config.csv_safety import csv_text

WIDTH, HEIGHT, MARGIN = 900, 560, 40
LABEL_ROOM = 150  # labels are written to the right of their node
DRAWN_LISTINGS = 80  # beyond this the drawing shows sellers and matched listings only
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


def drawing(data: dict) -> dict:
    """Positions for an SVG drawing: {width, height, nodes: [{x, y, type, label, href}], edges: [...]}."""
    g = network_graph(data, contacts=False)
    if len(data["listings"]) > DRAWN_LISTINGS:
        keep_listings = {f"listing:{m['listing_id']}" for m in data["matches"]}
        g = g.subgraph([n for n in g if not n.startswith("listing:") or n in keep_listings]).copy()
    if not len(g):
        return {"width": WIDTH, "height": HEIGHT, "nodes": [], "edges": []}
    pos = nx.spring_layout(g, seed=15, k=1.6 / max(len(g), 1) ** 0.5, iterations=80, weight=None)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def place(node):
        x, y = pos[node]
        return (round(MARGIN + (x - min(xs)) / span_x * (WIDTH - 2 * MARGIN - LABEL_ROOM), 1),
                round(MARGIN + (y - min(ys)) / span_y * (HEIGHT - 2 * MARGIN), 1))

    nodes = []
    for node, attrs in g.nodes(data=True):
        x, y = place(node)
        href = attrs["url"] if attrs["type"] == "item" else (f"#{node.replace(':', '-')}")
        nodes.append({"id": node, "x": x, "y": y, "type": attrs["type"], "label": attrs["label"][:40], "href": href})
    edges = []
    for a, b, attrs in g.edges(data=True):
        (x1, y1), (x2, y2) = place(a), place(b)
        edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "type": attrs["type"],
                      "label": attrs["label"] if attrs["type"] == "link" else "",
                      "lx": round((x1 + x2) / 2, 1), "ly": round((y1 + y2) / 2 - 3, 1)})
    return {"width": WIDTH, "height": HEIGHT, "nodes": nodes, "edges": edges}


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
