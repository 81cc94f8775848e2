"""Emailing a post through a real SMTP server (aiosmtpd on 127.0.0.1): every confirmed
subscriber once, MIME structure, one-click unsubscribe headers, failures."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_CONTENT, configure_smtp, make_site, run_masthead, serving

POST = """---
title: Letters to the Reader
date: 2025-03-01T09:00:00Z
tags: [letters]
---

Milton argued against licensing [@milton1644, p. 4].[^1] See [the archive](/archive/).

> The mind is its own place.
> — John Milton

[^1]: Areopagitica, 1644.
"""


def subscribers_csv(path: Path, addresses: list[str]) -> Path:
    path.write_text("email,status\n" + "".join(f"{a},confirmed\n" for a in addresses))
    return path


@pytest.fixture
def mailing_site(tmp_path, database_url, mail_sink):
    site = make_site(tmp_path, database_url, url="https://essays.example.org/")
    configure_smtp(site, mail_sink)
    run_masthead("import", "bibtex", DEMO_CONTENT / "bibliography.bib", site=site)
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "letters.md").write_text(POST)
    run_masthead("import", "markdown", posts, site=site)
    return site


def test_a_post_reaches_every_confirmed_subscriber_once(mailing_site, mail_sink, tmp_path):
    readers = [f"reader{i}@example.org" for i in range(25)]
    run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                 site=mailing_site)
    (tmp_path / "p.csv").write_text("email,status\npending@example.org,pending\n"
                                    "gone@example.org,unsubscribed\n")
    run_masthead("subscribers", "import", tmp_path / "p.csv", site=mailing_site)
    done = run_masthead("newsletter", "send", "letters", site=mailing_site)
    assert "25 sent, 0 waiting, 0 failed" in done.stdout
    # 25 copies of the post, and the pending address's confirmation (sent by the same
    # run of the queue), nothing for the one who unsubscribed.
    everything = mail_sink.wait(26)
    messages = [(to, m) for to, m in everything if m["Subject"] == "Letters to the Reader"]
    assert sorted(to[0] for to, _ in messages) == sorted(readers)
    assert not any("gone@" in to[0] for to, _ in everything)
    again = run_masthead("newsletter", "send", "letters", site=mailing_site)
    assert "25 sent" in again.stdout and len(mail_sink.messages) == 26  # no second copy
    ids = {msg["Message-ID"] for _, msg in messages}
    assert len(ids) == 25 and all(i.endswith("@example.org>") for i in ids)
    to, msg = messages[0]
    assert msg["Subject"] == "Letters to the Reader"
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    html = msg.get_body(("html",)).get_content()
    text = msg.get_body(("plain",)).get_content()
    # The post as the site renders it: the citation, the footnote, the bibliography, the
    # quotation's attribution; links absolute; styles inlined for mail clients.
    for needle in ("Milton 1644, 4", "Areopagitica, 1644.", 'id="bibliography"',
                   "John Milton", 'href="https://essays.example.org/archive/"'):
        assert needle in html, needle
    assert "<style" not in html.split("<body", 1)[1] and 'style="' in html
    assert "Areopagitica, 1644." in text and "https://essays.example.org/" in text
    # RFC 8058 one-click unsubscribe, personal to each reader.
    unsub = msg["List-Unsubscribe"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https = re.search(r"<(https://essays\.example\.org/newsletter/unsubscribe/[^>]+/)>",
                      unsub).group(1)
    assert re.search(r"<mailto:site\+u\d+-[0-9a-f]{8}@example\.org\?subject=unsubscribe>",
                     unsub)
    assert https in html.replace("&amp;", "&") and https in text
    assert len({m["List-Unsubscribe"] for _, m in messages}) == 25
    run_masthead("build", site=mailing_site)
    with serving(mailing_site, worker=False) as url, httpx.Client(base_url=url) as web:
        path = https.split("essays.example.org", 1)[1]
        r = web.post(path, content=b"List-Unsubscribe=One-Click",
                     headers={"content-type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200
    export = tmp_path / "out.csv"
    run_masthead("subscribers", "export", export, site=mailing_site)
    assert f"{to[0]},,unsubscribed" in export.read_text()


class RefusingSink:
    """Refuses some recipients: 550 (no such mailbox) or 451 (try later)."""

    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("later"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return await self.sink.handle_DATA(server, session, envelope)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_permanent_failures_mark_the_address_and_temporary_ones_wait(mailing_site, mail_sink,
                                                                      tmp_path):
    mail_sink.controller.handler = RefusingSink(mail_sink)  # each new connection uses it
    readers = ["ok1@example.org", "nobody@example.org", "later@example.org", "ok2@example.org"]
    run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                 site=mailing_site)
    done = run_masthead("newsletter", "send", "letters", site=mailing_site)
    assert "2 sent, 1 waiting, 1 failed" in done.stdout
    assert sorted(to[0] for to, _ in mail_sink.messages) == ["ok1@example.org",
                                                             "ok2@example.org"]
    export = tmp_path / "out.csv"
    run_masthead("subscribers", "export", export, site=mailing_site)
    text = export.read_text()
    assert "nobody@example.org,,bounced" in text and "later@example.org,,confirmed" in text


def test_only_published_posts_are_sent(mailing_site, tmp_path):
    missing = run_masthead("newsletter", "send", "no-such-post", site=mailing_site, check=False)
    assert missing.code == 1 and "no post has the slug 'no-such-post'" in missing.stderr
    plain = make_site(tmp_path / "other")
    unconfigured = run_masthead("newsletter", "send", "x", site=plain, check=False)
    assert unconfigured.code == 1 and "add an [smtp] section" in unconfigured.stderr


def _dkim_key(site: Path) -> bytes:
    """A fresh RSA-2048 test key in the site folder; returns the DNS TXT record."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (site / "dkim.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    with (site / "masthead.toml").open("a") as f:
        f.write('\n[dkim]\ndomain = "example.org"\nselector = "test"\n'
                'private_key_file = "dkim.pem"\n')
    return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_copy_carries_a_dkim_signature_that_verifies(mailing_site, mail_sink, tmp_path):
    import dkim

    record = _dkim_key(mailing_site)
    readers = [f"r{i}@example.org" for i in range(5)]
    run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                 site=mailing_site)
    run_masthead("newsletter", "send", "letters", site=mailing_site)
    mail_sink.wait(5)

    def dns(name, timeout=5):
        assert name == b"test._domainkey.example.org."
        return record

    for raw in mail_sink.raw:
        assert raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;")
        assert b"d=example.org" in raw and b"s=test" in raw
        assert dkim.verify(raw, dnsfunc=dns), raw[:300]
        header = raw.split(b"\r\n\r\n", 1)[0].lower()
        assert b"list-unsubscribe" in header.split(b"h=", 1)[1].split(b";", 1)[0]
        # Changing the personal unsubscribe link breaks the signature.
        tampered = raw.replace(b"/newsletter/unsubscribe/", b"/newsletter/unsubscribe/x", 1)
        assert not dkim.verify(tampered, dnsfunc=dns)


def test_openssl_signing_gives_dkimpys_own_bytes(tmp_path):
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from masthead.newsletter import dkim_sign

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM,
                            serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    digest = hashlib.sha256(b"a message")
    fast = dkim_sign._sign(digest, dkim_sign._load(pem))
    pure = dkim_sign._pure_sign(digest, dkim_sign._pure_parse(pem))
    assert fast == pure



def test_servers_without_8bitmime_get_quoted_printable_copies():
    import email
    from email import policy

    from masthead.newsletter.message import MARK, build

    html = "<p>" + "word " * 400 + f'<a href="{MARK}">Unsubscribe</a></p>'
    mid, data = build(subject="Über", html=html, text=f"Text.\nUnsubscribe: {MARK}\n",
                      sender="Essays <essays@example.org>", site_title="Essays",
                      to="r@example.net", unsubscribe_url="https://e.org/newsletter/u/t/",
                      unsubscribe_mailto="essays+u1-00000000@example.org",
                      list_id="newsletter.e.org")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998 and data.isascii()
    msg = email.message_from_bytes(data, policy=policy.default)
    assert msg["Subject"] == "Über" and msg["Message-ID"] == mid
    assert msg["List-Unsubscribe"].startswith("<https://e.org/newsletter/u/t/>")
    assert 'href="https://e.org/newsletter/u/t/"' in msg.get_body(("html",)).get_content()


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_a_worker_killed_mid_send_loses_no_one_and_repeats_only_those_in_flight(mailing_site,
                                                                        mail_sink, tmp_path):
    import collections
    import os
    import signal
    import subprocess
    import sys
    import time

    readers = [f"r{i:03d}@example.org" for i in range(300)]
    run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                 site=mailing_site)
    with (mailing_site / "masthead.toml").open("a") as f:
        # Slow enough to be killed half-way; three copies in flight at a time.
        f.write("\n[newsletter]\nrate = 100\nconnections = 3\n")
    run_masthead("newsletter", "send", "letters", "--queue-only", site=mailing_site)

    def worker(*extra: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "masthead", "--site",
                                 str(mailing_site), "worker", *extra],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    first = worker()
    deadline = time.monotonic() + 60
    while len(mail_sink.messages) < 100:
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    got_before = len(mail_sink.messages)
    assert got_before < 300
    second = worker("--burst")
    assert second.wait(timeout=120) == 0
    copies = collections.Counter(to[0] for to, m in mail_sink.messages
                                 if m["Subject"] == "Letters to the Reader")
    assert set(copies) == set(readers)  # nobody lost
    assert sum(copies.values()) - len(readers) <= 3  # at most the messages in flight


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_studio_shows_subscribers_and_each_sends_counts(mailing_site, mail_sink, tmp_path):
    from tests.studio.conftest import Studio, add_accounts

    add_accounts(mailing_site)
    run_masthead("subscribers", "import",
                 subscribers_csv(tmp_path / "s.csv", ["a@example.org", "b@example.org"]),
                 site=mailing_site)
    run_masthead("newsletter", "send", "letters", site=mailing_site)
    run_masthead("build", site=mailing_site)
    with serving(mailing_site, worker=False) as url:
        studio = Studio(url, mailing_site)
        assert studio.session("author").get("/studio/newsletter/").status_code == 403
        page = studio.session("editor").get("/studio/newsletter/").text
        assert "Letters to the Reader" in page
        assert re.search(r"<td>Done</td><td>0</td><td>2</td><td>0</td>", page)
        owner = studio.session("owner")
        found = owner.get("/studio/newsletter/?q=b@ex").text
        assert "b@example.org · confirmed" in found

        # Adding a reader starts the double opt-in; a bad address is refused by name.
        bad = owner.post("/studio/newsletter/", {"action": "add", "email": "not-an-address"})
        assert bad.status_code == 400 and "&#x27;not-an-address&#x27; is not an email" in bad.text
        added = owner.post("/studio/newsletter/", {"action": "add", "email": "c@example.org",
                                                   "name": "Cee"})
        assert added.status_code == 302
        assert "c@example.org · pending · Cee" in owner.get("/studio/newsletter/?q=c@").text
        # Unsubscribing one: a button beside each active reader (CSRF-protected).
        sub_id = re.search(r'name="subscriber" value="(\d+)"', found).group(1)
        forged = studio.session("owner").post(
            "/studio/newsletter/", {"action": "unsubscribe", "subscriber": sub_id}, token=False)
        assert forged.status_code == 403
        owner.get("/studio/newsletter/?q=b@ex")
        done = owner.post("/studio/newsletter/", {"action": "unsubscribe",
                                                  "subscriber": sub_id, "q": "b@ex"})
        assert done.status_code == 302
        after = owner.get(done.headers["location"]).text
        assert "b@example.org · unsubscribed" in after and "Unsubscribed: nothing more" in after
        assert studio.session("author").post(
            "/studio/newsletter/", {"action": "unsubscribe", "subscriber": sub_id}
        ).status_code == 403

        # Correcting a reader: a name is just saved; a new address must confirm first
        # (it never asked for anything), and an address already taken is refused.
        found = owner.get("/studio/newsletter/?q=a@ex").text
        a_id = re.search(r'name="subscriber" value="(\d+)"', found).group(1)
        sent = len(mail_sink.messages)
        named = owner.post("/studio/newsletter/", {"action": "edit", "subscriber": a_id,
                                                   "email": "a@example.org", "name": "Ada",
                                                   "q": "a@ex"})
        assert named.status_code == 302
        assert "a@example.org · confirmed · Ada" in owner.get(named.headers["location"]).text
        taken = owner.post("/studio/newsletter/", {"action": "edit", "subscriber": a_id,
                                                   "email": "C@example.org", "name": "Ada",
                                                   "q": "a@ex"})
        assert taken.status_code == 400 and "C@example.org is already a subscriber" in taken.text
        moved = owner.post("/studio/newsletter/", {"action": "edit", "subscriber": a_id,
                                                   "email": "ada@example.net", "name": "Ada",
                                                   "q": "ada@"})
        assert moved.status_code == 302
        assert "ada@example.net · pending · Ada" in owner.get(moved.headers["location"]).text
        run_masthead("worker", "--burst", site=mailing_site)
        confirmation = mail_sink.wait(sent + 1)[-1]
        assert confirmation[0] == ["ada@example.net"]
        assert studio.session("author").post(
            "/studio/newsletter/", {"action": "edit", "subscriber": a_id,
                                    "email": "x@example.org", "name": ""}).status_code == 403


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_scheduled_post_is_emailed_when_the_worker_publishes_it(mailing_site, mail_sink,
                                                                  tmp_path):
    import datetime as dt

    from tests.studio.conftest import Studio, add_accounts

    add_accounts(mailing_site)
    run_masthead("subscribers", "import",
                 subscribers_csv(tmp_path / "s.csv", ["a@example.org", "b@example.org"]),
                 site=mailing_site)
    run_masthead("build", site=mailing_site)
    # Far enough ahead for the editor to be read before the worker publishes, on a
    # loaded machine too (at 8 s the posts were sometimes out before the check).
    when = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=25)).strftime("%Y-%m-%dT%H:%M:%S")
    with serving(mailing_site, worker=True) as url:
        editor = Studio(url, mailing_site).session("editor")
        quiet = editor.new_post("Quietly later", "Not for the inbox.", action="schedule",
                                publish_at=when)
        loud = editor.new_post("Loudly later", "For every inbox.", action="schedule",
                               publish_at=when, email="1")
        # The editor shows what was chosen.
        assert re.search(r'name="email" value="1" checked',
                         editor.get(f"/studio/posts/{loud}/").text)
        assert not re.search(r'name="email" value="1" checked',
                             editor.get(f"/studio/posts/{quiet}/").text)
        got = mail_sink.wait(2, timeout=90)
        assert sorted(to[0] for to, _ in got) == ["a@example.org", "b@example.org"]
        assert {m["Subject"] for _, m in got} == {"Loudly later"}
        Studio(url, mailing_site).wait_for(f"/{when[:4]}/{when[5:7]}/quietly-later/",
                                           "Not for the inbox.")
    assert len(mail_sink.messages) == 2


def _dsn(verp: str, recipient: str, status: str, action: str) -> bytes:
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
            f"To: {verp}\r\nSubject: Undelivered Mail Returned to Sender\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n'
            "\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.net\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\n"
            f"Status: {status}\r\nDiagnostic-Code: smtp; 550 5.1.1 unknown user\r\n"
            "\r\n--B--\r\n").encode()


def _arf(recipient: str) -> bytes:
    return ("From: complaints@isp.example\r\nTo: abuse@example.org\r\n"
            "Subject: Complaint\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=feedback-report; boundary="F"\r\n'
            "\r\n--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
            "--F\r\nContent-Type: message/feedback-report\r\n\r\n"
            "Feedback-Type: abuse\r\nUser-Agent: ISP-FBL/1.0\r\nVersion: 1\r\n"
            "\r\n--F\r\nContent-Type: message/rfc822\r\n\r\n"
            f"From: site@example.org\r\nTo: {recipient}\r\nSubject: Letters\r\n\r\nBody\r\n"
            "\r\n--F--\r\n").encode()


def _mail(to: str, subject: str, sender: str = "reader@example.net") -> bytes:
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            "Content-Type: text/plain\r\n\r\nPlease.\r\n").encode()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("box", ["maildir", "imap"])
def test_bounces_complaints_and_emailed_unsubscribes_from_the_mailbox(
        mailing_site, mail_sink, tmp_path, box, request):
    import mailbox

    readers = ["hard@example.org", "spam@example.org", "slow@example.org", "fine@example.org",
               "old@example.org", "leaving@example.org"]
    run_masthead("subscribers", "import", subscribers_csv(tmp_path / "s.csv", readers),
                 site=mailing_site)
    run_masthead("newsletter", "send", "letters", site=mailing_site)
    mail_sink.wait(6)
    # VERP: each copy went out with its own return path, and its own mailto: unsubscribe.
    verp = {to[0]: sender for (to, _), sender in zip(mail_sink.messages, mail_sink.senders,
                                                     strict=True)}
    mailto = {to[0]: re.search(r"<mailto:([^?>]+)\?subject=unsubscribe>",
                               m["List-Unsubscribe"]).group(1)
              for to, m in mail_sink.messages}
    assert len(set(verp.values())) == 6 and len(set(mailto.values())) == 6
    assert all(re.fullmatch(r"site\+b\d+-[0-9a-f]{8}@example\.org", v) for v in verp.values())
    assert all(re.fullmatch(r"site\+u\d+-[0-9a-f]{8}@example\.org", v)
               for v in mailto.values())
    incoming = [
        _dsn(verp["hard@example.org"], "hard@example.org", "5.1.1", "failed"),
        _dsn(verp["slow@example.org"], "slow@example.org", "4.4.7", "delayed"),
        # A report without our return path still names the address.
        _dsn("site@example.org", "old@example.org", "5.2.1", "failed"),
        _arf("spam@example.org"),
        # A forged return path (wrong check) is not believed; its recipient is unknown.
        _dsn(re.sub(r"-[0-9a-f]{8}@", "-00000000@", verp["fine@example.org"]),
             "nobody@else.example", "5.1.1", "failed"),
        # The mailto: link, from another address than the one subscribed.
        _mail(mailto["leaving@example.org"], "unsubscribe", sender="alias@example.net"),
        # Nor is a forged unsubscribe address, and a reader's reply is nobody's business.
        _mail(re.sub(r"-[0-9a-f]{8}@", "-00000000@", mailto["fine@example.org"]),
              "unsubscribe"),
        _mail("site@example.org", "Re: Letters to the Reader"),
    ]
    if box == "maildir":
        folder = mailbox.Maildir(tmp_path / "bounces", create=True)
        for raw in incoming:
            folder.add(raw)
        done = run_masthead("newsletter", "bounces", "--maildir", tmp_path / "bounces",
                            site=mailing_site)
        left = len(mailbox.Maildir(tmp_path / "bounces", create=False))
    else:
        imap = request.getfixturevalue("imap_server")
        for raw in incoming:
            imap.append(raw)
        # TLS, with the certificate checked against the one the server was given.
        done = run_masthead("newsletter", "bounces", "--imap", "127.0.0.1", "--imap-port",
                            str(imap.port), "--imap-user", imap.user, site=mailing_site,
                            env={"MASTHEAD_IMAP_PASSWORD": imap.password,
                                 "SSL_CERT_FILE": str(imap.ca_file)})
        left = imap.count()
    assert ("Read 8 messages: 2 hard bounces, 1 complaints, 1 unsubscribe requests; "
            "4 left in the mailbox.") in done.stdout
    assert left == 4
    export = tmp_path / "out.csv"
    run_masthead("subscribers", "export", export, site=mailing_site)
    text = export.read_text()
    for line in ("hard@example.org,,bounced", "old@example.org,,bounced",
                 "spam@example.org,,complained", "slow@example.org,,confirmed",
                 "fine@example.org,,confirmed", "leaving@example.org,,unsubscribed"):
        assert line in text, line
    if box == "maildir":
        bad = run_masthead("newsletter", "bounces", "--maildir", tmp_path, site=mailing_site,
                           check=False)
        assert bad.code == 1 and "is not a maildir" in bad.stderr
    else:  # a certificate nobody vouches for is refused
        bad = run_masthead("newsletter", "bounces", "--imap", "127.0.0.1", "--imap-port",
                           str(imap.port), "--imap-user", imap.user, site=mailing_site,
                           env={"MASTHEAD_IMAP_PASSWORD": imap.password}, check=False)
        assert bad.code == 1 and "CERTIFICATE_VERIFY_FAILED" in bad.stderr
