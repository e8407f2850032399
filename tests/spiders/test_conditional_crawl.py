"""Re-crawls that ask only for what changed, with real `farmwatch crawl` runs (subprocesses) against
servers on 127.0.0.1 that validate well (strong ETags, sitemap lastmod) or badly (weak ETags, ETags that
change on every answer, a Last-Modified in the future or unreadable, a 304 nobody asked for, a 304
contradicting what was asked). Nothing may be lost, and nothing changed may pass as unchanged."""

from __future__ import annotations

import hashlib
from email.utils import formatdate

from registry.db import connect
from tests.spiders.fixture_sites import ad_page, crawl, index_page, jpeg
from tests.spiders.validating_site import Page, serve_validating

RED, GREEN, BLUE = jpeg((200, 30, 30)), jpeg((30, 160, 30)), jpeg((30, 30, 200))


def rows(db, sql, *args):
    return [tuple(r) for r in db.execute(sql, list(args)).fetchall()]


def source(server, name="farm", kind="structured", start="/"):
    return [{"name": name, "kind": kind, "start_urls": [server.base + start]}]


def requests_of(server, start: int, prefix: str) -> list[tuple]:
    return [entry for entry in server.log[start:] if entry[0].startswith(prefix)]


def test_an_unchanged_site_answers_304_and_a_changed_photo_is_fetched_for_the_new_version(tmp_path):
    pages = {"/": Page(index_page(["/ad/1", "/ad/2"])),
             "/ad/1": Page(ad_page("Kubota M5-111", photos=("/img/1a.jpg", "/img/1b.jpg"))),
             "/ad/2": Page(ad_page("JCB 3CX", photos=("/img/2a.jpg",))),
             "/img/1a.jpg": Page(RED, "image/jpeg"), "/img/1b.jpg": Page(GREEN, "image/jpeg"),
             "/img/2a.jpg": Page(BLUE, "image/jpeg")}
    server = serve_validating(pages)
    db_path = tmp_path / "fw.db"
    assert crawl(db_path, tmp_path, source(server)).returncode == 0

    mark = len(server.log)
    again = crawl(db_path, tmp_path, source(server))
    assert again.returncode == 0, again.stderr
    assert all(inm for _, inm, _ in requests_of(server, mark, "/ad/"))  # asked conditionally
    assert requests_of(server, mark, "/img/") == []  # stored photos are not fetched again
    db = connect(db_path)
    assert rows(db, "select url, outcome, detail, http_status from crawl_pages where crawl_run_id = 2 "
                    "and url like '%/ad/%' order by url") == [
        (server.base + "/ad/1", "listing", "unchanged", 304), (server.base + "/ad/2", "listing", "unchanged", 304)]
    assert rows(db, "select outcome, count(*) from crawl_photos where crawl_run_id = 2 group by 1") == [("unchanged", 3)]
    # the health rules count the 304 listings and their photos as still there
    assert rows(db, "select status, listings_seen, listings_unchanged, listings_not_modified, photos_unchanged, "
                    "compared_run_id from crawl_runs where id = 2") == [("ok", 2, 2, 2, 3, 1)]

    # the seller edits ad 1 and puts a new picture at the old address of its first photo
    pages["/ad/1"] = Page(ad_page("Kubota M5-111", price="£39,000", photos=("/img/1a.jpg", "/img/1b.jpg")))
    pages["/img/1a.jpg"] = Page(jpeg((250, 200, 10)), "image/jpeg")
    mark = len(server.log)
    third = crawl(db_path, tmp_path, source(server))
    assert third.returncode == 0, third.stderr
    photo_asks = {path: inm for path, inm, _ in requests_of(server, mark, "/img/")}
    assert set(photo_asks) == {"/img/1a.jpg", "/img/1b.jpg"} and all(photo_asks.values())
    assert rows(db, "select url, detail from crawl_pages where crawl_run_id = 3 and url like '%/ad/%' order by url") == [
        (server.base + "/ad/1", "changed"), (server.base + "/ad/2", "unchanged")]
    assert rows(db, "select position, outcome from crawl_photos where crawl_run_id = 3 and url like '%/img/1%' "
                    "order by position") == [(1, "stored"), (2, "unchanged")]
    new_sha = hashlib.sha256(pages["/img/1a.jpg"].data()).hexdigest()
    lid = rows(db, "select id from listings where url = ?", server.base + "/ad/1")[0][0]
    stored = rows(db, "select position, sha256 = ? from listing_photos where listing_id = ? order by position", new_sha, lid)
    assert [p for p, _ in stored] == [1, 2]
    newest = rows(db, "select v.id from listing_versions v where v.listing_id = ? order by v.number desc limit 1", lid)[0][0]
    assert rows(db, "select position from listing_version_photos where version_id = ? order by position", newest) == [
        (1,), (2,)]  # the new version shows both photos: the new picture and the one the server confirmed


def test_weak_etags_validate_pages_but_never_a_photo_of_a_changed_listing(tmp_path, monkeypatch):
    pages = {"/": Page(index_page(["/ad/1"]), etag="weak"),
             "/ad/1": Page(ad_page("Honda quad", photos=("/img/1.jpg",)), etag="weak"),
             "/img/1.jpg": Page(RED, "image/jpeg", etag="weak")}
    server = serve_validating(pages)
    db_path = tmp_path / "fw.db"
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    mark = len(server.log)
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    assert [(p, s) for p, s in server.answers[mark:] if p.startswith("/ad/")] == [("/ad/1", 304)]

    pages["/ad/1"] = Page(ad_page("Honda quad", price="£3,100", photos=("/img/1.jpg",)), etag="weak")
    mark = len(server.log)
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    assert requests_of(server, mark, "/img/") == [("/img/1.jpg", None, None)]  # fetched whole: a weak tag is no proof
    db = connect(db_path)
    assert rows(db, "select detail from crawl_pages where crawl_run_id = 3 and url like '%/ad/1'") == [("changed",)]

    monkeypatch.setenv("FARMWATCH_CONDITIONAL", "0")  # switched off: every page asked for whole, as before
    mark = len(server.log)
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    assert requests_of(server, mark, "/ad/") == [("/ad/1", None, None)]


def test_rotating_etags_and_future_or_unreadable_dates_lose_nothing_and_hide_no_change(tmp_path):
    future = formatdate(4102444800, usegmt=True)  # 2100-01-01
    pages = {"/": Page(index_page(["/ad/1", "/ad/2", "/ad/3"]), etag="none"),
             "/ad/1": Page(ad_page("Rotating tags trailer", photos=("/img/1.jpg",)), etag="rotating"),
             "/ad/2": Page(ad_page("Future date mower"), etag="none", last_modified=future),
             "/ad/3": Page(ad_page("Unreadable date quad"), etag="none", last_modified="yesterday, about noon"),
             "/img/1.jpg": Page(RED, "image/jpeg", etag="rotating")}
    server = serve_validating(pages)
    db_path = tmp_path / "fw.db"
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    mark = len(server.log)
    second = crawl(db_path, tmp_path, source(server))
    assert second.returncode == 0, second.stderr
    assert all(status == 200 for _, status in server.answers[mark:] if _ != "/robots.txt")
    assert [ims for _, _, ims in server.log] == [None] * len(server.log)  # a future or unreadable date is never sent
    assert requests_of(server, mark, "/img/") == []  # unchanged content: the photo stays as stored
    db = connect(db_path)
    assert rows(db, "select detail, count(*) from crawl_pages where crawl_run_id = 2 and outcome = 'listing' "
                    "group by 1") == [("unchanged", 3)]

    # both change; the mower's server now dates it properly, and would have answered 304 to its old future date
    pages["/ad/1"] = Page(ad_page("Rotating tags trailer", price="£2,000", photos=("/img/1.jpg",)), etag="rotating")
    pages["/ad/2"] = Page(ad_page("Future date mower", price="£900"), etag="none", last_modified=formatdate(usegmt=True))
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    assert rows(db, "select url, detail from crawl_pages where crawl_run_id = 3 and outcome = 'listing' order by url") == [
        (server.base + "/ad/1", "changed"), (server.base + "/ad/2", "changed"), (server.base + "/ad/3", "unchanged")]


def test_a_304_nobody_asked_for_or_contradicting_the_question_is_never_taken_as_unchanged(tmp_path):
    pages = {"/": Page(index_page(["/ad/1", "/ad/2", "/ad/3"]), etag="none"),
             "/ad/1": Page(ad_page("Ifor Williams trailer"), etag="none"),
             "/ad/2": Page(ad_page("Massey Ferguson 5713")),
             "/ad/3": Page(ad_page("John Deere 6155R", photos=("/img/1.jpg",)))}
    pages["/img/1.jpg"] = Page(RED, "image/jpeg", etag="none")
    server = serve_validating(pages)
    db_path = tmp_path / "fw.db"
    assert crawl(db_path, tmp_path, source(server)).returncode == 0
    pages["/ad/1"].force_304 = True  # a 304 to a request that carried no validator
    pages["/ad/2"].contradict = True  # a 304 naming another ETag than the one asked about
    second = crawl(db_path, tmp_path, source(server))
    assert second.returncode == 0, second.stderr
    db = connect(db_path)
    assert rows(db, "select url, outcome, detail, http_status from crawl_pages where crawl_run_id = 2 "
                    "and url like '%/ad/%' order by url, http_status") == [
        (server.base + "/ad/1", "failed", "http", 304),
        (server.base + "/ad/2", "listing", "unchanged", None),  # fetched again whole, read: unchanged
        (server.base + "/ad/3", "listing", "unchanged", 304)]
    assert [s for p, s in server.answers if p == "/ad/2"][-2:] == [304, 200]
    assert rows(db, "select count(*) from listings where removed_at is not null") == [(0,)]  # nothing lost
    assert rows(db, "select listings_unchanged, listings_not_modified from crawl_runs where id = 2") == [(2, 1)]
    assert rows(db, "select count(*) from crawl_runs where id = 2 and error_log like '%naming another ETag%'") == [(1,)]


def test_sitemap_lastmod_spares_unchanged_pages_and_removals_are_still_seen(tmp_path):
    def sitemap(entries):
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
            f"<url><loc>{server.base}{path}</loc><lastmod>{lastmod}</lastmod></url>" for path, lastmod in entries)
            + "</urlset>")

    pages = {"/ad/1": Page(ad_page("Kubota RTV", photos=("/img/1.jpg",))), "/ad/2": Page(ad_page("Quad trailer")),
             "/ad/3": Page(ad_page("Hay bob")), "/img/1.jpg": Page(RED, "image/jpeg")}
    server = serve_validating(pages)
    pages["/sitemap.xml"] = Page(sitemap([("/ad/1", "2020-01-01"), ("/ad/2", "2020-01-01T10:00:00+00:00"),
                                          ("/ad/3", "2999-01-01")]), "application/xml", etag="none")
    db_path = tmp_path / "fw.db"
    maps = source(server, "maps", "sitemap", "/sitemap.xml")
    assert crawl(db_path, tmp_path, maps).returncode == 0
    mark = len(server.log)
    second = crawl(db_path, tmp_path, maps)
    assert second.returncode == 0, second.stderr
    asked = [path for path, _, _ in server.log[mark:]]
    assert "/ad/1" not in asked and "/ad/2" not in asked and "/img/1.jpg" not in asked
    assert "/ad/3" in asked  # a lastmod in the future spares nothing
    db = connect(db_path)
    spared = rows(db, "select url, detail, http_status, coalesce(reason, '') like 'sitemap lastmod%' from crawl_pages "
                      "where crawl_run_id = 2 and outcome = 'listing' order by url")
    assert spared == [(server.base + "/ad/1", "unchanged", None, 1), (server.base + "/ad/2", "unchanged", None, 1),
                      (server.base + "/ad/3", "unchanged", 304, 0)]
    assert rows(db, "select status, listings_lastmod_skipped, photos_unchanged from crawl_runs where id = 2") == [
        ("ok", 2, 1)]

    # ad 1 changes (its lastmod moves), ad 2 leaves the sitemap
    pages["/ad/1"] = Page(ad_page("Kubota RTV", price="£6,000", photos=("/img/1.jpg",)))
    pages["/sitemap.xml"] = Page(sitemap([("/ad/1", _now_w3c()), ("/ad/3", "2999-01-01")]),
                                 "application/xml", etag="none")
    assert crawl(db_path, tmp_path, maps).returncode == 0
    assert rows(db, "select url, outcome, detail from crawl_pages where crawl_run_id = 3 and outcome = 'listing' "
                    "order by url") == [(server.base + "/ad/1", "listing", "changed"),
                                        (server.base + "/ad/3", "listing", "unchanged")]
    assert rows(db, "select url from listings where removed_at is not null") == [(server.base + "/ad/2",)]


def _now_w3c() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat()
