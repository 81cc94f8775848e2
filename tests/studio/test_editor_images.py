"""Images into the editor's text in Chromium: pasted, dropped where they fall, or chosen
with the toolbar; described in a dialog, uploaded with progress, written as Markdown and
shown in the preview at once."""

from __future__ import annotations

import base64
import datetime as dt
import io
import random
import re
from html.parser import HTMLParser

import pytest

from tests.studio.conftest import log_in

pytestmark = pytest.mark.browser

MARKDOWN_RE = r"!\[{alt}\]\((/media/\d{{4}}/\d{{2}}/{name}-[0-9a-f]{{8}}-{width}\.png)\)"


def _png(width: int = 400, height: int = 300, noise: bool = False) -> str:
    """A PNG, base64: random pixels make it large enough to take a while to upload."""
    from PIL import Image

    img = Image.new("RGB", (width, height), (200, 30, 30))
    if noise:
        rnd = random.Random(4)
        img.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
                     for _ in range(width * height)])
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


GIVE_FILE = """([data, name]) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type: "image/png" }));
    return transfer;
}"""


def _paste(page, data: str, name: str) -> None:
    transfer = page.evaluate_handle(GIVE_FILE, [data, name])
    page.evaluate("""(t) => document.getElementById('body').dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: t, bubbles: true, cancelable: true }))""",
                  transfer)


@pytest.fixture
def editor(context, studio):
    page = context.new_page()
    log_in(page, studio.url, "author")
    page.goto(studio.url + "/studio/posts/new/")
    page.get_by_role("toolbar", name="Formatting").wait_for()
    page.get_by_label("Title").fill("With pictures")
    return page


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_pasted_image_is_described_uploaded_with_progress_and_shown_at_once(editor,
                                                                              context):
    page = editor
    text_box = page.get_by_label("Text (Markdown")
    text_box.fill("Before the picture.\n\nAfter it.")
    page.evaluate("() => document.getElementById('body').setSelectionRange(19, 19)")
    # A slow line, so the upload's progress can be seen.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": 150_000})
    _paste(page, _png(noise=True), "Red Square.png")
    dialog = page.get_by_role("dialog", name="Add an image")
    dialog.wait_for()
    description = dialog.get_by_label("Describe it for readers who cannot see it")
    assert page.evaluate("document.activeElement.id") == "image-alt"
    # No description: asked again, nothing uploaded.
    dialog.get_by_role("button", name="Upload and insert").click()
    assert "Describe the image first" in dialog.get_by_role("alert").inner_text()
    description.fill("A red square [with noise]")
    dialog.get_by_role("button", name="Upload and insert").click()
    progress = dialog.locator("progress")
    progress.wait_for()
    seen = set()
    while dialog.is_visible():
        text = dialog.locator("#image-progress-text").inner_text()
        if text.startswith("Uploading:"):
            seen.add(int(re.search(r"(\d+) %", text).group(1)))
        page.wait_for_timeout(50)
    assert any(0 < p < 100 for p in seen), seen
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    text = text_box.input_value()
    pattern = MARKDOWN_RE.format(alt=re.escape(r"A red square \[with noise\]"),
                                 name="red-square", width=400)
    m = re.fullmatch(r"Before the picture\.\n\n" + pattern + r"\n\nAfter it\.", text)
    assert m, text
    assert "<img" not in text
    # The preview shows it before any build has copied it to the site.
    image = page.frame_locator("#preview").get_by_role("img", name="A red square [with noise]")
    image.wait_for()
    page.wait_for_function("""() => { const i = document.getElementById('preview')
        .contentDocument.querySelector('img'); return i && i.complete && i.naturalWidth; }""")
    # (naturalWidth is scaled to the srcset's choice for the frame's width: the size on
    # the tag is the image's own.)
    assert image.get_attribute("width") == "400" and image.get_attribute("height") == "300"
    stored = "/studio/media/files/" + m.group(1)[len("/media/"):]
    assert image.get_attribute("src") == stored
    assert image.evaluate("i => i.currentSrc").endswith(stored.removesuffix(".png") + ".webp")
    # One undo takes the image out again.
    page.keyboard.press("Control+z")
    assert text_box.input_value() == "Before the picture.\n\nAfter it."


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_dropped_image_goes_where_it_is_dropped_not_where_the_cursor_is(editor):
    page = editor
    text_box = page.get_by_label("Text (Markdown")
    text_box.fill("First paragraph.\n\nSecond paragraph.\n\nThird paragraph.")
    page.evaluate("() => document.getElementById('body').setSelectionRange(0, 0)")
    box = text_box.bounding_box()
    style = text_box.evaluate("b => { const s = getComputedStyle(b);"
                              " return [parseFloat(s.lineHeight), parseFloat(s.paddingTop)]; }")
    # The right-hand end of the third line ("Second paragraph.").
    x, y = box["x"] + box["width"] - 40, box["y"] + style[1] + style[0] * 2.5
    transfer = page.evaluate_handle(GIVE_FILE, [_png(), "dropped.png"])
    text_box.dispatch_event("dragover", {"dataTransfer": transfer, "clientX": x, "clientY": y})
    text_box.dispatch_event("drop", {"dataTransfer": transfer, "clientX": x, "clientY": y})
    dialog = page.get_by_role("dialog", name="Add an image")
    dialog.get_by_label("Describe it for readers who cannot see it").fill("Dropped")
    dialog.get_by_role("button", name="Upload and insert").click()
    dialog.wait_for(state="hidden")
    text = text_box.input_value()
    pattern = MARKDOWN_RE.format(alt="Dropped", name="dropped", width=400)
    assert re.fullmatch(r"First paragraph\.\n\nSecond paragraph\.\n\n" + pattern
                        + r"\n\nThird paragraph\.", text), text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_image_button_chooses_a_file_and_escape_leaves_the_text_as_it_was(editor,
                                                                              tmp_path):
    page = editor
    text_box = page.get_by_label("Text (Markdown")
    text_box.fill("Text.")
    png = tmp_path / "chosen.png"
    png.write_bytes(base64.b64decode(_png(100, 80)))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Image").click()
    chooser.value.set_files(str(png))
    dialog = page.get_by_role("dialog", name="Add an image")
    dialog.wait_for()
    assert dialog.get_by_role("img").count() == 0  # the thumbnail is decoration (alt="")
    assert page.locator("#image-thumb").is_visible()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    assert text_box.input_value() == "Text."
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Image").click()
    chooser.value.set_files(str(png))
    dialog.get_by_label("Describe it for readers who cannot see it").fill("Chosen")
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert re.fullmatch(r"Text\.\n\n" + MARKDOWN_RE.format(alt="Chosen", name="chosen",
                                                           width=100) + "\n",
                        text_box.input_value()), text_box.input_value()


def _photo(width: int, height: int, fmt: str) -> bytes:
    """A smooth picture (a gradient), quick to encode in every format."""
    from PIL import Image

    img = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def _upload(session, name: str, data: bytes, alt: str) -> dict:
    session.get("/studio/media/")
    r = session.post("/studio/media/", {"alt": alt}, files={"image": (name, data)},
                     headers={"accept": "application/json"})
    assert r.status_code == 200, r.text
    return r.json()


class _Pictures(HTMLParser):
    """Each <picture> of a page: its sources' (type, srcset, sizes) and its img's attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "picture":
            self.inside = True
            self.found.append({"sources": [], "img": None})
        elif tag == "source" and self.inside:
            self.found[-1]["sources"].append(attrs)
        elif tag == "img" and self.inside:
            self.found[-1]["img"] = attrs

    def handle_endtag(self, tag):
        if tag == "picture":
            self.inside = False


def _candidates(srcset: str) -> list[tuple[str, int]]:
    return [(url, int(w.rstrip("w"))) for url, w in
            (part.split() for part in srcset.split(","))]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_published_images_are_pictures_in_modern_formats_and_only_the_first_loads_at_once(
        studio, context):
    from PIL import Image, features

    editor = studio.session("editor")
    photo = _upload(editor, "Harbour.jpg", _photo(2000, 1500, "JPEG"), "The harbour")
    drawing = _upload(editor, "Plan.png", _photo(1000, 600, "PNG"), "The plan")
    assert "<" not in photo["markdown"] + drawing["markdown"]  # plain Markdown, no HTML
    post_id = editor.new_post("Two pictures", f"Opening words.\n\n{photo['markdown']}\n\n"
                              f"Between them.\n\n{drawing['markdown']}\n\nThe end.",
                              action="publish")
    path = f"/{dt.datetime.now(dt.UTC).strftime('%Y/%m')}/two-pictures/"
    parser = _Pictures()
    parser.feed(studio.wait_for(path, "<picture>").text)
    first, second = parser.found
    avif = features.check("avif")
    # The photo: AVIF (where Pillow writes it), then WebP, then the JPEG itself.
    assert [s["type"] for s in first["sources"]] == \
        (["image/avif"] if avif else []) + ["image/webp"]
    # The drawing (a PNG): WebP only, lossless; AVIF would blur its lines.
    assert [s["type"] for s in second["sources"]] == ["image/webp"]
    with studio.client() as c:
        for pic, widths, fallback in ((first, [480, 960, 1600, 2000], "JPEG"),
                                      (second, [480, 960, 1000], "PNG")):
            offered = [(s["type"].split("/")[1].upper(), s["srcset"]) for s in pic["sources"]]
            for fmt, srcset in [*offered, (fallback, pic["img"]["srcset"])]:
                got = _candidates(srcset)
                assert [w for _, w in got] == widths, srcset
                for url, w in got:
                    r = c.get(url)
                    assert r.status_code == 200, url
                    with Image.open(io.BytesIO(r.content)) as img:
                        assert (img.format, img.size[0]) == (fmt, w), url
    # Sized on the tag, so the page does not shift as it loads; the first eager.
    assert (first["img"]["width"], first["img"]["height"]) == ("2000", "1500")
    assert (second["img"]["width"], second["img"]["height"]) == ("1000", "600")
    assert "loading" not in first["img"] and first["img"]["fetchpriority"] == "high"
    assert second["img"]["loading"] == "lazy"
    assert first["img"]["alt"] == "The harbour" and second["img"]["alt"] == "The plan"

    # Chromium takes the modern format.
    page = context.new_page()
    page.goto(studio.url + path)
    shown = page.get_by_role("img", name="The harbour")
    shown.evaluate("i => i.decode()")
    modern = ".avif" if avif else ".webp"
    assert shown.evaluate("i => i.currentSrc").endswith(modern)
    plan = page.get_by_role("img", name="The plan")
    plan.scroll_into_view_if_needed()
    plan.evaluate("i => i.decode()")
    assert plan.evaluate("i => i.currentSrc").endswith(".webp")

    # So does the editor's preview, from the studio's copy of media/.
    log_in(page, studio.url, "editor")
    page.goto(f"{studio.url}/studio/posts/{post_id}/")
    page.wait_for_function("""() => { const d = document.getElementById('preview')
        .contentDocument; const i = d && d.querySelector('picture img');
        return i && i.complete && i.naturalWidth; }""")
    current = page.evaluate("""() => document.getElementById('preview').contentDocument
        .querySelector('picture img').currentSrc""")
    assert current.startswith(studio.url + "/studio/media/files/") and current.endswith(modern)
