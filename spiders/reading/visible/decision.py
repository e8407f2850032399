"""Whether a page shows one ad: not the site's home page, a login wall, an expired notice, or a page of
result cards (a list of other pages' ads), and some sign of an ad (a price, words standing for one,
an identifier, spec fields). The rule is written down in docs/spiders.md, "Listing or not".
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from spiders.reading.price import MONEY
from spiders.reading.visible.lines import CHROME, SKIP, render_lines, walk

_LOGIN = re.compile(r"\b(log ?in|sign ?in|login|anmelden|einloggen|connexion|se connecter|inloggen|aanmelden|zaloguj|"
                    r"prisijungti|autentificare|iniciar sesi[oó]n|accedi|entrar|logg inn|logga in|log ind)\b", re.I)
_GONE = re.compile(r"(posting|listing|advert|ad|item|auction) (has|have) (expired|ended|been (deleted|removed|withdrawn))|"
                   r"no longer (available|listed|active)|nicht mehr verf[uü]gbar|n'est plus disponible|"
                   r"niet meer beschikbaar|nie jest ju[zż] dost[eę]pne|non [eè] pi[uù] disponibile|"
                   r"ya no est[aá] disponible|er ikke lenger tilgjengelig|[aä]r inte l[aä]ngre tillg[aä]nglig|"
                   r"er ikke l[ae]ngere tilg[aæ]ngelig|nu mai este disponibil|nebegalioja", re.I)
_INLINE = ("span", "b", "strong", "em", "font", "small")
_CARD_BLOCKS = {"li", "tr", "p", "article", "div", "section", "td"}
_NO_PRICE = re.compile(r"\b(?:p\.?o\.?a\.?|price on (?:application|request)|ono|o\.n\.o|offers(?: over| around| invited)?|"
                       r"or best offer|make an offer|current bid|high(?:est)? bid|starting bid|opening bid|bid now|"
                       r"place a bid|reserve not met|no reserve|contact (?:us |seller )?for (?:a )?price|ask for price|"
                       r"preis auf anfrage|verhandlungsbasis|vb|prix sur demande|[àa] d[ée]battre|ench[èe]re actuelle|"
                       r"prijs op aanvraag|bieden vanaf|huidig bod|cena do negocjacji|zapytaj o cen[eę]|aktualna oferta|"
                       r"precio a consultar|puja actual|prezzo su richiesta|offerta attuale|pris p[åa] (?:foresp[øo]rsel|"
                       r"beg[äa]ran)|h[øo]yeste bud|h[öo]gsta bud)\b", re.I)
_PAGE_PARAM = re.compile(r"[?&](?:page|p|pg|pagina|seite|strona|sida|side|o)=\d+|/page/\d+|/p\d+/?$", re.I)
_PAGE_WORD = re.compile(r"^\W*(?:prev(?:ious)?|next|older|newer|zur[uü]ck|weiter|vorherige|n[aä]chste|pr[ée]c[ée]dent|"
                        r"suivant|vorige|volgende|poprzednia|nast[eę]pna|anterior|siguiente|precedente|successiva|"
                        r"forrige|neste|f[oö]reg[aå]ende|n[aä]sta)\b", re.I)
_PAGE_OF = re.compile(r"\b(?:page|seite|pagina|strona|sida|side)\s+\d+\s+(?:of|von|de|di|z|av|af)\s+\d+\b", re.I)


def _text(node) -> str:
    return " ".join(render_lines(node)).strip() if node is not None else ""


def result_cards(doc, url: str) -> list:
    """Result cards: blocks that hold both a price and a link to another page (the card's element)."""
    cards, hrefs = [], set()
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag.lower() not in _CARD_BLOCKS:
            continue
        own = (el.text or "") + "".join((c.tail or "") + ("".join(c.itertext()) if c.tag in _INLINE else "")
                                        for c in el if isinstance(c.tag, str))
        if not MONEY.search(own):
            continue
        block = el
        for _ in range(3):
            if next(block.iter("h1"), None) is not None:
                break  # the page's own headline: its main content, not a card
            links = [a.get("href") for a in block.iter("a") if a.get("href")]
            links = [urljoin(url, h).split("#")[0] for h in links if not h.startswith(("#", "javascript:", "mailto:"))]
            links = [h for h in links if h != url.split("#")[0]]
            if links:
                if links[0] not in hrefs:
                    hrefs.add(links[0])
                    cards.append(block)
                break
            block = block.getparent()
            if block is None:
                break
    return cards


def inside_cards(cards: list) -> set:
    """The elements inside result cards (the elements themselves: lxml's proxies stay the same while
    referenced, whereas ids of dropped proxies are reused)."""
    return {node for card in cards for node in card.iter()}


def paginated(doc) -> bool:
    """True when the page links to other pages of a list: rel=next/prev, "Next"/"Previous" links in
    the market's languages, page-number parameters (?page=2, /page/3) or "Page 3 of 3"."""
    for link in doc.iter("a", "link"):
        rel = (link.get("rel") or "").lower().split()
        if "next" in rel or "prev" in rel or "previous" in rel:
            return True
        href = link.get("href") or ""
        if _PAGE_PARAM.search(href) or (link.tag == "a" and _PAGE_WORD.match(_text(link))):
            return True
    return any(_PAGE_OF.search(line) for line in render_lines(doc, skip_chrome=False)[:400])


def _own_text(doc, inside: set) -> int:
    """Characters of visible text outside result cards and page chrome."""
    total = 0
    for event, el in walk(doc):
        if event != "start" or not isinstance(el.tag, str) or el in inside:
            continue
        if el.tag.lower() in SKIP or el.tag.lower() in CHROME or any(a in inside for a in el.iterancestors()):
            continue
        total += len((el.text or "").strip())
    return total


def ad_signal(fields: dict, identifiers: list) -> bool:
    """Whether a page without a price still shows an ad: a labelled price (however written), an
    identifier, or two spec fields of an item (make, model, year, hours, colour)."""
    if identifiers or "price" in fields:
        return True
    return sum(1 for f in ("make", "model", "year", "hours", "colour") if fields.get(f)) >= 2


def price_words(doc, inside: set) -> bool:
    """Words that stand for an asking price ("POA", "Offers", "Current bid", "Preis auf Anfrage",
    ...) written where a price is (a short text of its own, not a link, not in the page's chrome or
    a result card): an ad without a readable price is still an ad."""
    for event, el in walk(doc):
        if event != "start" or not isinstance(el.tag, str) or el in inside or el.tag.lower() in SKIP:
            continue
        text = (el.text or "").strip()
        if not text or len(text) > 60 or el.tag.lower() == "a" or not _NO_PRICE.search(text):
            continue
        ancestors = list(el.iterancestors())
        if not any(a in inside or (isinstance(a.tag, str) and a.tag.lower() in CHROME | {"a"}) for a in ancestors):
            return True
    return False


def not_listing(doc, url: str, title: str | None, *, cards: list | None = None, own_price: bool = True) -> str | None:
    """Why a page without a structured listing is not one (a reason), or None when it may be one:
    the site's home page, a login wall (a password field, or a log-in title), an expired or removed
    notice near the top, three or more result cards (a link to another page and a price together),
    or a page whose only prices are in result cards (even one, as on the last page of a category)
    when it is one page of a list or holds little text of its own."""
    parts = urlsplit(url)
    if parts.path.strip("/") in ("", "index.html", "index.php", "home") and not parts.query:
        return "the site's home page"
    titles = [title or ""] + [t.text_content() for t in doc.iter("title")][:1]
    if any((i.get("type") or "").lower() == "password" for i in doc.iter("input")) or any(map(_LOGIN.search, titles)):
        return "a login wall"
    if any(_GONE.search(line) for line in render_lines(doc, skip_chrome=True)[:60]):
        return "an expired or removed notice"
    cards = result_cards(doc, url) if cards is None else cards
    if len(cards) >= 3:
        return f"{len(cards)} result cards"
    if cards and not own_price and (paginated(doc) or _own_text(doc, inside_cards(cards)) < 200):
        return f"{len(cards)} result card{'s' if len(cards) > 1 else ''} and no price of its own"
    return None

