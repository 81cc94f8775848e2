"""A site with one account per role, served by a real `masthead serve` (and its worker)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import DEMO_CONTENT, make_site, run_masthead, serving

PASSWORD = "a long enough passphrase"
ROLES = ["owner", "editor", "author", "contributor"]
_TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def email(role: str) -> str:
    return f"{role}@example.org"


@dataclass
class Studio:
    url: str
    site: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)

    def session(self, role: str | None) -> StudioSession:
        s = StudioSession(self.client())
        if role is not None:
            s.login(email(role), PASSWORD)
        return s

    def wait_for(self, path: str, text: str = "", timeout: float = 30) -> httpx.Response:
        """The public page, once the worker's build has put it (with text) in place."""
        deadline = time.monotonic() + timeout
        with self.client() as c:
            while True:
                r = c.get(path)
                if r.status_code == 200 and text in r.text:
                    return r
                if time.monotonic() > deadline:
                    raise AssertionError(f"{path} did not appear (last: {r.status_code})")
                time.sleep(0.2)


class StudioSession:
    """A browser-like client: cookies, and the CSRF token of the last page it read."""

    def __init__(self, client: httpx.Client):
        self.c = client
        self.token = ""

    def get(self, path: str, **kw) -> httpx.Response:
        r = self.c.get(path, **kw)
        m = _TOKEN_RE.search(r.text)
        if m:
            self.token = m.group(1)
        return r

    def post(self, path: str, data: dict | None = None, *, token: bool = True,
             **kw) -> httpx.Response:
        data = dict(data or {})
        if token:
            if not self.token:
                self.get("/studio/login/")
            data["csrfmiddlewaretoken"] = self.token
        return self.c.post(path, data=data, **kw)

    def login(self, address: str, password: str) -> httpx.Response:
        self.get("/studio/login/")
        r = self.post("/studio/login/", {"email": address, "password": password})
        if r.status_code == 302:
            self.get("/studio/")  # logging in rotates the CSRF token, as in a browser
        return r

    def new_post(self, title: str, body: str = "Text.", action: str = "save",
                 **fields) -> int:
        self.get("/studio/posts/new/")
        r = self.post("/studio/posts/new/", {"title": title, "body": body, "action": action,
                                             **fields})
        assert r.status_code == 302, r.text[:500]
        return int(re.search(r"/studio/posts/(\d+)/", r.headers["location"]).group(1))


def add_accounts(site: Path) -> None:
    for role in ROLES:
        run_masthead("user", "create", email(role), "--role", role, "--name",
                     f"The {role.title()}", site=site, input=PASSWORD + "\n")


@pytest.fixture
def studio(tmp_path, database_url) -> Iterator[Studio]:
    """On each database: a site with accounts and the demo's sources, built, served."""
    site = make_site(tmp_path, database_url, url="http://127.0.0.1/")
    add_accounts(site)
    run_masthead("import", "bibtex", DEMO_CONTENT / "bibliography.bib", site=site)
    run_masthead("build", site=site)
    with serving(site) as url:
        yield Studio(url, site)


def log_in(page, base: str, role: str) -> None:
    page.goto(base + "/studio/login/")
    page.get_by_label("Email address").fill(email(role))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/studio/")


@pytest.fixture
def context(browser, studio):
    """A browser context whose requests must all go to the studio's own server."""
    ctx = browser.new_context()
    outside: list[str] = []
    ctx.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(studio.url) and not r.url.startswith("data:") else None)
    yield ctx
    ctx.close()
    assert outside == []
