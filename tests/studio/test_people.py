"""People, the Email page and the Outbox over HTTP: who may reach them, invitations that
are limited, single use and expiring, and the last owner kept."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.studio.conftest import ROLES
from tests.studio.test_people_in_browser import set_up_mail

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def invite(session, address: str, role: str = "author"):
    session.get("/studio/people/")
    return session.post("/studio/people/", {"action": "invite", "email": address, "role": role})


@SQLITE
def test_only_owners_reach_people_email_and_the_outbox(studio):
    for role in ROLES:
        s = studio.session(role)
        for path in ["/studio/people/", "/studio/email/", "/studio/outbox/"]:
            assert s.get(path).status_code == (200 if role == "owner" else 403), (role, path)
        assert invite(s, f"x-{role}@example.org").status_code == (
            400 if role == "owner" else 403), role  # the owner: no mail server yet
    anon = studio.session(None)
    for path in ["/studio/people/", "/studio/email/", "/studio/outbox/"]:
        r = anon.get(path)
        assert r.status_code == 302 and "/studio/login/" in r.headers["location"]
    owner = studio.session("owner")
    assert owner.post("/studio/people/", {"action": "invite", "email": "a@example.org",
                                          "role": "author"}, token=False).status_code == 403


def test_an_invitation_needs_a_mail_server_and_a_new_address(studio, mail_sink):
    owner = studio.session("owner")
    refused = invite(owner, "new@example.org")
    assert refused.status_code == 400
    assert "no mail server is set up, so the invitation cannot be sent" in refused.text
    set_up_mail(studio, mail_sink)
    assert "already has an account" in invite(owner, "editor@example.org").text
    assert "is not an email address" in invite(owner, "nobody").text
    assert invite(owner, "new@example.org").status_code == 302


@SQLITE  # it ages an invitation in the SQLite file
def test_invitations_are_limited_single_use_and_expire(studio, mail_sink):
    set_up_mail(studio, mail_sink)
    owner = studio.session("owner")
    for i in range(20):
        assert invite(owner, f"writer{i}@example.org").status_code == 302
    limited = invite(owner, "one-too-many@example.org")
    assert limited.status_code == 400
    assert "20 invitations in an hour is the most" in limited.text
    messages = mail_sink.wait(20)
    links = {to[0]: re.search(r"/studio/invitation/\S+/", m.get_content()).group(0)
             for to, m in messages}
    # Expired: a week has passed for writer0's invitation.
    db = sqlite3.connect(studio.site / "masthead.db")
    with db:
        db.execute("UPDATE accounts_invitation SET expires_at = '2020-01-01 00:00:00' "
                   "WHERE email = 'writer0@example.org'")
    db.close()
    guest = studio.session(None)
    expired = guest.get(links["writer0@example.org"])
    assert expired.status_code == 400 and "This invitation does not work" in expired.text
    # Forged: a link changed by one character.
    good = links["writer1@example.org"]
    assert guest.get(good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
                     ).status_code == 400
    # Used once, then no more.
    form = guest.get(good)
    assert form.status_code == 200
    weak = guest.post(good, {"name": "W", "password": "short", "password2": "short"})
    assert weak.status_code == 400 and "too weak" in weak.text
    accepted = guest.post(good, {"name": "W", "password": "a long enough passphrase",
                                 "password2": "a long enough passphrase"})
    assert accepted.status_code == 302
    again = studio.session(None)
    assert again.get(good).status_code == 400


def test_the_last_owner_is_kept_and_nobody_deactivates_themselves(studio):
    owner = studio.session("owner")
    page = owner.get("/studio/people/").text
    me = re.search(r'<label for="role-(\d+)">Role of owner@example.org', page).group(1)
    demoted = owner.post("/studio/people/", {"action": "role", "user": me, "role": "editor"})
    assert demoted.status_code == 400
    assert "owner@example.org is the only owner: make someone else an owner first" in demoted.text
    myself = owner.post("/studio/people/", {"action": "deactivate", "user": me})
    assert myself.status_code == 400 and "cannot deactivate your own account" in myself.text
    assert studio.session(None).login("owner@example.org", "a long enough passphrase"
                                      ).status_code == 302
