"""A network drawn by Graphviz (Debian's `graphviz` package, its `dot` program) as SVG on the server.

Each seller is a box (a Graphviz cluster) holding its listings, so listings are grouped under their
seller; stolen items matched to a listing are red diamonds beside it and the listing is shaded red.
Evidence is bundled: a value several sellers share (a phone number, an e-mail address, a profile, an
identifier, a handle) is one hexagon joined to each of them (its last three characters shown), so
seven handles behind one number draw seven lines, not twenty-one; photo and text links are one edge
per pair of sellers, labelled once with every kind between them and thicker the stronger it is.
`dot` places node and edge labels so that they never overlap (it routes each label as a node of its
own). The SVG holds no script and no style attribute; its links point only to this workspace's own
pages and anchors.
"""

from __future__ import annotations

import re
import shutil
import subprocess

LISTINGS_PER_SELLER = 8  # listings drawn under a seller (matched ones first); 3 when the network has many sellers
MANY_SELLERS = 4
LABEL_CHARS = 32
DOT_SECONDS = 20
SELLER_COLOUR, MATCH_COLOUR, LINK_COLOUR = "#1f5fa8", "#b00020", "#1f5fa8"
SHARED_VALUE_KINDS = ("phone", "email", "profile", "identifier", "handle")  # drawn as one node their sellers meet at


class DrawingError(RuntimeError):
    """Graphviz is missing or failed; the message says what to do."""


def _quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\\n`, cut short."""
    text = " ".join(str(text).split())
    if len(text) > LABEL_CHARS:
        text = text[:LABEL_CHARS - 1] + "…"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot_source(data: dict) -> str:
    """The DOT text of a loaded network (see queries.networks.load_network); no contact details in it."""
    matched: dict[str, list[dict]] = {}
    for m in data["matches"]:
        matched.setdefault(m["listing_id"], []).append(m)
    by_seller: dict[int, list[dict]] = {}
    for row in data["listings"]:
        by_seller.setdefault(row["seller_id"], []).append(row)
    lines = ['graph network {', '  graph [rankdir=LR, fontname="sans-serif", fontsize=11, nodesep=0.25, ranksep=0.6, '
             'newrank=true, compound=true];', '  node [fontname="sans-serif", fontsize=10];',
             '  edge [fontname="sans-serif", fontsize=10];']
    for s in data["sellers"]:
        sid = s["id"]
        lines.append(f'  subgraph cluster_{sid} {{')
        lines.append(f'    graph [label={_quote(s["source"])}, color="#9ab", fontcolor="#567", style=rounded];')
        lines.append(f'    "s{sid}" [label={_quote(s["label"])}, shape=ellipse, style=filled, fillcolor="{SELLER_COLOUR}", '
                     f'fontcolor=white, href="/seller/{sid}", tooltip={_quote("seller " + s["label"])}];')
        rows = by_seller.get(sid, [])
        shown = [r for r in rows if r["id"] in matched]
        room = LISTINGS_PER_SELLER if len(data["sellers"]) <= MANY_SELLERS else 3
        shown += [r for r in rows if r not in shown][:max(0, room - len(shown))]
        for row in shown:
            hit = row["id"] in matched
            fill = f', style=filled, fillcolor="#f6d5da", color="{MATCH_COLOUR}"' if hit else ""
            lines.append(f'    "l{_safe(row["id"])}" [label={_quote(row["title"] or row["id"])}, shape=box{fill}, '
                         f'href="#listing-{_safe(row["id"])}", tooltip={_quote("listing " + (row["title"] or ""))}];')
            lines.append(f'    "s{sid}" -- "l{_safe(row["id"])}" [color="#bbb"];')
        if len(rows) > len(shown):
            lines.append(f'    "more{sid}" [label="{len(rows) - len(shown)} more listings", shape=note, color="#bbb"];')
            lines.append(f'    "s{sid}" -- "more{sid}" [color="#bbb"];')
        lines.append('  }')
    drawn = {row["id"] for rows in by_seller.values() for row in rows}
    for listing_id, found in matched.items():
        for m in found:
            label = f"stolen {m['category']} {m['make'] or ''} {m['model'] or ''}".strip()
            lines.append(f'  "i{m["item_id"]}" [label={_quote(label)}, shape=diamond, style=filled, '
                         f'fillcolor="{MATCH_COLOUR}", fontcolor=white, href="/item/{int(m["item_id"])}"];')
            if listing_id in drawn:
                lines.append(f'  "l{_safe(listing_id)}" -- "i{m["item_id"]}" [color="{MATCH_COLOUR}", '
                             f'label={_quote(m["band"] + " match")}, fontcolor="{MATCH_COLOUR}"];')
    shared: dict[tuple[str, str], set[int]] = {}
    pairs: dict[tuple[int, int], list[dict]] = {}
    for link in data["links"]:
        if link["kind"] in SHARED_VALUE_KINDS and link.get("value"):
            shared.setdefault((link["kind"], link["value"]), set()).update((link["seller_a"], link["seller_b"]))
        else:
            pairs.setdefault((link["seller_a"], link["seller_b"]), []).append(link)
    for n, ((kind, value), holders) in enumerate(sorted(shared.items(), key=lambda kv: (kv[0][0], kv[0][1]))):
        lines.append(f'  "v{n}" [label={_quote(f"same {kind} …{value[-3:]}")}, shape=hexagon, style=filled, '
                     f'fillcolor="#dfe9f5", color="{LINK_COLOUR}", fontcolor="{LINK_COLOUR}"];')
        for sid in sorted(holders):
            lines.append(f'  "v{n}" -- "s{sid}" [color="{LINK_COLOUR}", penwidth=2.5];')
    for (a, b), links in pairs.items():
        kinds = sorted({k["kind"] for k in links})
        weight = max(k["weight"] for k in links)
        lines.append(f'  "s{a}" -- "s{b}" [label={_quote(", ".join(kinds))}, color="{LINK_COLOUR}", '
                     f'fontcolor="{LINK_COLOUR}", penwidth={1 + 3 * weight:.1f}];')
    lines.append('}')
    return "\n".join(lines)


def _safe(value) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]", "_", str(value))


def render_svg(source: str) -> str:
    """SVG markup of a DOT text, laid out by `dot`; the XML prolog and doctype left out so it can sit
    inside a page. Raises DrawingError when Graphviz is not installed or fails."""
    program = shutil.which("dot")
    if program is None:
        raise DrawingError("Graphviz is not installed on the server (Debian: apt-get install graphviz)")
    try:
        done = subprocess.run([program, "-Tsvg"], input=source.encode(), capture_output=True, timeout=DOT_SECONDS,
                              check=False)
    except subprocess.TimeoutExpired:
        raise DrawingError(f"Graphviz took more than {DOT_SECONDS} s to lay out this network") from None
    if done.returncode != 0:
        raise DrawingError(f"Graphviz failed: {done.stderr.decode(errors='replace').strip()[:200]}")
    svg = done.stdout.decode()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    return re.sub(r'\sstyle="[^"]*"', "", svg)


def network_svg(data: dict) -> tuple[str | None, str | None]:
    """(SVG markup, None) for the network, or (None, why it could not be drawn)."""
    if not data["sellers"]:
        return None, "nothing to draw"
    try:
        return render_svg(dot_source(data)), None
    except DrawingError as exc:
        return None, str(exc)
