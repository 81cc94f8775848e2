"""`masthead serve` against addresses no browser sends: each gets a clean 4xx (or the
redirect a web server gives), never a 500, never a file from outside public/, and
every spelling of one address reaches the one cached copy of its file.

Requests go out byte for byte as written here (http.client sends the path as given;
httpx would normalise it first), over one keep-alive connection, so one server worker
answers all of a test's requests.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import run_masthead, serving

POST = "/2026/01/a-small-post/"
NOT_HERE = b"This page is not here"


class Client:
    """One keep-alive connection to the server; paths are sent exactly as given."""

    def __init__(self, base: str):
        u = urlsplit(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        self.conn.request("GET", path, headers=headers or {})
        resp = self.conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A new site with one post, built; a secret file beside public/ that must never
    be served, symlinks in public/ that lead out of it and symlinks that loop."""
    work = tmp_path_factory.mktemp("hostile")
    root = work / "site"
    run_masthead("init", root)
    posts = work / "posts"
    posts.mkdir()
    (posts / "a-small-post.md").write_text(
        "---\ntitle: A small post\ndate: 2026-01-05\nslug: a-small-post\n---\n\n"
        "Short, so that an address weighs as much as the page.\n", encoding="utf-8")
    (posts / "letters.md").write_text(
        "---\ntitle: Письма\ndate: 2026-01-06\nslug: письма\n"
        "aliases: [/old/письма.html, /old/letters/]\n---\n\nLetters.\n",
        encoding="utf-8")
    run_masthead("import", "markdown", posts, site=root)
    run_masthead("build", site=root)
    public = root / "public"
    assert (public / POST.strip("/") / "index.html").is_file()
    (root / "secret.txt").write_text("the owner's secret\n", encoding="utf-8")
    os.symlink(root / "secret.txt", public / "leak.txt")
    os.symlink(root, public / "leakdir")
    os.symlink(public / ".masthead-build", public / "build-state.txt")
    os.symlink("loop", public / "loop")
    os.symlink("loop-b", public / "loop-a")
    os.symlink("loop-a", public / "loop-b")
    return root


@pytest.fixture(scope="module")
def server(site) -> Iterator[str]:
    with serving(site, worker=False) as url:
        yield url


@pytest.fixture
def client(server) -> Iterator[Client]:
    c = Client(server)
    yield c
    c.close()


def test_a_nul_byte_or_an_overlong_name_in_an_address_gets_the_404_page(client):
    for path in ["/%00", "/a%00b/", "/robots.txt%00.html", "/" + "a" * 256,
                 "/" + "a" * 256 + "/", "/archive/" + "b" * 300 + ".html"]:
        status, _, body = client.get(path)
        assert status == 404, path
        assert NOT_HERE in body, path


def test_overlong_addresses_and_bytes_that_are_not_text_get_the_404_page(client):
    for path in ["/a/" * 3000, "/" + "a" * 5000, "/" + "%61" * 3000, "/%ff", "/%ff%fe/",
                 "/%c0%ae%c0%ae/", "/%", "/%zz", "/%0d%0aSet-Cookie:%20x=1"]:
        status, headers, body = client.get(path)
        assert status == 404, path[:40]
        assert NOT_HERE in body and "set-cookie" not in headers, path[:40]


def test_no_spelling_of_a_way_out_reaches_a_file_outside_public(client, site):
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                 "/%2e%2e%2fsecret.txt", "/%252e%252e/secret.txt", "/..\\secret.txt",
                 "/\\..\\secret.txt", "/%5c..%5csecret.txt", "/archive/../../secret.txt",
                 "//../secret.txt", "/./../secret.txt", "/leak.txt", "/leakdir/secret.txt",
                 "/leakdir/masthead.toml", "/build-state.txt", "/.masthead-build",
                 "/%2emasthead-build"]:
        status, _, body = client.get(path)
        assert status == 404, path
        assert b"secret" not in body and b"[site]" not in body, path


def test_a_symlink_that_loops_gets_the_404_page(client):
    for path in ["/loop", "/loop/", "/loop/index.html", "/loop-a/x", "/loop-b/"]:
        status, _, body = client.get(path)
        assert status == 404 and NOT_HERE in body, path


def test_every_spelling_of_an_address_gets_the_same_page(client):
    status, headers, page = client.get(POST)
    assert status == 200
    for path in ["//2026//01///a-small-post//", "/2026/01/a-small-post///",
                 "/./2026/./01/a-small-post/", "/2026/x/../01/a-small-post/",
                 "/2026/01/a-small-post/.", "/2026/01/%61-%73mall-post/",
                 "/2026/01/a-%73%6D%61ll-post/", "/2026%2f01%2Fa-small-post/",
                 "/%32%30%32%36/01/a-small-post/?utm_source=x"]:
        got, same, body = client.get(path)
        assert got == 200, path
        assert same["etag"] == headers["etag"] and body == page, path


def test_all_spellings_of_an_address_share_one_cached_copy(client, site):
    """The cache keeps one copy of a file, however many ways it is asked for: a change
    the server cannot see (same size, time and inode, so it keeps serving its copy)
    shows under no other spelling either. Keyed on the address as sent, each new
    spelling read the file again, and 50,000 spellings kept 50,000 copies."""
    page = site / "public" / "archive" / "index.html"
    before = page.read_bytes()
    assert client.get("/archive/")[2] == before
    st = page.stat()
    changed = before.replace(b"<html", b"<HTML", 1)
    assert changed != before and len(changed) == len(before)
    try:
        with open(page, "r+b") as f:  # in place: the same inode
            f.write(changed)
        os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
        for path in ["//archive/", "/archive//", "/%61rchive/", "/./archive/", "/x/../archive/"]:
            assert client.get(path)[2] == before, path
    finally:
        page.write_bytes(before)


def test_an_address_in_other_letters_is_found_however_its_escapes_are_written(client):
    upper = "/2026/01/" + quote("письма") + "/"
    status, headers, page = client.get(upper)
    assert status == 200 and "Письма".encode() in page
    got, same, body = client.get(upper.lower())
    assert (got, same["etag"], body) == (200, headers["etag"], page)
    got, same, _ = client.get(upper.rstrip("/").lower())
    assert (got, same["location"]) == (301, upper)  # ASCII, as a Location must be
    assert client.get("/2026/01/" + quote(quote("письма")) + "/")[0] == 404
    for old in ["/old/" + quote("письма.html"), "/old/" + quote("письма.html").lower(),
                "//old//letters", "/old/./letters/", "/%6fld/letters//"]:
        got, same, _ = client.get(old)
        assert (got, same["location"]) == (301, upper), old


def test_a_folder_without_its_slash_redirects_to_its_one_address(client):
    for path, location in [("/archive", "/archive/"), ("//archive", "/archive/"),
                           ("/%61rchive", "/archive/"), ("/x/../archive", "/archive/"),
                           ("/archive?page=2", "/archive/?page=2"),
                           ("/2026//01", "/2026/01/")]:
        status, headers, _ = client.get(path)
        assert (status, headers.get("location")) == (301, location), path


def test_a_file_asked_for_as_a_folder_or_escaped_twice_is_not_found(client):
    assert client.get("/robots.txt")[0] == 200
    for path in ["/robots.txt/", "/robots.txt//", "/archive/index.html/", "/%2561rchive/",
                 "/archive%252f"]:
        assert client.get(path)[0] == 404, path


def test_a_very_long_query_string_changes_nothing(client):
    query = "?q=" + "x" * 7000
    status, headers, body = client.get(POST + query)
    assert status == 200 and b"A small post" in body
    status, headers, _ = client.get("/archive" + query)
    assert status == 301 and headers["location"] == "/archive/" + query
    assert client.get("/%00" + query)[0] == 404


def test_only_get_and_head_are_answered_whatever_the_address(server):
    u = urlsplit(server)
    for method in ("POST", "PUT", "DELETE"):
        for path in (POST, "/%00", "/" + "a" * 300):
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            conn.request(method, path, body=b"")
            assert conn.getresponse().status == 405, (method, path)
            conn.close()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("HEAD", "/%00")
    resp = conn.getresponse()
    assert resp.status == 404 and resp.read() == b""
    conn.close()


def test_under_a_base_path_spellings_resolve_before_the_base_is_checked(tmp_path):
    root = tmp_path / "site"
    run_masthead("init", root, "--url", "http://127.0.0.1:8000/blog/")
    run_masthead("build", site=root)
    (root / "secret.txt").write_text("the owner's secret\n", encoding="utf-8")
    with serving(root, worker=False) as url:
        c = Client(url)
        try:
            status, headers, page = c.get("/blog/archive/")
            assert status == 200
            for path in ["//blog//archive/", "/x/../blog/archive/", "/%62log/archive/"]:
                got, same, body = c.get(path)
                assert (got, same["etag"], body) == (200, headers["etag"], page), path
            for path, location in [("/blog", "/blog/"), ("//blog", "/blog/"),
                                   ("/blog/archive", "/blog/archive/")]:
                got, same, _ = c.get(path)
                assert (got, same.get("location")) == (301, location), path
            for path in ["/archive/", "/blog/../archive/", "/blog/..", "/blog/../secret.txt",
                         "/blog/%00", "/blog/" + "a" * 256]:
                got, _, body = c.get(path)
                assert got == 404 and NOT_HERE in body and b"secret" not in body, path
        finally:
            c.close()


def test_a_redirects_file_that_cannot_be_read_leaves_the_site_served(tmp_path):
    root = tmp_path / "site"
    run_masthead("init", root)
    run_masthead("build", site=root)
    redirects = root / "public" / "_redirects"
    redirects.unlink()
    redirects.mkdir()  # in place of the file: reading it fails
    with serving(root, worker=False) as url:
        c = Client(url)
        try:
            assert c.get("/archive/")[0] == 200
            assert c.get("/no/such/page/")[0] == 404
        finally:
            c.close()
