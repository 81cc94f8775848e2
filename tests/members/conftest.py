"""Sites with members: a mail server (aiosmtpd) to receive sign-in links, readers
imported as confirmed subscribers, `masthead serve` answering; and a way to call the
members' actions in a process of their own, on either database."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import MailSink, configure_smtp, make_site, run_masthead, serving

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
READERS = "email,name\nada@example.org,Ada\nbob@example.org,Bob\n"


def add_readers(site: Path, tmp_path: Path, csv: str = READERS) -> None:
    path = tmp_path / "readers.csv"
    path.write_text(csv, encoding="utf-8")
    run_masthead("subscribers", "import", path, "--confirmed", site=site)


def in_site(site: Path, code: str) -> str:
    """Run Python with the site's Django set up (as a command would): what it prints."""
    script = ("import sys\nfrom pathlib import Path\nfrom masthead.site import open_site\n"
              "open_site(Path(sys.argv[1]))\n" + textwrap.dedent(code))
    done = subprocess.run([sys.executable, "-c", script, str(site)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Reader:
    """A browser-like client for the members' pages: cookies, the last CSRF token."""

    def __init__(self, url: str):
        self.c = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
        self.token = ""

    def get(self, path: str) -> httpx.Response:
        r = self.c.get(path)
        m = _CSRF.search(r.text)
        if m:
            self.token = m.group(1)
        return r

    def post(self, path: str, data: dict | None = None, *, token: bool = True
             ) -> httpx.Response:
        data = dict(data or {})
        if token:
            if not self.token:
                self.get("/members/signin/")
            data["csrfmiddlewaretoken"] = self.token
        return self.c.post(path, data=data)

    def ask_for_link(self, email: str) -> httpx.Response:
        self.get("/members/signin/")
        return self.post("/members/signin/", {"email": email})

    def open_link(self, path: str) -> httpx.Response:
        self.get(path)
        return self.post(path)


def link_in(message, kind: str = "signin") -> str:
    return re.search(rf"http://127\.0\.0\.1(/members/{kind}/[\w-]+/)",
                     message.get_content()).group(1)


@dataclass
class MembersSite:
    site: Path
    url: str
    mail: MailSink

    def reader(self) -> Reader:
        return Reader(self.url)

    def signed_in(self, email: str) -> Reader:
        reader = self.reader()
        before = len(self.mail.messages)
        assert reader.ask_for_link(email).status_code == 200
        (_, message), = self.mail.wait(before + 1)[before:]
        assert reader.open_link(link_in(message)).status_code == 302
        return reader


@pytest.fixture
def members_site(tmp_path, mail_sink) -> Iterator[MembersSite]:
    """On SQLite: two confirmed readers, a mail server, the site served."""
    site = make_site(tmp_path, url="http://127.0.0.1/")
    configure_smtp(site, mail_sink)
    add_readers(site, tmp_path)
    run_masthead("build", site=site)
    with serving(site) as url:
        yield MembersSite(site, url, mail_sink)
