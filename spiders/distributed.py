"""Crawling one source with several worker processes through a shared Redis (scrapy-redis).

Every worker started with the same Redis URL and source shares one request queue and one
duplicate filter, so each page is fetched by exactly one of them. The spiders keep no state
of their own, which is what makes this work. Removal detection is off in this mode: no single
worker sees the whole index, so none may conclude that an absent listing was removed.
"""

from __future__ import annotations

from urllib.parse import urlsplit


class RedisUrlError(ValueError):
    """A --redis value that is not a redis:// address."""


def check_redis_url(url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise RedisUrlError(f'--redis "{url}" should look like redis://127.0.0.1:6379/0')
    return url


def redis_settings(redis_url: str, source_name: str) -> dict:
    """Scrapy settings that put the scheduler queue and duplicate filter of a source in Redis."""
    prefix = f"farmwatch:{source_name}"
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 2,
        "REDIS_URL": check_redis_url(redis_url),
        "JOBDIR": None,
    }
