"""Signing in by a link sent by email: single use, 24 hours, the same answer for every
address, CSRF-protected and rate limited, with a session apart from the studio's."""

from __future__ import annotations

import time

from tests.members.conftest import link_in


def test_a_member_signs_in_with_a_link_that_works_once(members_site):
    reader = members_site.reader()
    assert reader.get("/members/account/").headers["location"] == "/members/signin/"
    answer = reader.ask_for_link("ADA@example.org")
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    (to, message), = members_site.mail.wait(1)
    assert to == ["ada@example.org"] and message["Subject"].startswith("Sign in to")
    path = link_in(message)
    # Opening the link (as a mail scanner does) spends nothing; the button signs in.
    assert "Sign in" in reader.get(path).text and "masthead_member" not in reader.c.cookies
    signed = reader.post(path)
    assert signed.status_code == 302 and signed.headers["location"] == "/members/account/"
    cookie = signed.headers["set-cookie"]
    assert "masthead_member=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/;" in cookie
    page = reader.get("/members/account/")
    assert page.status_code == 200 and "ada@example.org" in page.text and "Free" in page.text
    # The same link again, from another browser: spent.
    again = members_site.reader()
    assert again.open_link(path).status_code == 400
    assert "masthead_member" not in again.c.cookies


def test_the_page_says_the_same_for_members_strangers_and_bad_tokens(members_site):
    answers = [members_site.reader().ask_for_link(email).text
               for email in ("bob@example.org", "nobody@example.org")]
    assert answers[0] == answers[1]
    members_site.mail.wait(1)
    time.sleep(1.5)  # the worker had time to mail the stranger, had it wanted to
    assert [to for to, _ in members_site.mail.messages] == [["bob@example.org"]]
    forged = members_site.reader()
    assert forged.open_link("/members/signin/not-a-real-token-at-all/").status_code == 400


def test_a_sign_in_needs_the_forms_token(members_site):
    reader = members_site.reader()
    reader.get("/members/signin/")
    refused = reader.post("/members/signin/", {"email": "ada@example.org"}, token=False)
    assert refused.status_code == 403
    # Nor does a form from another site get through, token or not.
    other = reader.c.post("/members/signin/", data={"email": "ada@example.org",
                                                    "csrfmiddlewaretoken": reader.token},
                          headers={"origin": "https://evil.example.net"})
    assert other.status_code == 403
    time.sleep(1)
    assert members_site.mail.messages == []


def test_links_are_limited_per_address_and_per_client(members_site):
    reader = members_site.reader()
    for _ in range(6):
        assert reader.ask_for_link("ada@example.org").status_code == 200
    members_site.mail.wait(5)
    time.sleep(1.5)
    assert len(members_site.mail.messages) == 5  # the sixth request mailed nothing
    for n in range(14):  # 20 requests an hour from one client
        assert reader.ask_for_link(f"stranger{n}@example.org").status_code == 200
    limited = reader.ask_for_link("bob@example.org")
    assert limited.status_code == 429 and "Too many" in limited.text


def test_a_member_session_is_not_a_studio_session(members_site):
    reader = members_site.signed_in("ada@example.org")
    studio = reader.c.get("/studio/")
    assert studio.status_code == 302 and "/studio/login/" in studio.headers["location"]
    signin = reader.c.get("/members/signin/")
    cookie = signin.headers["set-cookie"]
    assert "masthead_members_csrf=" in cookie and "Path=/members/" in cookie
