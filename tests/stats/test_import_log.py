"""`masthead stats import-log FILE`: views from the access log of another server, by the
same rules as `masthead serve`, each line counted once however often the log is read."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.conftest import run_masthead
from tests.stats.conftest import POST, built_site, view_rows, whole_database_text

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 Reader7f3a"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def nginx_line(path: str, *, ip: str = "203.0.113.9", when: str = "03/Dec/2026:10:00:01 +0000",
               status: int = 200, referrer: str = "-", agent: str = FIREFOX,
               method: str = "GET") -> str:
    return (f'{ip} - - [{when}] "{method} {path} HTTP/1.1" {status} 5120 "{referrer}" '
            f'"{agent}"\n')


NGINX_LOG = "".join([
    nginx_line(POST, referrer="https://www.google.com/search?q=walking"),
    nginx_line(POST, ip="198.51.100.7", referrer="https://essays.example.org/"),
    nginx_line(POST + "?utm_source=newsletter", when="03/Dec/2026:23:59:59 -0100"),
    nginx_line("/static/site.css", referrer=f"https://essays.example.org{POST}"),
    nginx_line("/feed.xml"),
    nginx_line(POST, agent=GOOGLEBOT, ip="66.249.66.1"),
    nginx_line("/no-such-page/", status=404),
    nginx_line(POST, method="POST"),
    nginx_line("/2025/02/on-letters/", agent="-"),
])


@pytest.fixture
def site(tmp_path):
    return built_site(tmp_path)


def test_an_nginx_log_is_counted_by_the_rules_of_masthead_serve(site, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(NGINX_LOG)
    result = run_masthead("stats", "import-log", log, site=site)
    assert "3 views of 1 pages" in result.stdout
    # The last view was at 00:59:59 on 4 December in UTC, the site's time zone.
    assert view_rows(site) == [("2026-12-03", POST, "", 1),
                               ("2026-12-03", POST, "www.google.com", 1),
                               ("2026-12-04", POST, "", 1)]


def test_importing_the_same_log_twice_counts_each_line_once(site, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(NGINX_LOG)
    run_masthead("stats", "import-log", log, site=site)
    first = view_rows(site)
    again = run_masthead("stats", "import-log", log, site=site)
    assert "0 views" in again.stdout and "9 lines were counted by an earlier import" in again.stdout
    assert view_rows(site) == first
    # The log grows; only its new line is counted.
    with log.open("a") as f:
        f.write(nginx_line(POST, when="03/Dec/2026:12:00:00 +0000"))
    run_masthead("stats", "import-log", log, site=site)
    assert ("2026-12-03", POST, "", 2) in view_rows(site)


def test_a_caddy_json_log_is_read_with_its_headers(site, tmp_path):
    def entry(uri, *, agent=FIREFOX, referrer=None, purpose=None, ctype="text/html", status=200):
        headers = {"User-Agent": [agent]}
        if referrer:
            headers["Referer"] = [referrer]
        if purpose:
            headers["Sec-Purpose"] = [purpose]
        return json.dumps({
            "level": "info", "ts": 1796292000.123456, "logger": "http.log.access",
            "msg": "handled request", "request": {
                "remote_ip": "203.0.113.9", "remote_port": "51234", "proto": "HTTP/2.0",
                "method": "GET", "host": "essays.example.org", "uri": uri,
                "headers": headers},
            "status": status, "size": 5120, "resp_headers": {"Content-Type": [ctype]}})

    log = tmp_path / "caddy.log.gz"
    with gzip.open(log, "wt") as f:
        for line in [entry(POST, referrer="https://lobste.rs/s/abc"),
                     entry(POST, purpose="prefetch"),
                     entry(POST, agent=GOOGLEBOT),
                     entry("/2025/02/on-letters/", ctype="application/json"),
                     entry(POST, referrer="https://essays.example.org/archive/")]:
            f.write(line + "\n")
    run_masthead("stats", "import-log", log, site=site)
    assert view_rows(site) == [("2026-12-03", POST, "", 1),
                               ("2026-12-03", POST, "lobste.rs", 1)]


def test_an_imported_log_leaves_no_address_or_user_agent_in_the_database(site, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(NGINX_LOG)
    run_masthead("stats", "import-log", log, site=site)
    stored = whole_database_text(site)
    for trace in ("203.0.113.9", "198.51.100.7", "Reader7f3a", "Firefox", "q=walking"):
        assert trace not in stored, trace


def test_a_line_of_neither_format_is_named_and_nothing_is_counted(site, tmp_path):
    log = tmp_path / "access.log"
    log.write_text(NGINX_LOG + "this is not a log line\n" + nginx_line(POST))
    result = run_masthead("stats", "import-log", log, site=site, check=False)
    assert result.code == 1
    assert result.stderr.strip() == (
        f"error: {log}:10: not a line of an nginx (combined format) or Caddy (JSON) "
        "access log")
    assert "Traceback" not in result.stderr
    assert view_rows(site) == []


def test_a_missing_log_is_named(site, tmp_path):
    result = run_masthead("stats", "import-log", tmp_path / "gone.log", site=site, check=False)
    assert result.code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'gone.log'}: no such file"
