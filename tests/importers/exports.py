"""Small exports written by the tests (and bench/faults_lying_zip.py): each one is
made on the spot, so what it holds is visible where it is used."""

from __future__ import annotations

import html
import re
import struct
import zipfile
from pathlib import Path

from tests.conftest import run_masthead

POSTS_CSV = ("post_id,post_date,is_published,email_sent_at,inbox_sent_at,type,audience,"
             "title,subtitle,podcast_url\n")


def substack_row(post_id: str, title: str) -> str:
    return f"{post_id},2021-03-04T10:00:00.000Z,true,,,newsletter,everyone,{title},,\n"


def lying_zip(path: Path, *, inflates_to: int, claims: int = 1000) -> Path:
    """A Substack export whose one post body claims ``claims`` bytes but inflates to
    ``inflates_to``: the declared sizes in its local header and in the central
    directory are patched after writing."""
    body_name = "posts/1.bomb.html"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("posts.csv", POSTS_CSV + substack_row("1.bomb", "Bomb"))
        with z.open(body_name, "w", force_zip64=False) as member:
            block = b"<p>" + b"a" * ((1 << 20) - 3)
            left = inflates_to
            while left > 0:
                member.write(block[:left])
                left -= len(block)
    data = bytearray(path.read_bytes())
    name = body_name.encode()
    local = data.find(b"PK\x03\x04")
    while local >= 0:  # the member's local header: uncompressed size at +22
        if data[local + 30:local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, claims)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:  # its central directory entry: uncompressed size at +24
        if data[central + 46:central + 46 + len(name)] == name:
            struct.pack_into("<I", data, central + 24, claims)
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))
    return path


NS = ('xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"')


def wp_item(post_id: int, title: str, *, link: str = "", body: str = "<p>Words.</p>",
            categories: str = "", extra: str = "", kind: str = "post",
            status: str = "publish") -> str:
    return f"""<item><title>{html.escape(title)}</title><link>{html.escape(link)}</link>
<dc:creator>ann</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>2021-03-04 10:00:00</wp:post_date_gmt>
<wp:post_name>{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}</wp:post_name>
<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type>{categories}{extra}
</item>"""


def wxr(tmp_path: Path, *items: str, name: str = "export.xml") -> Path:
    path = tmp_path / name
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {NS}><channel><title>Old</title><link>https://old.example</link>
{''.join(items)}
</channel></rss>
""", encoding="utf-8")
    return path


def stored_titles(site: Path, tmp_path: Path) -> list[str]:
    out = tmp_path / "exported"
    run_masthead("export", "markdown", out, site=site)
    return sorted(re.search(r"^title: (.*)$", p.read_text(), re.M).group(1).strip("'\"")
                  for p in out.rglob("*.md"))


def one_line_error(result, *names: str) -> str:
    """The command failed with a single line on stderr, naming what it should."""
    assert result.code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr.replace(
        "error:", "")
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


KIND = "http://schemas.google.com/g/2005#kind"


def blogger_entry(number: int, kind: str, title: str, extra: str = "") -> str:
    return f"""<entry><id>tag:blogger.com,1999:blog-7.post-{number}</id>
<published>2020-04-0{number % 9 + 1}T10:00:00.000+02:00</published>
<category scheme='{KIND}' term='http://schemas.google.com/blogger/2008/kind#{kind}'/>
<title type='text'>{title}</title><content type='html'>&lt;p&gt;{title} words.&lt;/p&gt;</content>
<author><name>Ada</name><gd:image rel='http://schemas.google.com/g/2005#thumbnail' src='x'/></author>
{extra}</entry>"""
