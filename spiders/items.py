"""The item every spider yields: one listing in the import format of the listings table,
plus the raw page kept as evidence."""

import scrapy


class ListingItem(scrapy.Item):
    # the listing import format (see registry.listings.clean_listing)
    source = scrapy.Field()
    url = scrapy.Field()
    title = scrapy.Field()
    description = scrapy.Field()
    price = scrapy.Field()  # the amount (the pipeline reads it from the published text)
    price_text = scrapy.Field()  # the price as published ("£12,500 + VAT"), kept beside the amount
    currency = scrapy.Field()
    location = scrapy.Field()
    latitude = scrapy.Field()
    longitude = scrapy.Field()
    posted_at = scrapy.Field()
    category = scrapy.Field()
    make = scrapy.Field()
    model = scrapy.Field()
    year = scrapy.Field()
    colour = scrapy.Field()
    identifiers = scrapy.Field()  # list of {kind, value}
    seller = scrapy.Field()  # {name, profile_url, phone, email}
    photos = scrapy.Field()  # photo addresses
    site_name = scrapy.Field()  # the site's own name (og:site_name): never an identifier; not stored
    # evidence and bookkeeping, filled by the spider and the pipelines
    snapshot = scrapy.Field()  # the raw page bytes
    fetched_at = scrapy.Field()
    page_url = scrapy.Field()  # the address fetched (the listing's url may be its canonical one)
    listing_id = scrapy.Field()
    state = scrapy.Field()  # new, changed or unchanged
    etag = scrapy.Field()  # the page's validators, kept for the next crawl's conditional request
    last_modified = scrapy.Field()
    page_links = scrapy.Field()  # the page's own links (crawls that follow links), followed again after a 304


RECORD_FIELDS = ("source", "url", "title", "description", "price", "price_text", "currency", "location", "latitude", "longitude",
                 "posted_at", "category", "make", "model", "year", "colour", "identifiers", "seller", "photos")


def listing_record(item) -> dict:
    """The import-format record of an item (what registry.listings.clean_listing takes)."""
    return {k: item.get(k) for k in RECORD_FIELDS if item.get(k) not in (None, "", [], {})}
