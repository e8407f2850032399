"""Reading a marketplace page into a listing record, whatever the site: `graph` (the schema.org graph
from JSON-LD via `jsonld`, microdata, RDFa), `entities` (a listing group of that graph as a record),
`reader` and `pagetext` (what a careful reader takes from the visible page), `labels`, `values` and
`text` (labelled values and identifier candidates), `gallery` (the photo gallery), `fields` (declared
selectors), `feeds` (RSS, Atom, sitemaps), `extraction` (all of these together for one page)."""
