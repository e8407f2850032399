"""The cron and systemd examples in deploy/ are valid and run commands that exist."""

import configparser
import shlex
from pathlib import Path

import pytest

from farmwatch.cli import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / name)
    return parser


def _farmwatch_args(command: str) -> list[str]:
    words = shlex.split(command)
    start = next(i for i, w in enumerate(words) if w.endswith("/farmwatch"))
    return words[start + 1:]


@pytest.mark.parametrize("unit, command", [("farmwatch-nightly.service", "nightly"),
                                           ("farmwatch-serve.service", "serve")])
def test_service_units_run_real_commands(unit, command):
    service = _unit(unit)["Service"]
    args = _farmwatch_args(service["ExecStart"])
    assert args[0] == command
    parsed = build_parser().parse_args(args)
    assert parsed.command == command
    assert service["WorkingDirectory"] in service["ExecStart"]


def test_nightly_service_is_oneshot_and_timer_is_nightly_and_persistent():
    assert _unit("farmwatch-nightly.service")["Service"]["Type"] == "oneshot"
    timer = _unit("farmwatch-nightly.timer")["Timer"]
    assert timer["OnCalendar"] == "*-*-* 03:15:00"
    assert timer["Persistent"] in ("yes", "true")


def test_cron_lines_are_valid_and_parse():
    lines = [line for line in (DEPLOY / "farmwatch.cron").read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert len(lines) == 2
    for line in lines:
        fields = line.split(None, 5)
        minute, hour = int(fields[0]), int(fields[1])
        assert 0 <= minute < 60 and 0 <= hour < 24 and fields[2:5] == ["*", "*", "*"]
        command = fields[5].split("&&", 1)[1]
        parsed = build_parser().parse_args(_farmwatch_args(command))
        assert parsed.command in ("nightly", "backup")


def test_nightly_progress_lines_read_well_for_crawl_and_match_events():
    from farmwatch.operations import describe_progress

    crawl = describe_progress({"source": "demo-dealer", "pages": 12, "listings_new": 5, "listings_changed": 1,
                               "photos_stored": 7, "errors": 0})
    assert crawl == "crawling demo-dealer: 12 pages, 6 listings, 7 photos, 0 errors"
    assert describe_progress(1500, 20000) == "matching: 1,500/20,000 listings"
