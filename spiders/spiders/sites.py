"""One Scrapy spider per source in the sources file, so `scrapy list` shows the sites and
`scrapy crawl demo-dealer` crawls one. A site is configuration: its kind picks the base spider."""

from __future__ import annotations

from spiders.config import SourceError, load_sources
from spiders.spiders.feed import FeedSpider
from spiders.spiders.selectors import SelectorSpider
from spiders.spiders.structured import StructuredSpider

SPIDER_FOR_KIND = {"structured": StructuredSpider, "sitemap": StructuredSpider, "selectors": SelectorSpider,
                   "feed": FeedSpider}


def make_site_spiders() -> dict[str, type]:
    try:
        sources = load_sources()
    except SourceError:
        return {}
    made = {}
    for source in sources:
        base = SPIDER_FOR_KIND[source.kind]
        made[source.name] = type(f"Site_{source.name}", (base,), {
            "name": source.name, "source_name": source.name, "__module__": __name__,
            "__doc__": f"{source.kind} spider for the {source.name} source",
        })
    return made


globals().update({cls.__name__: cls for cls in make_site_spiders().values()})
