"""What a person reads on a page, as lines: block elements, line breaks and table cells end a line,
so a phone number in one cell and "Fax:" in the next never fuse into one token. From those
lines and the page's tables and definition lists come its label/value pairs.
"""

from __future__ import annotations

import re

SKIP = {"script", "style", "noscript", "template", "svg", "head", "select", "option", "button", "iframe", "canvas",
        "textarea"}
BLOCK = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5",
         "h6", "section", "article", "header", "footer", "nav", "aside", "main", "form", "fieldset", "legend",
         "blockquote", "pre", "hr", "address", "figure", "figcaption", "center", "caption", "tbody", "thead"}
CHROME = {"nav", "footer", "header", "aside"}
_LINE_LABEL = re.compile(r"^\s*([^\W\d][\w .'/#°()\-]{0,38}?)\s*[:：]\s+(\S.{0,200}?)\s*$")
_LABEL_CLASS = re.compile(r"(?:^|[\s_-])(?:labels?|key|name|term)(?:\s|$)", re.I)
_VALUE_CLASS = re.compile(r"(?:^|[\s_-])(?:values?|val|data|desc)(?:\s|$)", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:hidden|d-none|is-hidden|invisible|sr-only|visually-hidden|screen-reader-text"
                           r"|hide)(?:\s|$)", re.I)


def is_hidden(el) -> bool:
    """True for an element a person does not see: the `hidden` attribute, `aria-hidden="true"`, an
    inline style of `display: none` or `visibility: hidden`, or a class that only hides (`hidden`,
    `d-none`, `sr-only`, `visually-hidden`, ...)."""
    if not isinstance(el.tag, str):
        return False
    return (el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true"
            or bool(_HIDDEN_STYLE.search(el.get("style") or "")) or bool(_HIDDEN_CLASS.search(el.get("class") or "")))


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def walk(root):
    """("start"|"end", node) for every element and comment under root, without recursion
    (lxml's iterwalk leaves comments out, and real pages keep text after them)."""
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            yield "end", node
            continue
        yield "start", node
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def render_lines(root, *, skip_chrome: bool = False, skip_hidden: bool = False) -> list[str]:
    """The element's visible text as lines (iterative: pages nest thousands of tags deep). With
    skip_hidden, text in hidden elements (is_hidden) is left out too, as for a headline; without it
    hidden text is kept (a spec table in a closed tab is still the ad's)."""
    out: list[str] = []
    skipping = 0
    for event, el in walk(root):
        if not isinstance(el.tag, str):  # a comment or processing instruction: only its tail is text
            if event == "start" and not skipping and el.tail:
                out.append(el.tail)
            continue
        tag = _tag(el)
        hidden = tag in SKIP or (skip_chrome and tag in CHROME) or (skip_hidden and el is not root and is_hidden(el))
        if event == "start":
            if hidden:
                skipping += 1
                continue
            if skipping:
                continue
            if tag in BLOCK or tag == "br":
                out.append("\n")
            if el.text:
                out.append(el.text)
        else:
            if hidden:
                skipping -= 1
            elif not skipping and tag in BLOCK:
                out.append("\n")
            if not skipping and el.tail and el is not root:
                out.append(el.tail)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n")]
    return [line for line in lines if line]


def _cell_text(el) -> str:
    """A cell's lines joined by newlines (a value's first line is its main part)."""
    return "\n".join(render_lines(el)).strip()


def _looks_like_label(text: str) -> bool:
    return 0 < len(text) <= 40 and "\n" not in text and bool(re.search(r"[^\W\d]", text))


def spec_pairs(root) -> list[tuple[str, str]]:
    """(label, value) pairs from dl/dt/dd, two-column (or label/value/label/value) table rows,
    label/value class pairs and `Label: value` lines, in page order of kind."""
    pairs: list[tuple[str, str]] = []
    for dt in root.iter("dt"):
        dd = dt.getnext()
        if dd is not None and _tag(dd) == "dd":
            pairs.append((_cell_text(dt), _cell_text(dd)))
    for row in root.iter("tr"):
        cells = [c for c in row if _tag(c) in ("td", "th")]
        if len(cells) < 2 or len(cells) % 2 or len(cells) > 8:
            continue
        texts = [_cell_text(c) for c in cells]
        if any(len(t) > 300 for t in texts):
            continue
        for n in range(0, len(texts), 2):
            if _looks_like_label(texts[n]) and texts[n + 1]:
                pairs.append((texts[n], texts[n + 1]))
    for el in root.iter():
        if isinstance(el.tag, str) and _LABEL_CLASS.search(el.get("class") or ""):
            sibling = el.getnext()
            if sibling is not None and _VALUE_CLASS.search(sibling.get("class") or ""):
                label, value = _cell_text(el), _cell_text(sibling)
                if _looks_like_label(label) and value:
                    pairs.append((label, value))
    for line in render_lines(root, skip_chrome=True):
        match = _LINE_LABEL.match(line)
        if match:
            pairs.append((match[1], match[2]))
    return [(label.strip().rstrip(":：").strip(), value.strip()) for label, value in pairs if value.strip()]
