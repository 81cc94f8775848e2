"""The studio's Stats page: views over time, the most read posts (linked to their editor),
where readers came from and the newsletter's sends, as SVG charts with tables, a CSV
export, in a writer's words, clean under axe-core in Chromium."""

from __future__ import annotations

import csv
import datetime as dt
import io
import mailbox
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import configure_smtp, node_module, run_masthead, serving
from tests.stats.conftest import BROWSER, OTHER, POST, built_site
from tests.stats.test_counting import get
from tests.studio.conftest import Studio, add_accounts, log_in


def returned(return_path: str, recipient: str) -> bytes:
    """A mail server's report that a copy could not be delivered, ever (RFC 3464)."""
    return ("From: MAILER-DAEMON@mx.example.net\r\n"
            f"To: {return_path}\r\nSubject: Delivery failure\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
            "--R\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
            "--R\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.net\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
            "\r\n--R--\r\n").encode()


def old_views_log(path: Path) -> Path:
    """Views of the other post on earlier days, as another server logged them."""
    lines = []
    for days_ago, n in ((3, 2), (10, 1), (45, 4)):
        when = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)).strftime(
            "%d/%b/%Y:%H:%M:%S +0000")
        lines += [f'203.0.113.9 - - [{when}] "GET {OTHER} HTTP/1.1" 200 900 '
                  f'"https://lobste.rs/s/x" "{BROWSER}"\n'] * n
    path.write_text("".join(lines))
    return path


@pytest.fixture
def stats_studio(tmp_path, mail_sink, monkeypatch) -> Iterator[Studio]:
    """A served site with accounts, views counted by the server and imported from a log,
    and one newsletter send of which one copy bounced and one reader then left."""
    monkeypatch.setenv("MASTHEAD_VIEWS_EVERY", "0.5")
    site = built_site(tmp_path)
    configure_smtp(site, mail_sink)
    add_accounts(site)
    readers = ["ann@example.org", "bo@example.org", "cy@example.org", "dee@example.org"]
    (tmp_path / "s.csv").write_text("email,status\n" + "".join(f"{r},confirmed\n"
                                                              for r in readers))
    run_masthead("subscribers", "import", tmp_path / "s.csv", site=site)
    run_masthead("newsletter", "send", "on-walking", site=site)
    return_path = dict(zip([to[0] for to, _ in mail_sink.wait(4)], mail_sink.senders,
                           strict=True))["dee@example.org"]
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(returned(return_path, "dee@example.org"))
    run_masthead("newsletter", "bounces", "--maildir", tmp_path / "bounces", site=site)
    run_masthead("stats", "import-log", old_views_log(tmp_path / "old.log"), site=site)
    with serving(site, worker=False) as url:
        studio = Studio(url, site)
        owner = studio.session("owner")
        found = owner.get("/studio/newsletter/?q=cy@").text
        cy = re.search(r'name="subscriber" value="(\d+)"', found).group(1)
        owner.post("/studio/newsletter/", {"action": "unsubscribe", "subscriber": cy})
        for _ in range(5):
            get(url, POST, {"Referer": "https://news.example.com/item?id=9"})
        get(url, POST)
        yield studio


def stats_page(session, path: str = "/studio/stats/") -> str:
    """The page once the server has written the views it counted (9 in 30 days)."""
    deadline = time.monotonic() + 20
    while "9 views from" not in (page := session.get(path).text):
        assert time.monotonic() < deadline, "the server's views did not reach the page"
        time.sleep(0.2)
    return page


def test_the_stats_page_shows_views_posts_referrers_and_sends(stats_studio):
    owner = stats_studio.session("owner")
    page = stats_page(owner)
    # Views over time: a chart with a name, and the same numbers in a table.
    assert page.count('role="img"') == 4
    assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="views-chart-title', page)
    assert '<title id="views-chart-title">Views a day, last 30 days</title>' in page
    three_days_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date()
    assert f"<td>{three_days_ago.day} {three_days_ago:%B %Y}</td><td>2</td>" in page
    # Most read: titles linked to the editor, the most read first.
    walking = re.search(r'<a href="(/studio/posts/\d+/)">On Walking</a></td><td>'
                        + re.escape(POST) + r"</td><td>6</td>", page)
    assert walking and page.index("On Walking</a>") < page.index("On Letters</a>")
    assert "On Walking" in owner.get(walking.group(1)).text
    # Where readers came from: hosts only.
    assert "<td>news.example.com</td><td>5</td>" in page
    assert "<td>lobste.rs</td><td>3</td>" in page
    assert "item?id=9" not in page
    # The send: three delivered, one returned, one reader unsubscribed after it.
    assert re.search(r"<td>On Walking</td><td>[^<]+</td><td>3</td><td>1</td><td>1</td>", page)
    # Ninety days take in the older views from the log.
    assert "13 views from" in owner.get("/studio/stats/?days=90").text


def test_the_counts_download_as_csv(stats_studio):
    owner = stats_studio.session("owner")
    stats_page(owner)
    r = owner.get("/studio/stats.csv?days=90")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {(row["page"], row["title"], row["referrer"], row["views"]) for row in rows
            if row["page"] == POST} == {(POST, "On Walking", "news.example.com", "5"),
                                        (POST, "On Walking", "", "1")}
    assert sum(int(row["views"]) for row in rows) == 13


def test_writers_see_views_but_not_the_newsletter_and_visitors_must_log_in(stats_studio):
    author = stats_page(stats_studio.session("author"))
    assert "On Walking" in author and "Newsletter sends" not in author
    # An author edits only their own posts: the titles are not links for them.
    assert not re.search(r'href="/studio/posts/\d+/"', author)
    with stats_studio.client() as c:
        assert c.get("/studio/stats/").status_code == 302
        assert c.get("/studio/stats.csv").status_code == 302


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_stats_page_passes_axe_and_fits_a_phone(browser, stats_studio, scheme):
    ctx = browser.new_context(color_scheme=scheme, viewport={"width": 375, "height": 740},
                              bypass_csp=True)  # axe goes in as an inline script
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(stats_studio.url) else None)
    page = ctx.new_page()
    stats_page(stats_studio.session("owner"))
    log_in(page, stats_studio.url, "owner")
    page.get_by_role("link", name="Stats").click()
    page.wait_for_url(stats_studio.url + "/studio/stats/")
    assert page.get_by_role("img", name="Views a day, last 30 days").is_visible()
    assert page.get_by_role("img", name="Newsletter sends").is_visible()
    page.add_script_tag(content=node_module("axe-core", "axe.min.js").read_text())
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                        'best-practice']}})""")
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]] == []
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways on a phone: {width}"
    page.get_by_role("link", name="Last 90 days").click()
    page.wait_for_url("**/studio/stats/?days=90")
    assert page.get_by_role("img", name="Views a day, last 90 days").is_visible()
    ctx.close()
    assert outside == []
