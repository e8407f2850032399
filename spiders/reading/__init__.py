"""Reading one marketplace page into a listing record, without Scrapy (pure functions over HTML text,
tested on saved pages).

Organised by where the data comes from:

- `schema/`: the page's schema.org data (JSON-LD read leniently, microdata, RDFa) as one graph, and
  the listing groups in it;
- `state`: the state a page keeps in JSON attributes and scripts (galleries, the ad object: seller, place);
- `visible/`: what a person sees on the page (headline, price, spec tables, place, seller, images);
- `selectors`: fields a source's configuration reads by CSS or XPath; `labels`: the printed labels
  of spec tables in each market's language, mapped to fields;
- shared rules: `decode` (bytes to text as browsers decide), `price` (where the price is written; its
  amount is read once, at storage), `currency` (from the page's evidence, else unknown), `photos`
  (one photo per picture, placeholders refused), `values` (what can be an identifier), `text`
  (plain text out of markup, identifier candidates in free text).

`listing.extract_listing` puts them together: the page's one listing (or None) and notes on what could
not be read.
"""
