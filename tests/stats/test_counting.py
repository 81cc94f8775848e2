"""`masthead serve` counts views of pages from its own requests, and keeps nothing of who
read: no address, no user agent; a referrer as a host only; bots, prefetches and assets
left out; what is counted in memory is written when the server stops."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest

from tests.conftest import serving
from tests.stats.conftest import BROWSER, OTHER, POST, today, view_rows, whole_database_text


def get(base: str, path: str, headers: dict | None = None, method: str = "GET") -> int:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, path, headers={"User-Agent": BROWSER, **(headers or {})})
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


@pytest.fixture
def written_at_stop(monkeypatch):
    """Counts are written only when the server stops (no flush every few seconds)."""
    monkeypatch.setenv("MASTHEAD_VIEWS_EVERY", "3600")


def test_each_view_of_a_page_adds_one_to_that_pages_count_for_the_day(stats_site,
                                                                     written_at_stop):
    with serving(stats_site, worker=False) as url:
        for _ in range(3):
            assert get(url, POST) == 200
        assert get(url, POST + "index.html") == 200  # the same page, spelled otherwise
        assert get(url, OTHER) == 200
    assert view_rows(stats_site) == sorted([(today(), POST, "", 4), (today(), OTHER, "", 1)])


def test_bots_prefetches_assets_feeds_and_misses_are_not_counted(stats_site, written_at_stop):
    with serving(stats_site, worker=False) as url:
        bots = ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                "curl/8.5.0", "python-requests/2.32", ""]
        for agent in bots:
            assert get(url, POST, {"User-Agent": agent}) == 200
        for header in ({"Sec-Purpose": "prefetch;prerender"}, {"Purpose": "prefetch"},
                       {"X-Moz": "prefetch"}):
            assert get(url, POST, header) == 200
        for asset in ("/feed.xml", "/robots.txt", "/sitemap.xml"):
            assert get(url, asset) == 200
        assert get(url, "/no-such-page/") == 404
        assert get(url, POST, method="HEAD") == 200
        assert get(url, "/studio/login/") == 200
        assert get(url, OTHER) == 200  # the one view
    assert view_rows(stats_site) == [(today(), OTHER, "", 1)]


def test_a_referrer_is_kept_as_its_host_and_the_sites_own_host_not_at_all(stats_site,
                                                                         written_at_stop):
    with serving(stats_site, worker=False) as url:
        host = urlsplit(url).netloc
        get(url, POST, {"Referer": "https://News.Example.com/item?id=123&user=jane"})
        get(url, POST, {"Referer": "https://news.example.com/another/path"})
        get(url, POST, {"Referer": f"http://{host}/"})  # a reader moving on the site
        get(url, POST, {"Referer": "https://essays.example.org/tags/"})  # its public address
        get(url, POST, {"Referer": "android-app://com.example.reader/"})
    assert view_rows(stats_site) == sorted([(today(), POST, "news.example.com", 2),
                                            (today(), POST, "", 3)])


def test_nothing_of_the_reader_is_stored_anywhere(stats_site, written_at_stop):
    with serving(stats_site, worker=False) as url:
        get(url, POST, {"Referer": "https://news.example.com/item?id=secret-42",
                        "X-Forwarded-For": "198.51.100.23", "Cookie": "reader=jane-cookie"})
    stored = whole_database_text(stats_site)
    assert (today(), POST, "news.example.com", 1) in view_rows(stats_site)
    for trace in ("Reader7f3a", "Chrome/131", "198.51.100.23", "127.0.0.1:",
                  "secret-42", "jane-cookie"):
        assert trace not in stored, trace


def test_views_counted_just_before_the_server_stops_are_all_written(stats_site,
                                                                   written_at_stop):
    with serving(stats_site, worker=False) as url:
        for _ in range(200):
            assert get(url, POST) == 200
    # Every write waited for the stop: the interval is an hour.
    assert view_rows(stats_site) == [(today(), POST, "", 200)]


def test_a_running_server_writes_its_counts_every_few_seconds(stats_site):
    with serving(stats_site, worker=False) as url:
        get(url, POST)
        deadline = time.monotonic() + 20
        while view_rows(stats_site) != [(today(), POST, "", 1)]:
            assert time.monotonic() < deadline, "the view was not written while serving"
            time.sleep(0.5)


def test_a_bot_is_known_in_any_case_and_each_time_it_asks(stats_site, written_at_stop):
    """Whether a user agent is a bot's is remembered between requests (the hot path
    looks it up rather than searching it again): it must not matter how it is spelled
    or how often it asks."""
    with serving(stats_site, worker=False) as url:
        for _ in range(3):
            for agent in ("Mozilla/5.0 (compatible; BINGBOT/2.0; +HTTP://WWW.BING.COM/)",
                          "CURL/8.5.0", "Mozilla/5.0 UptimeMonitor"):
                assert get(url, POST, {"User-Agent": agent}) == 200
            assert get(url, POST) == 200  # a reader's browser
    assert view_rows(stats_site) == [(today(), POST, "", 3)]
