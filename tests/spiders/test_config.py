"""The sources file: reading, validation messages, choosing sources, --start-url sources."""

import pytest

from spiders.config import SourceError, load_sources, select_sources, source_for_url
from spiders.spiders.sites import make_site_spiders


def write(tmp_path, text):
    path = tmp_path / "sources.yaml"
    path.write_text(text)
    return path


def test_default_sources_file_loads_and_makes_one_spider_per_source():
    names = [s.name for s in load_sources()]
    assert names == ["demo-classifieds", "demo-dealer", "demo-auctions"]
    assert set(make_site_spiders()) == set(names)


@pytest.mark.parametrize("text, message", [
    ("sources: [{name: Bad Name, kind: feed, start_urls: [http://x]}]", "must be lower-case"),
    ("sources: [{name: a, kind: magic, start_urls: [http://x]}]", 'kind "magic" is not one of'),
    ("sources: [{name: a, kind: feed, start_urls: [ftp://x]}]", "start_urls needs http"),
    ("sources: [{name: a, kind: selectors, start_urls: [http://x]}]", "needs at least a 'title' selector"),
    ("sources: [{name: a, start_urls: [http://x]}, {name: a, start_urls: [http://y]}]", "used twice"),
    ("sources: [unclosed", "not valid YAML"),
    ("- just a list", "expected a mapping"),
])
def test_bad_sources_files_name_the_problem(tmp_path, text, message):
    with pytest.raises(SourceError, match=message):
        load_sources(write(tmp_path, text))


def test_select_sources_enabled_by_default_and_named_even_if_disabled(tmp_path):
    path = write(tmp_path, "sources:\n- {name: alpha, start_urls: [http://a.example/]}\n"
                           "- {name: beta, enabled: false, kind: feed, start_urls: [http://b.example/f.rss]}\n")
    assert [s.name for s in select_sources(None, path)] == ["alpha"]
    assert [s.name for s in select_sources(["beta"], path)] == ["beta"]
    assert select_sources(["beta"], path)[0].complete_index is False
    with pytest.raises(SourceError, match="unknown source 'nope'.*known: alpha, beta"):
        select_sources(["nope"], path)


def test_source_for_url():
    source = source_for_url("http://127.0.0.1:8002/dealer/")
    assert (source.name, source.kind, source.domains) == ("127.0.0.1-8002", "structured", ["127.0.0.1"])
    with pytest.raises(SourceError):
        source_for_url("file:///etc/passwd")
