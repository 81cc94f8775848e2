#!/usr/bin/env python3
"""Import benchmark: a generated WordPress export of N long posts, through
`masthead import wordpress`, twice (new, then unchanged).

    .venv/bin/python bench/import_wxr.py [--posts 50000] [--small 5000] [--keep DIR]

The posts come from bench/corpus.py (long-form Markdown with footnotes,
quotations and citations), rendered to HTML and written as WXR 1.2 items with
categories, tags, an author and two comments each (one a reply), as WordPress writes
them. Prints the time, posts a second and the peak memory (PSS of the whole process
tree, the conversion workers included) for N posts and for a smaller export: the
import streams, so the peak should not grow with the file.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from build import measure  # noqa: E402
from corpus import write_corpus  # noqa: E402

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Bench Blog</title>
  <link>https://bench.example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[writer]]></wp:author_login>
  <wp:author_email><![CDATA[writer@bench.example.org]]></wp:author_email>
  <wp:author_display_name><![CDATA[Bench Writer]]></wp:author_display_name></wp:author>
"""


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


THANKS = cdata("Thank you for this.\n\nI learnt a lot.")


def write_wxr(corpus: Path, out: Path, posts: int) -> int:
    import pyromark
    import yaml

    files = sorted((corpus / "posts").glob("*.md"))[:posts]
    with out.open("w", encoding="utf-8") as f:
        f.write(HEAD)
        for i, path in enumerate(files, 1):
            _, fm, body = path.read_text().split("---\n", 2)
            meta = yaml.safe_load(fm)
            when = str(meta["date"])[:19].replace("T", " ")
            # The corpus's citations are Pandoc syntax; on WordPress they would be text.
            body_html = pyromark.html(body, options=pyromark.Options.ENABLE_FOOTNOTES)
            tags = "".join(f'<category domain="post_tag" nicename="{t}">{cdata(t)}</category>'
                           for t in meta.get("tags", []))
            f.write(f"""  <item>
    <title>{html.escape(meta["title"])}</title>
    <link>https://bench.example.org/{when[:4]}/{when[5:7]}/{when[8:10]}/{meta["slug"]}/</link>
    <dc:creator>{cdata("writer")}</dc:creator>
    <content:encoded>{cdata(body_html)}</content:encoded>
    <excerpt:encoded>{cdata(meta.get("summary", ""))}</excerpt:encoded>
    <wp:post_id>{i}</wp:post_id>
    <wp:post_date_gmt>{cdata(when)}</wp:post_date_gmt>
    <wp:post_name>{cdata(meta["slug"])}</wp:post_name>
    <wp:status>{cdata("publish")}</wp:status>
    <wp:post_type>{cdata("post")}</wp:post_type>
    <category domain="category" nicename="essays">{cdata("Essays")}</category>{tags}
    <wp:comment><wp:comment_id>{2 * i}</wp:comment_id><wp:comment_author>{cdata("A Reader")}</wp:comment_author>
      <wp:comment_date_gmt>{cdata(when)}</wp:comment_date_gmt>
      <wp:comment_content>{THANKS}</wp:comment_content>
      <wp:comment_approved>{cdata("1")}</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
    <wp:comment><wp:comment_id>{2 * i + 1}</wp:comment_id><wp:comment_author>{cdata("Bench Writer")}</wp:comment_author>
      <wp:comment_date_gmt>{cdata(when)}</wp:comment_date_gmt>
      <wp:comment_content>{cdata("Glad it helped.")}</wp:comment_content>
      <wp:comment_approved>{cdata("1")}</wp:comment_approved><wp:comment_parent>{2 * i}</wp:comment_parent></wp:comment>
  </item>
""")
        f.write("</channel>\n</rss>\n")
    return len(files)


def run(work: Path, wxr: Path, label: str) -> None:
    site = work / f"site-{label}"
    shutil.rmtree(site, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "masthead", "init", str(site)], check=True,
                   stdout=subprocess.DEVNULL)
    cmd = [sys.executable, "-m", "masthead", "--site", str(site), "import", "wordpress",
           str(wxr)]
    size = wxr.stat().st_size / 2**20
    for what in ("new", "again (unchanged)"):
        seconds, peak, out = measure(cmd)
        count = int(out.split()[1])
        print(f"{label}: {count} posts from a {size:,.0f} MiB WXR, {what}: {seconds:.1f} s, "
              f"{count / seconds:,.0f} posts/s, peak {peak:.0f} MiB", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", type=int, default=50_000)
    ap.add_argument("--small", type=int, default=5_000)
    ap.add_argument("--keep", type=Path)
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="masthead-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        if len(list((corpus / "posts").glob("*.md"))) < a.posts if corpus.is_dir() else True:
            shutil.rmtree(corpus, ignore_errors=True)
            write_corpus(corpus, a.posts)
        for n, label in ((a.small, "small"), (a.posts, "large")):
            wxr = work / f"export-{n}.xml"
            if not wxr.exists():
                write_wxr(corpus, wxr, n)
            run(work, wxr, label)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
