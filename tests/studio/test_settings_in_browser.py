"""The settings form in Debian's Chromium: a writer finds a time zone by typing part of
its name, with the keyboard alone, and a refused value sends them to the field named."""

from __future__ import annotations

import pytest

from tests.conftest import run_masthead
from tests.studio.conftest import log_in

pytestmark = [pytest.mark.browser,
              pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]


def shown(select) -> list[str]:
    return select.locator("option").all_inner_texts()


def test_a_writer_finds_a_time_zone_by_typing_part_of_its_name_and_saves_it(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/settings/")
    zone = page.get_by_label("Time zone", exact=True)
    find = page.get_by_label("Find a time zone")
    assert len(shown(zone)) > 400 and zone.input_value() == "UTC"
    find.press_sequentially("kolk")
    assert shown(zone) == ["Asia/Kolkata"] and zone.input_value() == "Asia/Kolkata"
    assert page.locator("#s-timezone-found").inner_text() == "1 match: Asia/Kolkata"
    # Several matches: the first is chosen, Enter goes to the list (the form is not
    # sent), the down arrow picks the next.
    find.fill("")
    find.press_sequentially("america new")
    assert shown(zone) == ["America/New York", "America/North Dakota/New Salem"]
    assert zone.input_value() == "America/New_York"
    find.press("Enter")
    assert page.evaluate("document.activeElement.id") == "s-timezone"
    assert "saved" not in page.url
    page.keyboard.press("ArrowDown")
    assert zone.input_value() == "America/North_Dakota/New_Salem"
    # Words in any order and case, accents and "_" aside; nothing matching leaves the list.
    find.fill("SALEM north")
    assert zone.input_value() == "America/North_Dakota/New_Salem"
    find.fill("atlantis")
    assert len(shown(zone)) > 400 and zone.input_value() == "America/North_Dakota/New_Salem"
    assert "Nothing matches" in page.locator("#s-timezone-found").inner_text()
    find.fill("")
    assert len(shown(zone)) > 400 and zone.input_value() == "America/North_Dakota/New_Salem"
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**saved=1")
    assert page.get_by_label("Time zone", exact=True).input_value() == (
        "America/North_Dakota/New_Salem")
    stored = run_masthead("settings", "timezone", site=studio.site).stdout
    assert stored == '"America/North_Dakota/New_Salem"\n'


def test_a_citation_style_is_found_by_its_title_and_texts_keep_their_lines(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/settings/")
    page.get_by_label("Find a citation style").fill("apa style 7")
    style = page.get_by_label("Citation style", exact=True)
    assert style.input_value() == "apa"
    # A browser sends a text box's line breaks as CR LF; the footer is stored as typed.
    page.get_by_label("Post footer").fill("Support me.\n\nThank you.")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_url("**saved=1")
    assert run_masthead("settings", "citation_style", site=studio.site).stdout == '"apa"\n'
    footer = run_masthead("settings", "footer", site=studio.site).stdout
    assert footer == '"Support me.\\n\\nThank you."\n'


def test_a_bad_value_is_refused_with_the_field_named(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "owner")
    page.goto(studio.url + "/studio/settings/")
    page.get_by_label("Site title").fill("Renamed Margins")
    page.get_by_label("Address pattern of posts").fill("/{year}/{title}/")
    page.get_by_role("button", name="Save settings").click()
    alert = page.get_by_role("alert")
    assert alert.inner_text().startswith("Address pattern of posts: unknown token {title}")
    field = page.get_by_label("Address pattern of posts")
    assert field.get_attribute("aria-invalid") == "true"
    assert "unknown token {title}" in field.evaluate(
        "el => el.getAttribute('aria-describedby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')")
    # The alert's link takes the writer to the field, and what they typed is all there.
    alert.get_by_role("link", name="Address pattern of posts").click()
    assert page.evaluate("document.activeElement.id") == "s-permalink"
    assert page.get_by_label("Site title").input_value() == "Renamed Margins"
    assert field.input_value() == "/{year}/{title}/"
    # Nothing was stored, not even the title that was right.
    for name, value in [("title", "Test Site"), ("permalink", "/{year}/{month}/{slug}/")]:
        assert run_masthead("settings", name, site=studio.site).stdout == f'"{value}"\n'
