"""Stored images on the built site and in the newsletter: pictures made from the plain
Markdown address at build time, images stored before variants given them by the next
build, raw HTML pictures held to the same URL policy as images, plain images in email."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image, features

from tests.conftest import configure_smtp, make_site, node_module, run_masthead

OLD = "2025/11/harbour-0123abcd"  # as the site names an upload: slug, digest, width
POST = """---
title: Old pictures
date: 2025-11-20T10:00:00Z
---

The harbour, stored before this site made WebP:

![The harbour](/media/{old}-1200.jpg)

Another site's picture, and one this site never had:

![Far away](https://elsewhere.example/far.jpg)

![Missing](/media/2025/11/gone-89abcdef-480.jpg)
"""


def html_errors(page: Path) -> list[str]:
    """What the Nu Html Checker (vnu.jar) finds wrong with a built page."""
    proc = subprocess.run(["java", "-jar", str(node_module("vnu-jar", "build", "dist", "vnu.jar")),
                           "--format", "json", "--errors-only", str(page)],
                          capture_output=True, text=True, timeout=300)
    return [m["message"] for m in json.loads(proc.stderr or '{"messages": []}')["messages"]]


def old_upload(folder: Path) -> None:
    """JPEGs at the widths an upload had, with no WebP or AVIF beside them."""
    (folder / OLD).parent.mkdir(parents=True, exist_ok=True)
    for w in (480, 960, 1200):
        img = Image.linear_gradient("L").resize((w, w * 3 // 4)).convert("RGB")
        img.save(folder / f"{OLD}-{w}.jpg", "JPEG")


def import_post(site: Path, tmp_path: Path, text: str, name: str = "old-pictures.md") -> None:
    posts = tmp_path / "posts"
    posts.mkdir(exist_ok=True)
    (posts / name).write_text(text)
    run_masthead("import", "markdown", posts, site=site)


def test_images_put_back_after_a_build_get_variants_and_their_post_is_rendered_again(
        sqlite_site, tmp_path):
    site = sqlite_site
    import_post(site, tmp_path, POST.format(old=OLD))
    run_masthead("build", site=site)
    page = site / "public/2025/11/old-pictures/index.html"
    assert "<picture>" not in page.read_text()  # the files are not there yet
    # The writer puts back the media/ folder of a backup made before WebP was made.
    backup = tmp_path / "backup"
    old_upload(backup)
    shutil.copytree(backup, site / "media", dirs_exist_ok=True)
    built = run_masthead("build", site=site)
    assert "1 posts re-rendered" in built.stdout
    html = page.read_text()
    picture = re.search(r"<picture>.*?</picture>", html).group(0)
    kinds = re.findall(r'<source type="([^"]+)" srcset="([^"]+)"', picture)
    assert [k for k, _ in kinds] == (["image/avif"] if features.check("avif") else []) \
        + ["image/webp"]
    for kind, srcset in kinds:
        for url, w in (c.split() for c in srcset.split(", ")):
            with Image.open(site / "public" / url.lstrip("/")) as img:
                assert img.format == kind.split("/")[1].upper()
                assert f"{img.size[0]}w" == w
    assert 'width="1200" height="900" alt="The harbour"' in picture
    # Images that are not this site's stored uploads are left as they were.
    assert '<img src="https://elsewhere.example/far.jpg" alt="Far away"' in html
    assert '<img src="/media/2025/11/gone-89abcdef-480.jpg" alt="Missing"' in html
    assert html.count("<picture>") == 1
    # Feed readers choose no size: the picture is one image there, its address absolute.
    item, = json.loads((site / "public/feed.json").read_text())["items"]
    assert "<picture" not in item["content_html"] and "srcset" not in item["content_html"]
    assert re.search(rf'<img src="https?://[^"]+/media/{OLD}-960\.jpg" width="1200" '
                     'height="900" alt="The harbour">', item["content_html"])
    assert html_errors(page) == []
    # Nothing missing any more: the next build makes nothing and renders nothing.
    again = run_masthead("build", site=site)
    assert "0 posts re-rendered" in again.stdout


def test_a_pictures_sources_pass_the_same_address_policy_as_images(sqlite_site, tmp_path):
    site = sqlite_site
    import_post(site, tmp_path, """---
title: Raw pictures
date: 2025-11-21T10:00:00Z
---

<picture><source type="image/webp" srcset="java&#x09;script:alert(1) 1x">\
<source type="image/avif" srcset="/media/a.avif 1x, JAVASCRIPT:alert(2) 2x">\
<source type="image/webp" srcset="/media/b.webp 480w, https://cdn.example/b.webp 960w" \
sizes="50vw" onerror="alert(3)"><img src="/media/b.jpg" alt="Kept" \
srcset="data:image/png;base64,AAAA 1x"></picture>
""", "raw-pictures.md")
    run_masthead("build", site=site)
    html = (site / "public/2025/11/raw-pictures/index.html").read_text()
    body = html[html.index("<picture>"):html.index("</picture>")]
    assert "script:" not in body.lower() and "alert" not in body and "data:" not in body
    assert re.findall(r"<source[^>]*>", body) == [
        '<source type="image/webp" srcset="/media/b.webp 480w, '
        'https://cdn.example/b.webp 960w" sizes="50vw">']
    assert '<img src="/media/b.jpg" alt="Kept">' in body


def test_the_newsletter_sends_one_plain_image_of_a_width_for_mail(tmp_path, mail_sink):
    site = make_site(tmp_path, None, url="https://essays.example.org/")
    configure_smtp(site, mail_sink)
    old_upload(site / "media")
    import_post(site, tmp_path, POST.format(old=OLD))
    run_masthead("build", site=site)  # the variants are made
    assert (site / "media" / f"{OLD}-1200.webp").exists()
    (tmp_path / "s.csv").write_text("email,status\nreader@example.org,confirmed\n")
    run_masthead("subscribers", "import", tmp_path / "s.csv", site=site)
    run_masthead("newsletter", "send", "old-pictures", site=site)
    (_, msg), = mail_sink.wait(1)
    html = msg.get_body(("html",)).get_content()
    assert "<picture" not in html and "<source" not in html and "srcset" not in html
    img = re.search(r'<img [^>]*alt="The harbour"[^>]*>', html).group(0)
    # The narrowest size sharp at twice the mail's 600 pixels, its own JPEG, sized.
    assert f'src="https://essays.example.org/media/{OLD}-1200.jpg"' in img
    assert 'width="600" height="450"' in img
    assert "loading=" not in img
