"""The editor's "restored autosave" notice tells the time as the writer reads every
other studio date: in the site's time zone, "3 December 2026, 09:00:15"."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import run_masthead

ZONE = "Pacific/Auckland"  # 11 to 13 hours from UTC: a UTC time shows another hour


def test_the_restored_autosave_notice_shows_the_site_zones_time(studio):
    run_masthead("settings", "timezone", ZONE, site=studio.site)
    owner = studio.session("owner")
    # A live post: its autosaves wait beside it until the writer updates it.
    post_id = owner.new_post("Tides", "The first text.", action="publish")
    owner.get(f"/studio/posts/{post_id}/")
    saved = owner.post(f"/studio/posts/{post_id}/autosave/",
                       {"title": "Tides", "body": "A rewrite, closed before saving."})
    assert saved.status_code == 200, saved.text
    at = dt.datetime.fromisoformat(saved.json()["saved_at"]).astimezone(
        zoneinfo.ZoneInfo(ZONE))
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    written = f"{at.day} {months[at.month - 1]} {at.year}, {at:%H:%M:%S}"

    page = owner.get(f"/studio/posts/{post_id}/").text
    notice = HTMLParser(page).css_first("#save-state").text()
    assert notice == f"Showing your autosaved text from {written}: save to keep it."
    assert not re.search(r"\b[A-Z][a-z]{2} \d{4}\b", notice)  # no "Dec 2026"
