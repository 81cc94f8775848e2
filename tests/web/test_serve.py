"""`masthead serve`: public/ served like a good static host."""

from __future__ import annotations

import gzip
import http.client
from urllib.parse import urlsplit

import brotli


def request(base: str, path: str, method: str = "GET", headers: dict | None = None):
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request(method, path, headers=headers or {})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_pages_are_served_with_validators(demo_server):
    resp, body = request(demo_server, "/2025/09/on-reading-slowly/")
    assert resp.status == 200
    assert resp.getheader("content-type") == "text/html; charset=utf-8"
    assert b"On Reading Slowly" in body
    etag, modified = resp.getheader("etag"), resp.getheader("last-modified")
    assert etag and modified
    assert resp.getheader("x-content-type-options") == "nosniff"
    again, body = request(demo_server, "/2025/09/on-reading-slowly/",
                          headers={"If-None-Match": etag})
    assert again.status == 304 and body == b""
    again, _ = request(demo_server, "/2025/09/on-reading-slowly/",
                       headers={"If-Modified-Since": modified})
    assert again.status == 304


def test_text_is_compressed_for_clients_that_accept_it(demo_server):
    plain = request(demo_server, "/")[1]
    resp, body = request(demo_server, "/", headers={"Accept-Encoding": "gzip"})
    assert resp.getheader("content-encoding") == "gzip"
    assert gzip.decompress(body) == plain and len(body) < len(plain)
    resp, body = request(demo_server, "/", headers={"Accept-Encoding": "gzip, br"})
    assert resp.getheader("content-encoding") == "br"
    assert brotli.decompress(body) == plain
    assert resp.getheader("vary") == "accept-encoding"


def test_an_encoding_the_client_refuses_with_q_0_is_not_used(demo_server):
    plain = request(demo_server, "/")[1]
    resp, body = request(demo_server, "/", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert resp.getheader("content-encoding") == "gzip" and gzip.decompress(body) == plain
    resp, body = request(demo_server, "/", headers={"Accept-Encoding": "gzip;q=0, br;q=0"})
    assert resp.getheader("content-encoding") is None and body == plain
    resp, body = request(demo_server, "/", headers={"Accept-Encoding": "*;q=0.5"})
    assert resp.getheader("content-encoding") == "br" and brotli.decompress(body) == plain


def test_missing_pages_get_the_sites_404_page(demo_server):
    resp, body = request(demo_server, "/no/such/page/")
    assert resp.status == 404 and b"This page is not here" in body
    assert request(demo_server, "/.masthead-build")[0].status == 404
    assert request(demo_server, "/../../etc/passwd")[0].status == 404


def test_old_urls_and_folders_redirect(demo_server):
    resp, _ = request(demo_server, "/2025/09/why-i-left.html")
    assert resp.status == 301
    assert resp.getheader("location") == "/2025/09/why-i-left-the-platform/"
    resp, _ = request(demo_server, "/about")
    assert resp.status == 301 and resp.getheader("location") == "/about/"


def test_feeds_have_their_media_types_and_head_works(demo_server):
    assert request(demo_server, "/feed.xml")[0].getheader("content-type") == "application/atom+xml"
    assert request(demo_server, "/rss.xml")[0].getheader("content-type") == "application/rss+xml"
    resp, body = request(demo_server, "/feed.json", method="HEAD")
    assert resp.status == 200 and body == b"" and int(resp.getheader("content-length")) > 1000
    assert request(demo_server, "/", method="POST")[0].status == 405
