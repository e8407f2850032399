"""Run one source's crawl in this process: `python -m spiders.run --db PATH --run-id N SOURCE`.

`spiders.runner.run_crawl` starts this in a subprocess per source, since Twisted's reactor
runs once per process and a crash here must not stop the other sources. Exit status 0
when the source's crawl was ok, 1 when it failed, 2 for a bad configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def build_settings(args, source):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.set("FARMWATCH_DB", str(Path(args.db).resolve()), priority="cmdline")
    settings.set("FARMWATCH_RUN_ID", args.run_id or 0, priority="cmdline")
    settings.set("FARMWATCH_PROGRESS", args.progress, priority="cmdline")
    settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    settings.set("FARMWATCH_ACCEPT_DROP", args.accept_drop, priority="cmdline")
    if args.sources:  # the contact named in the sources file in use goes into the user agent
        from spiders.config import contact_address

        contact = contact_address(args.sources)
        settings.set("USER_AGENT", f"farmwatch/{settings.get('FARMWATCH_VERSION')} (stolen farm property scanner; "
                                   f"+{contact})", priority="cmdline")
    if args.fast:
        settings.setdict(settings.getdict("FAST_SETTINGS"), priority="cmdline")
    if source.render == "browser":
        from spiders.browser import browser_settings

        settings.setdict(browser_settings(source.start_urls, settings.getfloat("DOWNLOAD_TIMEOUT")), priority="cmdline")
    for key, value in source.settings.items():
        settings.set(str(key).upper(), value, priority="cmdline")
    if args.redis:
        from spiders.distributed import redis_settings

        settings.setdict(redis_settings(args.redis, source.name), priority="cmdline")
        source.complete_index = False
    elif args.jobdir:
        from spiders.state import prepare_jobdir

        jobdir = Path(args.jobdir) / source.name
        if prepare_jobdir(jobdir) == "restart":
            print("the previous crawl was killed: starting afresh", file=sys.stderr)
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m spiders.run", description=__doc__)
    parser.add_argument("source", nargs="?", help="source name in the sources file")
    parser.add_argument("--db", required=True)
    parser.add_argument("--run-id", type=int)
    parser.add_argument("--sources", help="sources file (default spiders/sources.yaml)")
    parser.add_argument("--start-url", action="append", help="crawl this schema.org site instead of a source")
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--jobdir")
    parser.add_argument("--redis", metavar="URL", help="share the crawl with other workers through this Redis")
    parser.add_argument("--progress", action="store_true", help="print JSON progress lines on stdout")
    parser.add_argument("--log-level", default="WARNING")
    parser.add_argument("--accept-drop", action="store_true",
                        help="take this crawl's smaller numbers as the source's new normal")
    args = parser.parse_args(argv)

    from spiders.config import SourceError, select_sources, source_for_url

    try:
        if args.start_url:
            source = source_for_url(args.start_url[0])
            source.start_urls = args.start_url
        elif args.source:
            source = select_sources([args.source], args.sources)[0]
        else:
            parser.error("give a SOURCE or --start-url")
    except SourceError as exc:
        print(json.dumps({"fatal": str(exc)}), flush=True)
        return 2

    from scrapy.crawler import CrawlerProcess

    from spiders.spiders.sites import SPIDER_FOR_KIND

    process = CrawlerProcess(build_settings(args, source))
    crawler = process.create_crawler(SPIDER_FOR_KIND[source.kind])
    process.crawl(crawler, source_config=source)
    process.start()
    spider = crawler.spider
    return 0 if getattr(spider, "crawl_status", "failed") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
