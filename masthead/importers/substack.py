"""Substack's export (Settings > Exports): ``posts.csv`` and a ``posts/`` folder of HTML
bodies named ``<post_id>.html``, as the zip Substack sends or unpacked into a folder.

Each row gives the date, whether it is published, the type (newsletter, podcast,
thread, page), the audience, the title and subtitle (the subtitle becomes the
excerpt). Posts lived at ``/p/<slug>``, which becomes the old URL. Substack's buttons
(subscribe, share, leave a comment) are left out. The subscriber lists in the same
export go through ``masthead subscribers import``.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from masthead.content.models import Post
from masthead.importers.platform import (
    CommentData,
    Notes,
    PlatformItem,
    make_slug,
    old_path,
    old_urls,
    parse_when,
)
from masthead.importers.xmlstream import ExportFileError, Repairs
from masthead.publishing.store import PostData

MAX_MEMBER = 50 * 2**20  # bytes: no post body is larger; a bigger member is a zip bomb
CHUNK = 1 << 16  # bytes inflated at a time
COLUMNS = {"post_id", "post_date", "is_published", "title"}


class _Export:
    """The files of an export, from a folder or a zip."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_dir():
            return
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise ExportFileError(path, "expected a Substack export: the zip Substack sends, "
                                  "or the folder it unpacks to (with posts.csv)") from None
        names = [n for n in self.zip.namelist() if n.endswith("posts.csv")]
        if not names:
            raise ExportFileError(path, "this zip has no posts.csv: is it a Substack export?")
        self.prefix = names[0][: -len("posts.csv")]

    def read(self, name: str) -> bytes | None:
        """A file of the export, or None if it has none by that name. At most
        MAX_MEMBER bytes are ever read, whatever size the zip declares: a member that
        claims 1,000 bytes may inflate to gigabytes."""
        if self.zip is None:
            return self._read_file(name)
        try:
            info = self.zip.getinfo(self.prefix + name)
        except KeyError:
            return None
        if info.file_size > MAX_MEMBER:
            raise ExportFileError(self.path, f"{name} would unpack to {info.file_size} bytes; "
                                  "refused")
        try:
            with self.zip.open(info) as member:
                data = _read_capped(member)
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise ExportFileError(self.path, f"{name} in this zip does not unpack to what the "
                                  "zip says it holds (a damaged or altered export); refused: "
                                  "download the export again") from None
        except (NotImplementedError, RuntimeError) as exc:  # a method or encryption we lack
            raise ExportFileError(self.path, f"{name} in this zip cannot be unpacked "
                                  f"({_plain(exc)})") from None
        if data is None:
            raise ExportFileError(self.path, f"{name} unpacks to more than {MAX_MEMBER} bytes, "
                                  "not the size the zip declares; refused")
        return data

    def _read_file(self, name: str) -> bytes | None:
        root = self.path.resolve()
        f = (self.path / name).resolve()
        if not f.is_relative_to(root):
            raise ExportFileError(self.path, f"{name} is outside the export folder; refused")
        if not f.is_file():
            return None
        with f.open("rb") as handle:
            data = _read_capped(handle)
        if data is None:
            raise ExportFileError(f, f"larger than {MAX_MEMBER} bytes; refused")
        return data

    def names(self) -> list[str]:
        if self.zip is None:
            return [p.name for p in self.path.iterdir()]
        return [n[len(self.prefix):] for n in self.zip.namelist() if n.startswith(self.prefix)]


def _read_capped(stream) -> bytes | None:
    """All of a stream in pieces, or None once it passes MAX_MEMBER bytes."""
    pieces, total = [], 0
    while piece := stream.read(CHUNK):
        total += len(piece)
        if total > MAX_MEMBER:
            return None
        pieces.append(piece)
    return b"".join(pieces)


def _plain(exc: Exception) -> str:
    """What zipfile and zlib say, without their class names."""
    text = str(exc).strip() or "it ends too soon"
    return text[0].lower() + text[1:]


def subscriber_files(path: Path) -> list[str]:
    """The subscriber lists beside the posts, for the summary's hint."""
    try:
        export = _Export(path)
    except ExportFileError:
        return []
    return sorted(n for n in export.names() if n.startswith("email_list") or
                  n.startswith("email-list"))


def read(path: Path, notes: Notes, repairs: Repairs, progress=None
         ) -> Iterator[PlatformItem | CommentData]:
    export = _Export(path)
    raw = export.read("posts.csv")
    if raw is None:
        raise ExportFileError(path, "no posts.csv here: expected a Substack export folder")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportFileError(path / "posts.csv", "not UTF-8 text") from None
    rows = csv.DictReader(io.StringIO(text))
    missing = COLUMNS - set(rows.fieldnames or [])
    if missing:
        raise ExportFileError(path / "posts.csv", f"no column {sorted(missing)[0]!r}: "
                              "expected Substack's posts.csv (post_id, post_date, "
                              "is_published, title...)", 1)
    for row in rows:
        line = rows.line_num
        if progress is not None:
            progress(1)
        post_id = (row.get("post_id") or "").strip()
        title = htmllib.unescape((row.get("title") or "").strip()) or "Untitled"
        where = f"posts.csv line {line} '{title}'"
        if not post_id:
            notes.skip(where, "it has no post_id")
            continue
        if "/" in post_id or "\\" in post_id or post_id.startswith(".") or "\0" in post_id:
            raise ExportFileError(path / "posts.csv", f"'{title}': the post_id '{post_id}' is "
                                  "not the name of a post in the export; refused", line)
        body_html = export.read(f"posts/{post_id}.html")
        if body_html is None:
            notes.skip(where, f"posts/{post_id}.html is not in the export")
            continue
        html = body_html.decode("utf-8", errors="replace")
        podcast = (row.get("podcast_url") or "").strip()
        if podcast:
            html = (f'<p><a href="{htmllib.escape(podcast)}">Listen to the episode</a></p>\n'
                    + html)
        number, _, name = post_id.partition(".")
        kind = "page" if (row.get("type") or "").strip() == "page" else "post"
        slug = make_slug(name, title, kind=kind)
        if (row.get("audience") or "everyone").strip() not in ("everyone", ""):
            notes.warn(f"{where}: it was for paying subscribers only on Substack; here it "
                       "is public once published")
        published = (row.get("is_published") or "").strip().lower() == "true"
        post = PostData(
            kind=Post.PAGE if kind == "page" else Post.POST, slug=slug, title=title,
            body="", where=where, status=Post.PUBLISHED if published else Post.DRAFT,
            excerpt=htmllib.unescape((row.get("subtitle") or "").strip()),
            published_at=parse_when(row.get("post_date") or ""),
            old_urls=old_urls([old_path(f"/p/{name}")], where, notes)
            if name and kind == "post" else [],
            extra={"imported_from": f"substack:{number}"})
        yield PlatformItem(post=post, origin=f"substack:{number}", html=html)
