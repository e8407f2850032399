"""Every page and photo of a crawl accounted for, no silent zero, and the site is the site: real
`farmwatch crawl` runs (subprocesses) over small fixture sites on 127.0.0.1.

Two host names of one registrable domain are `farm.localhost` and `www.farm.localhost` (RFC 6761
loopback names; tests/spiders/loopback_dns.py resolves them for Scrapy), and `http` to `https` is a
real change of scheme and port (a second server with a self-signed certificate)."""

import json

import pytest

from registry.db import connect
from tests.spiders.fixture_sites import ad_page, crawl, gz, index_page, jpeg, serve

RED, BLUE = jpeg((200, 30, 30)), jpeg((30, 30, 200))


def rows(db, sql, *args):
    return [tuple(r) for r in db.execute(sql, list(args)).fetchall()]


def test_start_redirect_to_www_and_https_keeps_the_crawl_on_the_site(tmp_path):
    secure = serve({}, tls=True)
    other_port = serve({"/ad/9": (200, "text/html", ad_page("Another port, another site"))})
    www = f"https://www.farm.localhost:{secure.port}"
    secure.site.update({
        "/robots.txt": (200, "text/plain", "User-agent: *\nAllow: /\n"),
        "/": (200, "text/html", index_page(["/ad/1", "/ad/2", f"http://other.localhost:{other_port.port}/ad/9",
                                            f"http://www.farm.localhost:{other_port.port}/ad/9"])),
        "/ad/1": (200, "text/html", ad_page("Kubota M5-111 tractor")),
        "/ad/2": (200, "text/html", ad_page("JCB 3CX backhoe", extra='<a href="/ad/1">again</a>')),
    })
    plain = serve({"/": ("redirect", www + "/"), "/robots.txt": (200, "text/plain", "User-agent: *\nAllow: /\n")})
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "farm", "kind": "structured",
                                      "start_urls": [f"http://farm.localhost:{plain.port}/"]}])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    db = connect(db_path)
    assert sorted(r[0] for r in rows(db, "select url from listings")) == [www + "/ad/1", www + "/ad/2"]
    assert other_port.log == []  # another host, and another port of the same host, are other sites
    outcomes = rows(db, "select url, outcome, detail from crawl_pages order by url")
    assert (www + "/ad/1", "listing", "new") in outcomes and (www + "/", "not_listing", "home page") in outcomes


def test_a_redirect_to_another_site_fails_the_crawl_by_name(tmp_path):
    elsewhere = serve({"/": (200, "text/html", index_page(["/ad/1"])), "/ad/1": (200, "text/html", ad_page("Ad"))})
    start = serve({"/": ("redirect", f"http://127.0.0.1:{elsewhere.port}/")})
    db_path = tmp_path / "fw.db"
    # localhost and 127.0.0.1 are two sites: neither has a registrable domain
    proc = crawl(db_path, tmp_path, [{"name": "moved", "kind": "structured",
                                      "start_urls": [f"http://localhost:{start.port}/"]}])
    assert proc.returncode == 1
    assert "moved" in proc.stderr and "redirects off the site" in proc.stderr
    assert elsewhere.log == []
    db = connect(db_path)
    assert rows(db, "select status from crawl_runs") == [("failed",)]
    assert rows(db, "select outcome, detail from crawl_pages") == [("failed", "redirect_off_site")]


def test_gzipped_sitemap_and_sitemap_index_from_robots_txt(tmp_path):
    server = serve({})
    base = f"http://127.0.0.1:{server.port}"
    ads = [f"{base}/ad/{n}" for n in range(1, 5)]
    urlset = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              + "".join(f"<url><loc>{u}</loc></url>" for u in ads[:3]) + "</urlset>")
    more = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{ads[3]}</loc></url><url><loc>http://elsewhere.localhost/ad/5</loc></url></urlset>")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             f"<sitemap><loc>{base}/sitemaps/ads.xml.gz</loc></sitemap><sitemap><loc>{base}/sitemaps/more.xml</loc>"
             "</sitemap></sitemapindex>")
    server.site.update({
        "/robots.txt": (200, "text/plain", f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n"),
        "/sitemap_index.xml": (200, "application/xml", index),
        "/sitemaps/ads.xml.gz": (200, "application/x-gzip", gz(urlset)),
        "/sitemaps/more.xml": (200, "text/xml", more),
        **{f"/ad/{n}": (200, "text/html", ad_page(f"Massey Ferguson 5713 number {n}")) for n in range(1, 5)},
    })
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "maps", "kind": "sitemap", "start_urls": [base + "/robots.txt"]}])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    db = connect(db_path)
    assert sorted(r[0] for r in rows(db, "select url from listings")) == ads
    refusals = json.loads(rows(db, "select refusals from crawl_runs")[0][0])
    assert refusals == {"robots.txt": 1, "sitemap index": 1, "sitemap": 2}
    assert "listings 4 new" in proc.stdout


def test_robots_txt_forbidding_everything_fails_naming_robots(tmp_path):
    server = serve({"/robots.txt": (200, "text/plain", "User-agent: *\nDisallow: /\n"),
                    "/": (200, "text/html", index_page(["/ad/1"])), "/ad/1": (200, "text/html", ad_page("Ad"))})
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "closed", "kind": "structured",
                                      "start_urls": [f"http://127.0.0.1:{server.port}/"]}])
    assert proc.returncode == 1
    assert "closed" in proc.stderr and "robots.txt forbids everything" in proc.stderr
    assert "robots.txt forbids everything" in proc.stdout  # the report's cause line
    assert server.log == ["/robots.txt"]


def test_every_ad_failing_fails_naming_the_http_errors(tmp_path):
    server = serve({"/": (200, "text/html", index_page([f"/ad/{n}" for n in range(1, 6)])),
                    **{f"/ad/{n}": (503, "text/html", "busy") for n in range(1, 6)}})
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "busy", "kind": "structured",
                                      "start_urls": [f"http://127.0.0.1:{server.port}/"]}])
    assert proc.returncode == 1
    assert "busy" in proc.stderr and "HTTP errors" in proc.stderr and "HTTP 503 x5" in proc.stderr
    db = connect(db_path)
    assert rows(db, "select outcome, detail, http_status, count(*) from crawl_pages group by 1, 2, 3 order by 1") == [
        ("failed", "http", 503, 5), ("not_listing", "home page", 200, 1)]


def test_every_page_refused_names_the_rule(tmp_path):
    wall = ("<html><head><title>Sign in to see this ad</title></head><body><h1>Sign in</h1><p>£5,000</p>"
            "<form><input type='password' name='p'></form></body></html>")
    server = serve({"/": (200, "text/html", index_page([f"/ad/{n}" for n in range(1, 4)])),
                    **{f"/ad/{n}": (200, "text/html", wall) for n in range(1, 4)}})
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "walled", "kind": "structured",
                                      "start_urls": [f"http://127.0.0.1:{server.port}/"]}])
    assert proc.returncode == 1
    assert 'by the rule "login wall"' in proc.stderr


def test_a_drop_by_more_than_half_against_the_last_good_run_fails_by_name(tmp_path):
    ads = {f"/ad/{n}": (200, "text/html", ad_page(f"Trailer number {n}")) for n in range(1, 9)}
    site = {"/": (200, "text/html", index_page(list(ads))), **ads}
    server = serve(site)
    db_path = tmp_path / "fw.db"
    source = [{"name": "shrinking", "kind": "structured", "start_urls": [f"http://127.0.0.1:{server.port}/"]}]
    assert crawl(db_path, tmp_path, source).returncode == 0
    site["/"] = (200, "text/html", index_page(list(ads)[:3]))
    proc = crawl(db_path, tmp_path, source)
    assert proc.returncode == 1
    assert "shrinking" in proc.stderr and "listings fell by more than half against the last good run #1: 8 -> 3" in proc.stderr
    again = crawl(db_path, tmp_path, source)  # still compared with the last good run, not the failed one
    assert again.returncode == 1 and "#1: 8 -> 3" in again.stderr
    accepted = crawl(db_path, tmp_path, source, "--accept-drop")
    assert accepted.returncode == 0, accepted.stderr
    assert crawl(db_path, tmp_path, source).returncode == 0  # the accepted run is the new normal
    db = connect(db_path)
    assert rows(db, "select status, compared_run_id from crawl_runs order by id") == [
        ("ok", None), ("failed", 1), ("failed", 1), ("ok", 1), ("ok", 4)]


def test_photos_per_listing_falling_by_more_than_half_fails(tmp_path):
    photos = {f"/img/{n}.jpg": (200, "image/jpeg", jpeg((n * 40, 90, 20))) for n in range(1, 5)}
    site = {"/": (200, "text/html", index_page(["/ad/1", "/ad/2"])),
            "/ad/1": (200, "text/html", ad_page("Quad bike", photos=tuple(photos))),
            "/ad/2": (200, "text/html", ad_page("Mower", photos=tuple(photos)[:2])), **photos}
    server = serve(site)
    db_path = tmp_path / "fw.db"
    source = [{"name": "gallery", "kind": "structured", "start_urls": [f"http://127.0.0.1:{server.port}/"]}]
    assert crawl(db_path, tmp_path, source).returncode == 0
    for n in range(1, 5):
        site[f"/img/{n}.jpg"] = (404, "text/html", "gone")
    site["/ad/1"] = (200, "text/html", ad_page("Quad bike", photos=("/img/new-1.jpg", "/img/new-2.jpg", "/img/new-3.jpg")))
    site["/ad/2"] = (200, "text/html", ad_page("Mower", photos=("/img/new-4.jpg",)))
    site["/img/new-1.jpg"] = (200, "image/jpeg", jpeg((1, 2, 3)))
    proc = crawl(db_path, tmp_path, source)
    assert proc.returncode == 1
    assert "photos per listing fell by more than half against the last good run #1: 3.0 -> 0.5" in proc.stderr


def test_the_same_photo_at_two_addresses_is_stored_once_and_the_duplicate_recorded(tmp_path):
    server = serve({"/": (200, "text/html", index_page(["/ad/1"])),
                    "/ad/1": (200, "text/html", ad_page("Ifor Williams trailer",
                                                        photos=("/img/red.jpg", "/cdn/copy-of-red.jpg", "/img/blue.jpg"))),
                    "/img/red.jpg": (200, "image/jpeg", RED), "/cdn/copy-of-red.jpg": (200, "image/jpeg", RED),
                    "/img/blue.jpg": (200, "image/jpeg", BLUE)})
    db_path = tmp_path / "fw.db"
    source = [{"name": "photos", "kind": "structured", "start_urls": [f"http://127.0.0.1:{server.port}/"]}]
    proc = crawl(db_path, tmp_path, source)
    assert proc.returncode == 0, proc.stderr
    db = connect(db_path)
    stored = rows(db, "select position, path is not null, phash is not null, duplicate_of from listing_photos order by position")
    assert stored == [(1, 1, 1, None), (2, 0, 0, 1), (3, 1, 1, None)]
    assert rows(db, "select position, outcome, duplicate_of from crawl_photos order by position") == [
        (1, "stored", None), (2, "duplicate", 1), (3, "stored", None)]
    assert "photos 3 kept of 3 seen (2 new, 1 duplicates stored once)" in proc.stdout
    second = crawl(db_path, tmp_path, source)
    assert second.returncode == 0, second.stderr
    assert rows(db, "select outcome, count(*) from crawl_photos where crawl_run_id = 2 group by 1") == [("unchanged", 3)]
    assert server.log.count("/cdn/copy-of-red.jpg") == 1


@pytest.mark.parametrize("base", ["http://elsewhere.localhost/", "http://127.0.0.1:9/"])
def test_a_base_href_to_another_site_is_ignored_for_links(tmp_path, base):
    server = serve({"/": (200, "text/html", f'<html><head><base href="{base}"></head><body>'
                                            '<a href="ad/1">ad</a></body></html>'),
                    "/ad/1": (200, "text/html", ad_page("Honda quad"))})
    db_path = tmp_path / "fw.db"
    proc = crawl(db_path, tmp_path, [{"name": "based", "kind": "structured",
                                      "start_urls": [f"http://127.0.0.1:{server.port}/"]}])
    assert proc.returncode == 0, proc.stderr
    assert "/ad/1" in server.log
    assert rows(connect(db_path), "select title from listings") == [("Honda quad",)]
