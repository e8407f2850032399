"""Scrapy settings for the farmwatch spiders: polite by default.

`farmwatch crawl --fast` (or FAST_SETTINGS) turns the delays off for local runs;
robots.txt is obeyed either way.
"""

import os

from spiders.config import contact_address

BOT_NAME = "farmwatch"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

FARMWATCH_VERSION = "0.1"
FARMWATCH_DB = os.environ.get("FARMWATCH_DB")
FARMWATCH_CONTACT = contact_address()
USER_AGENT = f"farmwatch/{FARMWATCH_VERSION} (stolen farm property scanner; +{FARMWATCH_CONTACT})"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each delay varies by up to ±50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
PHOTO_MAXSIZE = 20 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 5.0
RETRY_BACKOFF_MAX = 120.0
DEPTH_LIMIT = 25  # links followed from the start page (structured crawls); index-driven kinds have none
CLOSESPIDER_PAGECOUNT = 20000
CLOSESPIDER_TIMEOUT = 6 * 3600  # a crawl stopped by a limit is kept but not treated as complete
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "spiders.middlewares.SiteScopeMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    "spiders.middlewares.InternalAddressMiddleware": 560,
}
ITEM_PIPELINES = {
    "spiders.pipelines.clean.CleanFieldsPipeline": 100,
    "spiders.pipelines.identifiers.IdentifierCandidatesPipeline": 200,
    "spiders.pipelines.store.StoreListingPipeline": 300,
    "spiders.pipelines.photos.PhotosPipeline": 400,
    "spiders.pipelines.snapshot.SnapshotPipeline": 500,
    "spiders.pipelines.validators.ValidatorsPipeline": 600,
}
# Re-crawls ask only for what changed (spiders.conditional): listing pages and photos are requested with
# the validators of the last crawl, and a sitemap's lastmod spares unchanged pages. FARMWATCH_CONDITIONAL=0
# in the environment turns this off (every page fetched whole, as before; for comparison).
FARMWATCH_CONDITIONAL = os.environ.get("FARMWATCH_CONDITIONAL", "1") != "0"
EXTENSIONS = {"spiders.state.CrawlRecorder": 100}

# --fast: politeness delays off for a marketplace on this machine (robots.txt still obeyed).
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_DELAY_JITTER": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_BACKOFF_BASE": 0.0,
    "RETRY_TIMES": 1,
}
