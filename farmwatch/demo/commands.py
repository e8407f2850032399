"""`farmwatch market`: serve the demonstration marketplace in the foreground."""

from __future__ import annotations

import argparse
import sys
import time


def cmd_market(args) -> int:
    from farmwatch.demo.market.server import start_market
    from farmwatch.demo.market.sources import write_sources
    from farmwatch.demo.scenario import build_scenario

    print("Building the demonstration marketplace ...", file=sys.stderr)
    scenario = build_scenario(args.seed)
    server, base_url = start_market(scenario, host=args.host, port=args.port, variant=args.variant)
    if args.write_sources:
        write_sources(base_url, args.write_sources)
    try:  # from the first line printed, Ctrl-C stops the market cleanly (exit 0)
        print(f"Demonstration marketplace (variant {args.variant}) at {base_url}/ : /classifieds/, /dealer/, "
              f"/feeds/saved-search.rss. Ctrl-C to stop.", flush=True)
        if args.port == 8002 and not args.write_sources:
            print("spiders/sources.yaml points here: run 'farmwatch crawl --fast' in another terminal.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "market", help="serve the demonstration marketplace",
        description="Serve the deterministic demonstration marketplace (classifieds, dealer, auction RSS) in the "
                    "foreground. Variant 1 is 'the next night': some listings removed, repriced or new.")
    p.add_argument("--port", type=int, default=8002, help="port (default 8002, which spiders/sources.yaml uses)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--variant", type=int, choices=(0, 1), default=0, help="0 tonight, 1 the next night")
    p.add_argument("--seed", type=int, default=7, help="scenario seed (default 7)")
    p.add_argument("--write-sources", metavar="FILE", help="write a sources file pointing at this market")
    p.set_defaults(handler=cmd_market)
