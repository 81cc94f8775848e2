"""The list of posts over HTTP: newest first by the date it shows, sortable columns with
aria-sort, dates in the site's time zone, bylines; the editor's messages in a writer's
words; new posts bylined with the writer's profile or the site's author."""

from __future__ import annotations

import re

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import run_masthead

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

POSTS = {  # slug: (title, date in UTC)
    "oldest": ("Bees and Honey", "2024-02-01T08:00:00Z"),
    "middle": ("Around the Lighthouse", "2025-07-14T08:00:00Z"),
    "newest": ("Cartography", "2026-12-03T08:00:00Z"),
}


def import_posts(studio, tmp_path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for slug, (title, when) in POSTS.items():
        (folder / f"{slug}.md").write_text(f"---\ntitle: {title}\ndate: {when}\n---\n\nText.\n")
    run_masthead("import", "markdown", folder, site=studio.site)


def rows(html: str) -> list[list[str]]:
    tree = HTMLParser(html)
    return [[td.text(strip=True) for td in tr.css("td")][:5]
            for tr in tree.css("table.posts tbody tr")]


def headings(html: str) -> dict[str, tuple[str, str]]:
    """Each sortable heading: (its aria-sort, where its link goes)."""
    tree = HTMLParser(html)
    return {th.css_first("a").text(strip=True).rstrip("▲▼ "): (
        th.attributes.get("aria-sort") or "", th.css_first("a").attributes["href"])
        for th in tree.css("table.posts thead th") if th.css_first("a")}


def test_the_list_is_newest_first_by_the_date_it_shows_in_the_site_time_zone(studio,
                                                                             tmp_path):
    import_posts(studio, tmp_path)
    run_masthead("settings", "timezone", "Europe/Paris", site=studio.site)
    owner = studio.session("owner")
    # Saved after the import, but dated long ago: the list goes by the date it shows.
    old = re.search(r'href="/studio/posts/(\d+)/">Bees and Honey',
                    owner.get("/studio/").text).group(1)
    owner.get(f"/studio/posts/{old}/")
    owner.post(f"/studio/posts/{old}/", {"title": "Bees and Honey", "body": "Edited.",
                                         "action": "save"})
    draft = owner.new_post("A Draft of Today")
    page = owner.get("/studio/").text
    titles = [r[0] for r in rows(page)]
    assert titles == ["A Draft of Today", "Cartography", "Around the Lighthouse",
                      "Bees and Honey"]
    # 08:00 UTC on 3 December is 09:00 in Paris, written as the theme writes dates.
    assert rows(page)[1][3] == "3 December 2026, 09:00"
    assert rows(page)[0][3].startswith("edited")
    assert headings(page)["Date"][0] == "descending"
    assert draft


def test_columns_sort_by_links_that_say_the_order_and_turn_it_round(studio, tmp_path):
    import_posts(studio, tmp_path)
    owner = studio.session("owner")
    page = owner.get("/studio/").text
    title_sort, title_link = headings(page)["Title"]
    assert title_sort == "" and title_link == "?q=&status=&kind=&sort=title"
    page = owner.get("/studio/" + title_link).text
    assert [r[0] for r in rows(page)] == ["Around the Lighthouse", "Bees and Honey",
                                          "Cartography"]
    assert headings(page)["Title"] == ("ascending", "?q=&status=&kind=&sort=-title")
    assert headings(page)["Date"][0] == ""
    page = owner.get("/studio/?sort=-title").text
    assert rows(page)[0][0] == "Cartography"
    assert headings(page)["Title"][0] == "descending"
    page = owner.get("/studio/?sort=date").text
    assert [r[0] for r in rows(page)] == ["Bees and Honey", "Around the Lighthouse",
                                          "Cartography"]
    # A filter keeps the order, and the order keeps the filter.
    page = owner.get("/studio/?status=published&sort=title").text
    assert headings(page)["Author"][1] == "?q=&status=published&kind=&sort=author"
    assert 'name="sort" value="title"' in page


def test_new_posts_are_bylined_with_the_site_author_for_its_owner_never_a_placeholder(
        studio):
    run_masthead("settings", "author", "Mara Ellison", site=studio.site)
    owner, editor = studio.session("owner"), studio.session("editor")
    owner.new_post("By the owner", action="publish")
    editor.new_post("By the editor")
    listed = {r[0]: r[4] for r in rows(owner.get("/studio/").text)}
    # The owner writes as the site's author; the editor under their own name.
    assert listed == {"By the owner": "Mara Ellison", "By the editor": "The Editor"}
    terminal = run_masthead("post", "list", site=studio.site).stdout
    assert "By the owner (Mara Ellison)" in terminal and "The Owner" not in terminal
    page = studio.wait_for(f"/{_year_month()}/by-the-owner/", "Mara Ellison").text
    assert "The Owner" not in page


def test_a_writer_with_an_imported_profile_of_their_name_writes_under_it(studio, tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "older.md").write_text("---\ntitle: Older\ndate: 2024-01-01T08:00:00Z\n"
                                     "authors: [The Author]\n---\n\nText.\n")
    run_masthead("import", "markdown", folder, site=studio.site)
    author = studio.session("author")
    author.new_post("Newer")
    listed = {r[0]: r[4] for r in rows(studio.session("owner").get("/studio/").text)}
    assert listed["Newer"] == "The Author"
    # The same profile, claimed: the author may now edit the imported post as theirs.
    assert 'href="/studio/posts/' in author.get("/studio/").text
    assert {r[0] for r in rows(author.get("/studio/").text)} == {"Older", "Newer"}


def test_the_editor_names_fields_in_words_and_dates_in_the_site_time_zone(studio):
    run_masthead("settings", "timezone", "Europe/Paris", site=studio.site)
    owner = studio.session("owner")
    post_id = owner.new_post("Later")
    owner.get(f"/studio/posts/{post_id}/")
    bad = owner.post(f"/studio/posts/{post_id}/", {"title": "Later", "body": "Text.",
                                                   "action": "schedule", "publish_at": ""})
    assert bad.status_code == 400
    alert = HTMLParser(bad.text).css_first("#form-error").text(strip=True)
    assert alert == "Publish at: give a date and time"
    owner.get(f"/studio/posts/{post_id}/")
    done = owner.post(f"/studio/posts/{post_id}/", {
        "title": "Later", "body": "Text.", "action": "schedule",
        "publish_at": "2030-12-24T09:00"})
    assert done.status_code == 302
    state = HTMLParser(owner.get(f"/studio/posts/{post_id}/").text).css_first("p.state")
    assert "Scheduled for 24 December 2030, 09:00" in " ".join(state.text().split())
    assert state.css_first("time").attributes["datetime"] == "2030-12-24T08:00:00+00:00"
    revisions = owner.get(f"/studio/posts/{post_id}/revisions/").text
    assert not re.search(r"\d{4}-\d\d-\d\dT", HTMLParser(revisions).css_first("main").text())


def _year_month() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y/%m")
