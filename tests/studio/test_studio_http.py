"""The studio over HTTP, against a real `masthead serve`, on SQLite and PostgreSQL:
accounts, CSRF, throttling, security headers, permissions, publishing, XSS, autosave."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import make_site, run_masthead
from tests.studio.conftest import PASSWORD, ROLES, email


def test_user_create_takes_the_password_from_standard_input(tmp_path):
    site = make_site(tmp_path)
    ok = run_masthead("user", "create", "Writer@Example.org", "--role", "author", site=site,
                      input=PASSWORD + "\n")
    assert "Created Writer@Example.org (author)" in ok.stdout
    weak = run_masthead("user", "create", "b@example.org", "--role", "owner", site=site,
                        input="12345\n", check=False)
    assert weak.code == 1 and "too weak" in weak.stderr and weak.stderr[-1] == "\n"
    twice = run_masthead("user", "create", "writer@example.org", "--role", "owner", site=site,
                         input=PASSWORD + "\n", check=False)
    assert twice.code == 1 and "already has an account" in twice.stderr
    bad = run_masthead("user", "create", "not-an-address", "--role", "owner", site=site,
                       input=PASSWORD + "\n", check=False)
    assert bad.code == 1 and "is not an email address" in bad.stderr


def test_the_studio_asks_for_a_login_and_sends_strict_headers(studio):
    anon = studio.session(None)
    r = anon.get("/studio/")
    assert r.status_code == 302 and r.headers["location"].startswith("/studio/login/")
    page = anon.get("/studio/login/")
    csp = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    login = studio.session(None).login(email("owner"), PASSWORD)
    assert login.status_code == 302
    session_cookie = next(c for c in login.headers.get_list("set-cookie")
                          if c.startswith("masthead_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    # A site at an http address (here, 127.0.0.1) keeps cookies usable over http.
    assert "Secure" not in session_cookie


def test_forms_without_a_csrf_token_are_refused(studio):
    anon = studio.session(None)
    anon.get("/studio/login/")
    r = anon.post("/studio/login/", {"email": email("owner"), "password": PASSWORD},
                  token=False)
    assert r.status_code == 403
    owner = studio.session("owner")
    assert owner.post("/studio/posts/new/", {"title": "T", "action": "save"},
                      token=False).status_code == 403
    assert owner.post("/studio/posts/new/", {"title": "T", "action": "save",
                                             "csrfmiddlewaretoken": "forged" * 8},
                      token=False).status_code == 403


def test_repeated_wrong_passwords_lock_the_login(studio):
    s = studio.session(None)
    codes = [s.login(email("editor"), f"wrong password {i}").status_code for i in range(6)]
    assert codes[:4] == [401] * 4 and codes[4:] == [429, 429]
    # Locked: even the right password is refused now, and the address's case is no way out.
    assert s.login(email("editor"), PASSWORD).status_code == 429
    assert s.login(email("editor").upper(), PASSWORD).status_code == 429
    # Other accounts are not affected.
    assert studio.session(None).login(email("author"), PASSWORD).status_code == 302


def test_every_studio_address_checks_the_role(studio):
    owner = studio.session("owner")
    others = owner.new_post("The owner's post")
    expected = {  # role -> what it may do with someone else's post
        "owner": 200, "editor": 200, "author": 403, "contributor": 403,
    }
    for role in ROLES:
        s = studio.session(role)
        assert s.get("/studio/").status_code == 200
        assert s.get(f"/studio/posts/{others}/").status_code == expected[role], role
        assert s.get(f"/studio/posts/{others}/revisions/").status_code == expected[role], role
        assert s.post(f"/studio/posts/{others}/autosave/",
                      {"title": "Hijacked"}).status_code == expected[role], role
        assert s.post(f"/studio/posts/{others}/", {"title": "Hijacked", "action": "save"}
                      ).status_code == (302 if expected[role] == 200 else 403), role
        page_code = s.get("/studio/posts/new/?kind=page").status_code
        assert page_code == (200 if role in ("owner", "editor") else 403), role
        # Everyone may write a draft of their own...
        mine = s.new_post(f"A draft by the {role}")
        assert s.get(f"/studio/posts/{mine}/").status_code == 200
        # ...but a contributor may not publish it, and only sees their own posts.
        publish = s.post(f"/studio/posts/{mine}/", {"title": f"By the {role}",
                                                   "action": "publish"})
        assert publish.status_code == (403 if role == "contributor" else 302), role
        listed = s.get("/studio/").text
        assert ("The owner&#x27;s post" in listed or "Hijacked" in listed) == (
            role in ("owner", "editor")), role
        # Restoring someone else's revision, and the owner's pages.
        revision = re.findall(r"/studio/revisions/(\d+)/restore/",
                              owner.get(f"/studio/posts/{others}/revisions/").text)[-1]
        assert s.post(f"/studio/revisions/{revision}/restore/").status_code == (
            302 if expected[role] == 200 else 403), role
        assert s.get("/studio/settings/").status_code == (200 if role == "owner" else 403)
        assert s.get("/studio/sources/").status_code == 200
        assert s.get("/studio/media/").status_code == 200
    anon = studio.session(None)
    for path in ["/studio/", f"/studio/posts/{others}/", f"/studio/posts/{others}/revisions/",
                 "/studio/posts/new/", "/studio/settings/", "/studio/sources/",
                 "/studio/media/"]:
        r = anon.get(path)
        assert r.status_code == 302 and "/studio/login/" in r.headers["location"], path
    for path in ["/studio/preview/", f"/studio/posts/{others}/autosave/",
                 f"/studio/posts/{others}/", "/studio/posts/new/", "/studio/settings/",
                 "/studio/sources/", "/studio/media/", f"/studio/revisions/{revision}/restore/"]:
        r = anon.post(path, {"title": "x", "body": "x", "action": "publish"})
        assert r.status_code == 302 and "/studio/login/" in r.headers["location"], path


def test_a_published_post_goes_live_with_its_notes_and_bibliography(studio):
    owner = studio.session("owner")
    body = ("Milton argued for unlicensed printing [@milton1644, p. 4].[^1]\n\n"
            "[^1]: A footnote, as the site shows it.\n")
    preview = owner.post("/studio/preview/", {"body": body}).json()["html"]
    assert 'class="footnotes"' in preview and "Milton 1644" in preview
    assert 'id="bibliography"' in preview
    post_id = owner.new_post("On Licensing", body, action="publish", tags="free press")
    editor_page = owner.get(f"/studio/posts/{post_id}/").text
    assert "Published" in editor_page
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    page = studio.wait_for(f"/{year_month}/on-licensing/", "A footnote, as the site shows it.")
    assert "Milton 1644, 4" in page.text and 'id="bibliography"' in page.text
    studio.wait_for("/tags/free-press/", "On Licensing")
    # Unpublished: the page leaves the site after the worker's build.
    owner.get(f"/studio/posts/{post_id}/")
    owner.post(f"/studio/posts/{post_id}/", {"title": "On Licensing", "action": "unpublish"})
    with studio.client() as c:
        for _ in range(150):
            if c.get(f"/{year_month}/on-licensing/").status_code == 404:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the unpublished post is still on the site")


def assert_inert(html: str) -> None:
    """No script the writer typed, no event handler, no javascript: link in the page."""
    tree = HTMLParser(html)
    for script in tree.css("script"):
        assert "alert" not in (script.text() or "") or script.attributes.get("type") == \
            "application/ld+json", script.html
        assert "<" not in (script.text() or "").replace("<\\/", ""), script.html
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), node.html
            assert not (value or "").strip().lower().startswith("javascript:"), node.html
    assert not tree.css("svg[onload], img[onerror]")


XSS_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>'
XSS_BODY = ('Hello <script>alert("body")</script> <a href="javascript:alert(2)">link</a> '
            '<img src="x" onerror="alert(3)">\n')
XSS_TAG = '<svg onload=alert(4)>'


def test_markup_in_title_body_and_tags_never_runs(studio):
    author = studio.session("author")
    post_id = author.new_post(XSS_TITLE, XSS_BODY, action="publish", tags=XSS_TAG)
    for text in (author.get("/studio/").text, author.get(f"/studio/posts/{post_id}/").text,
                 author.get(f"/studio/posts/{post_id}/revisions/").text):
        assert_inert(text)
        assert "&lt;script&gt;alert(&quot;title&quot;)" in text  # shown as text
    preview = author.post("/studio/preview/", {"body": XSS_BODY}).json()["html"]
    assert_inert(preview)
    assert "<script" not in preview
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    listing = studio.wait_for("/", "Hello").text
    links = re.findall(r'href="(/' + year_month + r'/[^"]+/)"', listing)
    assert links, listing[:1000]
    page = studio.wait_for(links[0], "Hello").text
    for text in (listing, page):
        assert_inert(text)


def test_autosave_keeps_text_without_touching_the_live_post(studio):
    owner = studio.session("owner")
    draft = owner.new_post("Work in progress", "First words.")
    r = owner.post(f"/studio/posts/{draft}/autosave/",
                   {"title": "Work in progress", "body": "First words, and more."},
                   headers={"accept": "application/json"})
    assert r.status_code == 200 and r.json()["revision"]
    # A draft follows the editor: a reload shows the autosaved text.
    assert "First words, and more." in owner.get(f"/studio/posts/{draft}/").text
    live = owner.new_post("Already live", "The published text.", action="publish")
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    studio.wait_for(f"/{year_month}/already-live/", "The published text.")
    owner.post(f"/studio/posts/{live}/autosave/",
               {"title": "Already live", "body": "A rewrite in progress."})
    # The editor brings the autosave back after a reload; the site keeps the live text.
    editor = owner.get(f"/studio/posts/{live}/").text
    assert "A rewrite in progress." in editor and "Showing your autosaved text" in editor
    with studio.client() as c:
        assert "The published text." in c.get(f"/{year_month}/already-live/").text
    # Revisions: the publish, the autosave; restoring the publish puts its text back.
    revisions = owner.get(f"/studio/posts/{live}/revisions/").text
    ids = re.findall(r"/studio/revisions/(\d+)/restore/", revisions)
    assert len(ids) >= 3  # created, published, autosaved
    assert owner.post(f"/studio/revisions/{ids[-1]}/restore/").status_code == 302
    assert owner.get(f"/studio/posts/{live}/").status_code == 200


def test_a_scheduled_post_appears_when_the_worker_reaches_its_time(studio):
    owner = studio.session("owner")
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)
    # The form's time is in the site's zone (UTC here), to the minute: give seconds too.
    post_id = owner.new_post("Later today", "Scheduled text.", action="schedule",
                             publish_at=when.strftime("%Y-%m-%dT%H:%M:%S"))
    assert "Scheduled" in owner.get(f"/studio/posts/{post_id}/").text
    year_month = when.strftime("%Y/%m")
    with studio.client() as c:
        assert c.get(f"/{year_month}/later-today/").status_code == 404
    studio.wait_for(f"/{year_month}/later-today/", "Scheduled text.", timeout=40)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_worker_burst_publishes_due_posts_and_exits(tmp_path, database_url):
    site = make_site(tmp_path, database_url)
    posts = tmp_path / "posts"
    posts.mkdir()
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat()
    (posts / "soon.md").write_text(f"---\ntitle: Soon\ndate: {soon}\n---\n\nSoon.\n")
    run_masthead("import", "markdown", posts, site=site)
    run_masthead("build", site=site)
    assert not list((site / "public").rglob("soon/index.html"))
    time.sleep(2.5)
    done = run_masthead("worker", "--burst", site=site, timeout=60)
    assert "scheduled post(s) are due" in done.stderr
    assert list((site / "public").rglob("soon/index.html"))


def test_the_demo_prints_a_studio_login_that_works(demo_site, demo_server):
    from tests.studio.conftest import StudioSession

    address, password = (demo_site / ".masthead" / "demo-login.txt").read_text().split()
    assert (demo_site / ".masthead" / "demo-login.txt").stat().st_mode & 0o077 == 0
    import httpx

    s = StudioSession(httpx.Client(base_url=demo_server, timeout=30))
    assert s.login(address, password).status_code == 302
    assert "Orwell and the Windowpane" in s.get("/studio/").text


@pytest.mark.parametrize("database_url", ["sqlite", "postgres"], indirect=True)
def test_jobs_wait_in_the_database_until_a_worker_runs_them(tmp_path, database_url):
    from tests.conftest import serving
    from tests.studio.conftest import Studio, add_accounts

    site = make_site(tmp_path, database_url, url="http://127.0.0.1/")
    add_accounts(site)
    run_masthead("build", site=site)
    with serving(site, worker=False) as url:
        studio = Studio(url, site)
        studio.session("editor").new_post("Waiting for a worker", "Queued.", action="publish")
        time.sleep(2)
        year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
        with studio.client() as c:
            assert c.get(f"/{year_month}/waiting-for-a-worker/").status_code == 404
        done = run_masthead("worker", "--burst", site=site, timeout=120)
        assert "built site" in done.stderr
        studio.wait_for(f"/{year_month}/waiting-for-a-worker/", "Queued.", timeout=5)


def test_owners_change_settings_and_the_site_follows(studio):
    assert studio.session("editor").get("/studio/settings/").status_code == 403
    owner = studio.session("owner")
    form = owner.get("/studio/settings/")
    assert form.status_code == 200 and 'name="citation_style"' in form.text
    values = {"title": "Renamed Margins", "url": "http://127.0.0.1/", "description": "",
              "language": "en", "timezone": "UTC", "author": "", "footer": "Support me.",
              "permalink": "/{year}/{month}/{slug}/", "citation_style": "chicago-author-date",
              "support_links-label": "Patreon", "support_links-url": "https://patreon.example/me",
              "posts_per_page": "10", "feed_limit": "20"}
    bad = owner.post("/studio/settings/", {**values, "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "IANA time zone" in bad.text
    bad = owner.post("/studio/settings/", {**values, "citation_style": "no-such-style"})
    assert bad.status_code == 400 and "unknown citation style" in bad.text
    bad = owner.post("/studio/settings/", {**values, "support_links-url": ""})
    assert bad.status_code == 400 and "link 1: give its address" in bad.text
    assert 'type="checkbox" id="s-comments" name="comments" value="true" aria' in form.text
    assert owner.post("/studio/settings/", {**values, "comments": "true"}).status_code == 302
    assert 'name="comments" value="true" checked' in owner.get("/studio/settings/").text
    assert owner.post("/studio/settings/", values).status_code == 302  # unticked: off
    assert 'value="true" checked' not in owner.get("/studio/settings/").text
    home = studio.wait_for("/", "Renamed Margins").text
    assert "https://patreon.example/me" in home


def test_sources_are_added_in_the_studio_and_cited(studio):
    contributor = studio.session("contributor")
    assert "@milton1644" in contributor.get("/studio/sources/").text
    assert contributor.post("/studio/sources/", {"text": "@book{x, title={X}}"}
                            ).status_code == 403
    author = studio.session("author")
    bad = author.post("/studio/sources/", {"format": "csl-json", "text": "[{"})
    assert bad.status_code == 400 and "the pasted text:1: not valid JSON" in bad.text
    bib = ("@book{hobbes1651, author={Hobbes, Thomas}, title={Leviathan}, year={1651}, "
           "publisher={Andrew Crooke}}\n")
    added = author.post("/studio/sources/", {"format": "bibtex", "text": bib})
    assert added.status_code == 200 and "1 new" in added.text
    editor = author.get("/studio/posts/new/").text
    assert 'value="hobbes1651"' in editor
    html = author.post("/studio/preview/", {"body": "See [@hobbes1651, 13].\n"}).json()["html"]
    assert "Hobbes 1651, 13" in html and "Leviathan" in html


def _photo_with_gps(width: int = 2000, height: int = 1200) -> bytes:
    import io

    from PIL import Image

    img = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90 degrees
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x8825] = gps
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


def test_uploaded_images_lose_their_metadata_and_come_in_sizes(studio):
    from PIL import Image

    author = studio.session("author")
    author.get("/studio/media/")
    r = author.post("/studio/media/", {"alt": "An orange field"},
                    files={"image": ("Holiday Photo.JPG", _photo_with_gps(), "image/jpeg")},
                    headers={"accept": "application/json"})
    assert r.status_code == 200, r.text
    got = r.json()
    # Turned upright by its EXIF orientation: 1200 wide, 2000 high; the text gets Markdown.
    assert (got["width"], got["height"]) == (1200, 2000)
    assert re.fullmatch(r"!\[An orange field\]\(/media/\S+-1200\.jpg\)", got["markdown"])
    srcs = [(src, re.search(r"-(\d+)\.jpg$", src).group(1)) for src in got["sizes"]]
    assert [int(w) for _, w in srcs] == [480, 960, 1200]
    for src, w in srcs:
        stored = studio.site / src.lstrip("/")
        with Image.open(stored) as img:
            assert img.size[0] == int(w)
            assert not img.getexif(), f"{src} kept EXIF"
            assert "exif" not in img.info and "xmp" not in img.info
        assert b"PhoneMaker" not in stored.read_bytes()
    # The build copies them to the site.
    with studio.client() as c:
        for _ in range(100):
            if c.get(srcs[0][0]).status_code == 200:
                break
            time.sleep(0.2)
        assert c.get(srcs[0][0]).headers["content-type"] == "image/jpeg"


def test_uploads_that_are_not_images_are_refused(studio):
    import io

    from PIL import Image

    author = studio.session("author")
    author.get("/studio/media/")

    def upload(name: str, data: bytes, alt: str = "x"):
        return author.post("/studio/media/", {"alt": alt}, files={"image": (name, data)},
                           headers={"accept": "application/json"})

    fake = upload("evil.jpg", b"<script>alert(1)</script>")
    assert fake.status_code == 400 and "not an image we can read" in fake.json()["error"]
    buf = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buf, "PNG")  # 144 megapixels in a few kB
    bomb = upload("bomb.png", buf.getvalue())
    assert bomb.status_code == 400 and "bomb.png" in bomb.json()["error"]
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, "BMP")
    assert "upload JPEG, PNG, WebP or GIF" in upload("old.bmp", buf.getvalue()).json()["error"]
    assert "alt text" in upload("ok.png", buf.getvalue(), alt="").json()["error"]
    assert not list((studio.site / "media").rglob("*.*"))
    anon = studio.session(None)
    assert anon.post("/studio/media/", {"alt": "x"}).status_code == 302


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_forgotten_password_is_reset_by_email(tmp_path, database_url, mail_sink):
    from tests.conftest import configure_smtp, serving
    from tests.studio.conftest import Studio, add_accounts

    site = make_site(tmp_path, database_url, url="http://127.0.0.1/")
    add_accounts(site)
    configure_smtp(site, mail_sink)
    run_masthead("build", site=site)
    with serving(site) as url:
        studio = Studio(url, site)
        s = studio.session(None)
        s.get("/studio/password/reset/")
        page = s.post("/studio/password/reset/", {"email": "nobody@example.org"})
        same = s.post("/studio/password/reset/", {"email": email("author").upper()})
        # The same answer whether or not the address has an account.
        assert page.text == same.text and "If that address has an account" in page.text
        s.post("/studio/password/reset/", {"email": email("author")})  # too soon: no mail
        (to, msg), = mail_sink.wait(1)
        time.sleep(1)
        assert len(mail_sink.messages) == 1 and to == [email("author")]
        assert msg["From"] == "Test Site <site@example.org>"
        path = re.search(r"http://127\.0\.0\.1(/studio/password/reset/\S+/)",
                         msg.get_content()).group(1)
        s.get(path)
        weak = s.post(path, {"password": "short", "password2": "short"})
        assert weak.status_code == 400 and "too weak" in weak.text
        new = "an entirely new passphrase"
        done = s.post(path, {"password": new, "password2": new})
        assert done.status_code == 302 and "reset=1" in done.headers["location"]
        assert s.get(path).status_code == 400  # a link works once
        assert studio.session(None).login(email("author"), PASSWORD).status_code == 401
        assert studio.session(None).login(email("author"), new).status_code == 302


def test_without_a_mail_server_the_owner_sets_passwords(studio):
    page = studio.session(None).get("/studio/password/reset/")
    assert "masthead user password" in page.text and "<form" not in page.text.split("<main")[1]
    new = "set from the command line"
    run_masthead("user", "password", email("editor"), site=studio.site, input=new + "\n")
    assert studio.session(None).login(email("editor"), new).status_code == 302
    missing = run_masthead("user", "password", "ghost@example.org", site=studio.site,
                           input=new + "\n", check=False)
    assert missing.code == 1 and "has no account" in missing.stderr
    # Nor can a subscriber be added: the confirmation could not be sent. Said so.
    owner = studio.session("owner")
    page = owner.get("/studio/newsletter/")
    assert "No mail server is set up" in page.text and 'value="add"' not in page.text
    r = owner.post("/studio/newsletter/", {"action": "add", "email": "reader@example.org"})
    assert r.status_code == 400 and "set one up on the Email page" in r.text


def test_a_new_slug_keeps_the_old_address_alive(studio):
    editor = studio.session("editor")
    post_id = editor.new_post("First Title", "Some text.", action="publish")
    year_month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
    studio.wait_for(f"/{year_month}/first-title/", "Some text.")
    editor.get(f"/studio/posts/{post_id}/")
    editor.post(f"/studio/posts/{post_id}/", {"title": "Better Title", "slug": "better-title",
                                              "body": "Some text.", "action": "save"})
    studio.wait_for(f"/{year_month}/better-title/", "Some text.")
    with studio.client() as c:
        for _ in range(100):
            old = c.get(f"/{year_month}/first-title/")
            if old.status_code == 301:
                break
            time.sleep(0.2)
        assert old.status_code == 301 and old.headers["location"].endswith(
            f"/{year_month}/better-title/")
    # Pages cannot take an address the site uses itself.
    editor.get("/studio/posts/new/?kind=page")
    taken = editor.post("/studio/posts/new/", {"kind": "page", "title": "Studio",
                                               "slug": "studio", "action": "save"})
    assert taken.status_code == 400 and "an address the site uses itself" in taken.text


def test_a_failed_build_is_reported_in_the_studio(studio):
    (studio.site / "templates").mkdir()
    (studio.site / "templates" / "post.html").write_text("{% extends 'base.html' %}{{ broken")
    owner = studio.session("owner")
    owner.new_post("Will not build", "Text.", action="publish")
    for _ in range(150):
        page = owner.get("/studio/").text
        if "The last build of the site failed" in page:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("no word of the failed build")
    banner = re.search(r"The last build of the site failed[^<]*", page).group(0)
    assert "post.html" in banner
    assert "masthead.errors" not in banner and "Error:" not in banner.split("post.html")[0]



def test_behind_nginx_terminating_https_forms_work_and_cookies_are_secure(
        tmp_path, database_url):
    """The usual deployment (docs/studio.md): nginx speaks HTTPS to browsers and plain
    HTTP to `masthead serve`. Forms sent from the site's https address must be taken,
    cookies must only travel over HTTPS, and forms from elsewhere are still refused."""
    import httpx

    from tests.conftest import free_port, https_proxy, serving
    from tests.studio.conftest import StudioSession, add_accounts

    port = free_port()
    public = f"https://127.0.0.1:{port}"
    site = make_site(tmp_path, database_url, url=public + "/")
    add_accounts(site)
    run_masthead("build", site=site)
    with serving(site, worker=False) as backend, \
            https_proxy(tmp_path, port, backend) as trust:
        def browser() -> StudioSession:
            return StudioSession(httpx.Client(base_url=public, verify=trust,
                                              follow_redirects=False, timeout=30))

        b = browser()
        b.get("/studio/login/")
        r = b.post("/studio/login/", {"email": email("owner"), "password": PASSWORD},
                   headers={"Origin": public, "Referer": public + "/studio/login/"})
        assert r.status_code == 302, r.text[:300]
        cookies = r.headers.get_list("set-cookie")
        assert cookies and all("; Secure" in c for c in cookies), cookies
        assert b.get("/studio/").status_code == 200  # logged in, through the proxy
        elsewhere = browser()
        elsewhere.get("/studio/login/")
        r = elsewhere.post("/studio/login/", {"email": email("owner"), "password": PASSWORD},
                           headers={"Origin": "https://elsewhere.example.test"})
        assert r.status_code == 403
        # Straight to the server (an SSH tunnel, say): plain http still works.
        direct = StudioSession(httpx.Client(base_url=backend, follow_redirects=False))
        r = direct.login(email("owner"), PASSWORD)
        assert r.status_code == 302
        assert all("Secure" not in c for c in r.headers.get_list("set-cookie"))
        assert direct.get("/studio/").status_code == 200


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_behind_a_proxy_limits_hold_back_one_client_not_everyone(tmp_path, database_url,
                                                                 mail_sink):
    """With `[server] proxies = 1` the client's address comes from the proxy's
    X-Forwarded-For: a login locked for one client and one client's ten sign-ups an
    hour leave other clients alone, and what a client writes there itself is ignored.
    (The clients here differ by their loopback source address, 127.0.0.2, .3...)"""
    import httpx

    from tests.conftest import configure_smtp, free_port, https_proxy, serving
    from tests.studio.conftest import StudioSession, add_accounts

    port = free_port()
    public = f"https://127.0.0.1:{port}"
    site = make_site(tmp_path, database_url, url=public + "/")
    toml = site / "masthead.toml"
    toml.write_text(toml.read_text().replace("port = 8000\n", "port = 8000\nproxies = 1\n"))
    configure_smtp(site, mail_sink)
    add_accounts(site)
    run_masthead("build", site=site)
    with serving(site, worker=False) as backend, \
            https_proxy(tmp_path, port, backend) as trust:
        def client(source: str, **headers) -> httpx.Client:
            return httpx.Client(base_url=public, follow_redirects=False, timeout=30,
                                headers=headers, transport=httpx.HTTPTransport(
                                    local_address=source, verify=trust))

        locked = StudioSession(client("127.0.0.2"))
        codes = [locked.login(email("editor"), f"wrong {i}").status_code for i in range(5)]
        assert codes[-1] == 429 and locked.login(email("editor"), PASSWORD).status_code == 429
        forged = StudioSession(client("127.0.0.2", **{"X-Forwarded-For": "198.51.100.7"}))
        assert forged.login(email("editor"), PASSWORD).status_code == 429
        assert StudioSession(client("127.0.0.3")).login(email("editor"),
                                                        PASSWORD).status_code == 302

        busy = client("127.0.0.4")
        codes = [busy.post("/newsletter/subscribe/", data={"email": f"n{i}@example.org"})
                 .status_code for i in range(11)]
        assert codes == [200] * 10 + [429]
        other = client("127.0.0.5").post("/newsletter/subscribe/",
                                         data={"email": "other@example.org"})
        assert other.status_code == 200
