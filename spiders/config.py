"""Marketplace sources: one YAML file lists each site's name, spider kind, start addresses,
selectors and whether it is enabled. `farmwatch crawl` and `scrapy crawl` both read it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

DEFAULT_SOURCES = Path(__file__).resolve().parent / "sources.yaml"
KINDS = ("structured", "selectors", "feed", "sitemap")
RENDERS = ("http", "browser")
DEFAULT_CONTACT = "mailto:rural-crime@example.org"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")


class SourceError(ValueError):
    """A sources file or entry that cannot be used; the message names the file, the source and the fix."""


@dataclass
class Source:
    name: str
    kind: str
    start_urls: list[str]
    enabled: bool = True
    selectors: dict = field(default_factory=dict)
    follow_links: bool = True
    complete_index: bool = True
    photo_domains: list[str] = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    render: str = "http"  # "browser": pages fetched through Chromium (spiders.browser)

    @property
    def domains(self) -> list[str]:
        """Hosts the crawl may visit: those of the start addresses."""
        return sorted({urlsplit(u).hostname or "" for u in self.start_urls} - {""})


def sources_path(path: str | os.PathLike | None = None) -> Path:
    """The sources file: an explicit one, else $FARMWATCH_SOURCES, else spiders/sources.yaml."""
    if path:
        return Path(path)
    env = os.environ.get("FARMWATCH_SOURCES")
    return Path(env) if env else DEFAULT_SOURCES


def read_config(path: str | os.PathLike | None = None) -> dict:
    target = sources_path(path)
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise SourceError(f"{target}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise SourceError(f"{target}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("sources", []), list):
        raise SourceError(f"{target}: expected a mapping with a 'sources' list")
    return data


def contact_address(path: str | os.PathLike | None = None) -> str:
    """The contact put in the user agent: $FARMWATCH_CONTACT, else the sources file's `contact`."""
    if os.environ.get("FARMWATCH_CONTACT"):
        return os.environ["FARMWATCH_CONTACT"]
    try:
        return str(read_config(path).get("contact") or DEFAULT_CONTACT)
    except SourceError:
        return DEFAULT_CONTACT


def parse_source(raw, where: str) -> Source:
    if not isinstance(raw, dict):
        raise SourceError(f"{where}: each source must be a mapping with name, kind and start_urls")
    name = str(raw.get("name") or "")
    if not _NAME.match(name):
        raise SourceError(f'{where}: name "{name}" must be lower-case letters, digits, . _ or -')
    kind = str(raw.get("kind") or "structured")
    if kind not in KINDS:
        raise SourceError(f'{where} ({name}): kind "{kind}" is not one of {", ".join(KINDS)}')
    urls = raw.get("start_urls") or []
    if isinstance(urls, str):
        urls = [urls]
    bad = [u for u in urls if not re.match(r"^https?://[^\s/]+", str(u))]
    if not urls or bad:
        raise SourceError(f"{where} ({name}): start_urls needs http(s) addresses" + (f", not {bad[0]!r}" if bad else ""))
    selectors = raw.get("selectors") or {}
    if not isinstance(selectors, dict):
        raise SourceError(f"{where} ({name}): selectors must be a mapping of field: expression")
    render = str(raw.get("render") or "http")
    if render not in RENDERS:
        raise SourceError(f'{where} ({name}): render "{render}" is not one of {", ".join(RENDERS)}')
    if kind == "selectors" and not selectors.get("title"):
        raise SourceError(f"{where} ({name}): a selectors source needs at least a 'title' selector")
    return Source(
        name=name, kind=kind, start_urls=[str(u) for u in urls], enabled=bool(raw.get("enabled", True)),
        selectors=selectors, follow_links=bool(raw.get("follow_links", kind == "structured")),
        complete_index=bool(raw.get("complete_index", kind != "feed")),
        photo_domains=[str(d).lower() for d in raw.get("photo_domains") or []],
        settings=dict(raw.get("settings") or {}), render=render,
    )


def load_sources(path: str | os.PathLike | None = None) -> list[Source]:
    """Every source in the file, enabled or not; raises SourceError naming the bad entry."""
    target = sources_path(path)
    sources, names = [], set()
    for n, raw in enumerate(read_config(target).get("sources") or [], start=1):
        source = parse_source(raw, f"{target} source {n}")
        if source.name in names:
            raise SourceError(f"{target} source {n}: the name {source.name} is used twice")
        names.add(source.name)
        sources.append(source)
    return sources


def select_sources(names: list[str] | None, path: str | os.PathLike | None = None) -> list[Source]:
    """The named sources (enabled or not), or all enabled ones when no names are given."""
    sources = load_sources(path)
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SourceError(f"unknown source {unknown[0]!r} in {sources_path(path)}; known: "
                          + (", ".join(by_name) or "none"))
    return [by_name[n] for n in names]


def source_for_url(url: str) -> Source:
    """A source for `--start-url`: a schema.org crawl of that site, named by its host."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or not re.match(r"^https?://", url):
        raise SourceError(f'--start-url "{url}" is not an http(s) address')
    port = urlsplit(url).port
    name = re.sub(r"[^a-z0-9_.-]", "-", host + (f"-{port}" if port else ""))[:63]
    return Source(name=name, kind="structured", start_urls=[url])
