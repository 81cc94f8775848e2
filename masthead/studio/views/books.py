"""Books: the list of books with their progress, and each book's page: its details and
cover, its chapters in order (moved by dragging or by buttons, added, taken out), and
its files, built by the worker and downloaded from here.

Books are the site's, made of anyone's posts, so, like the newsletter, they are for the
roles that publish any post (editors and owners). Each form calls one action of
:mod:`masthead.books.actions`; a refusal is shown in that form, in the writer's words.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from masthead.accounts import permissions
from masthead.books import actions
from masthead.books.contents import contents, progress
from masthead.books.tasks import FAILED, BuildState, build_state
from masthead.content.books import Book
from masthead.content.images import store_image
from masthead.content.models import Post, get_site
from masthead.errors import ContentError
from masthead.jobs.queue import enqueue_build
from masthead.studio.dates import site_time
from masthead.studio.views.access import studio_login_required

# Each format's button and file: (label, file name, content type).
FORMATS = {
    "epub": ("EPUB", "{slug}.epub", "application/epub+zip"),
    "pdf": ("Print PDF", "{slug}.pdf", "application/pdf"),
    "screen-pdf": ("Screen PDF", "{slug}-screen.pdf", "application/pdf"),
}
DONE = {
    "new": "The book is started: add its chapters below.",
    "details": "Saved the book's details.",
    "added": "Added to the book.",
    "moved": "Moved.",
    "removed": "Taken out of the book (the post itself stays on the site).",
    "build": "The build is queued: the worker makes the files, and this page follows it.",
}
CANDIDATES = 200  # posts offered in "Add a post" (a search narrows them)
_COMMAND_RE = re.compile(r"\s*(?:\(see `[^`]*`\)|[:;,]?\s*(?:add one with )?`masthead [^`]*`"
                         r"|\((?:\w+\.)*\w+Error\))")
_MEDIA_RE = re.compile(r"^(?P<base>.+)-(?P<width>\d+)(?P<ext>\.jpg|\.png|\.gif|\.webp)$")


def in_studio_words(message: str) -> str:
    """A refusal as the studio says it: the command-line hints some messages carry
    ("see `masthead book show`") are for the terminal, and a library's error class
    ("(UnidentifiedImageError)") for a bug report, not for this page."""
    return _COMMAND_RE.sub("", message).strip()


def _allowed(request: HttpRequest) -> None:
    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners make books")


def _book(slug: str) -> Book:
    book = Book.objects.filter(slug=slug).first()
    if book is None:
        raise Http404("no such book")
    return book


def _names(text: str) -> list[str]:
    """Authors as typed: one a line (a name may hold a comma: "King, Jr.")."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@studio_login_required
def books_view(request: HttpRequest) -> HttpResponse:
    """Every book with its progress, and the form that starts one."""
    _allowed(request)
    form = {"title": "", "subtitle": "", "authors": get_site().author}
    error, status = "", 200
    if request.method == "POST":
        form = {k: request.POST.get(k, "") for k in form}
        try:
            book = actions.new_book("", form["title"], subtitle=form["subtitle"],
                                    authors=_names(form["authors"]))
        except ContentError as exc:
            error, status = in_studio_words(exc.reason), 400
        else:
            return HttpResponseRedirect(reverse("book", args=[book.slug]) + "?done=new")
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    books = [(book, progress(contents(book))) for book in Book.objects.order_by("title")]
    return render(request, "studio/books.html", {
        "books": books, "form": form, "error": error}, status=status)


def _place(request: HttpRequest, name: str, last: int) -> int | None:
    """A place typed or sent (1 is the first), checked against the book's length."""
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= last:
        raise ContentError(f"give a place from 1 to {last}")
    return int(raw)


def _cover(request: HttpRequest, root: Path) -> str:
    """The cover asked for: an upload (stored as the Media page stores images, which
    also needs the site built to copy it to public/media/), else one chosen from the
    site's images ("" for none)."""
    upload = request.FILES.get("cover_file")
    if upload is None:
        return request.POST.get("cover", "")
    try:
        stored = store_image(upload.read(), upload.name, root / "media")
    except ContentError as exc:
        raise ContentError(f"the cover {upload.name}: {exc.reason}", field="cover") from None
    with transaction.atomic():
        enqueue_build()
    return "/media/" + stored.files[-1][1]


def _change(request: HttpRequest, book: Book, root: Path) -> str:
    """The one action a form of the book's page asks for; its ``done`` word."""
    action = request.POST.get("action", "")
    slug = request.POST.get("post", "")
    count = book.entries.count()
    if action == "details":
        values = {name: request.POST.get(name, "") for name in actions.EDITABLE
                  if name != "cover"}
        values["cover"] = _cover(request, root)
        actions.change_book_details(book.slug, root, authors=_names(
            request.POST.get("authors", "")), **values)
        return "details"
    if action == "add":
        if not slug:
            raise ContentError("choose a post to add")
        actions.add_post(book.slug, slug, part=request.POST.get("part", ""),
                         at=_place(request, "at", count + 1))
        return "added"
    if not book.entries.filter(post_slug=slug).exists():
        raise ContentError("that post is no longer in the book (the page was out of date)")
    if action == "move":
        to = _place(request, "to", count)
        if to is not None:
            actions.move_post(book.slug, slug, to)
        return "moved"
    if action == "remove":
        actions.remove_post(book.slug, slug)
        return "removed"
    raise ContentError("the form asked for something this page does not do")


@studio_login_required
def book_view(request: HttpRequest, slug: str) -> HttpResponse:
    """A book's page: its details, its chapters and its files."""
    _allowed(request)
    book = _book(slug)
    root = Path(settings.MASTHEAD_ROOT)
    if request.method == "POST":
        form = request.POST.get("action", "")
        try:
            done = _change(request, book, root)
        except ContentError as exc:
            where = form if form in ("details", "add") else "chapters"
            return _page(request, _book(slug), status=400, errors={
                where: in_studio_words(exc.reason)}, posted=request.POST)
        anchor = {"details": "details", "added": "chapters", "moved": "chapters",
                  "removed": "chapters"}[done]
        book = Book.objects.get(pk=book.pk)  # the title may have changed, not the slug
        return HttpResponseRedirect(
            f"{reverse('book', args=[book.slug])}?done={done}#{anchor}")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _page(request, book)


def _candidates(book: Book, find: str) -> list[Post]:
    """Posts and pages the book could take (not trashed, not in it yet), newest first."""
    posts = Post.objects.exclude(status=Post.TRASHED).exclude(
        pk__in=book.entries.exclude(post=None).values("post_id"))
    if find:
        posts = posts.filter(Q(title__icontains=find) | Q(slug__icontains=find))
    return list(posts.order_by("-modified_at").only("slug", "title", "status", "kind")
                [:CANDIDATES])


def _images(root: Path) -> list[str]:
    """The site's uploaded images (the largest size of each), newest folder first."""
    found: dict[str, tuple[int, str]] = {}
    media = root / "media"
    for path in sorted(media.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*"), reverse=True):
        m = _MEDIA_RE.match(path.name)
        if not m:
            continue
        key = f"{path.parent.relative_to(media)}/{m['base']}"
        width = int(m["width"])
        if key not in found or width > found[key][0] or (
                width == found[key][0] and m["ext"] != ".webp"):
            found[key] = (width, "/media/" + path.relative_to(media).as_posix())
    return [address for _, address in found.values()]


def _files(book: Book, zone: str) -> list[dict]:
    folder = Path(settings.MASTHEAD_ROOT) / "books" / book.slug
    out = []
    for fmt, (label, pattern, _) in FORMATS.items():
        path = folder / pattern.format(slug=book.slug)
        if path.is_file():
            stat = path.stat()
            out.append({"format": fmt, "label": label, "name": path.name,
                        "size": _size(stat.st_size), "built": site_time(
                            _utc(stat.st_mtime), zone)})
    return out


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _state_words(state: BuildState, zone: str) -> str:
    """The build's state as a sentence (the page and its script show the same)."""
    what = " and ".join(FORMATS[f][0] for f in state.formats if f in FORMATS) or "book"
    if state.state == "queued":
        return f"{what}: waiting for the worker to start the build (asked " \
               f"{site_time(state.asked_at, zone)})."
    if state.state == "building":
        return f"{what}: building now…"
    if state.state == "done":
        return f"{what}: built {site_time(state.finished_at, zone)}."
    if state.state == FAILED:
        return f"{what}: the build failed: {in_studio_words(state.reason)}. The files " \
               "below are from the last build that worked."
    return "Not built yet."


def _page(request: HttpRequest, book: Book, *, status: int = 200,
          errors: dict | None = None, posted=None) -> HttpResponse:
    root = Path(settings.MASTHEAD_ROOT)
    site = get_site()
    places = contents(book)
    ids = dict(book.entries.values_list("position", "post_id"))
    find = request.GET.get("find", "").strip()
    state = build_state(book.slug)
    posted = posted or {}
    details = {name: getattr(book, name) for name in actions.EDITABLE}
    details["authors"] = "\n".join(book.authors)
    if posted.get("action") == "details":  # refused: the form keeps what was typed
        details = {name: posted.get(name, "") for name in details} | {"cover": book.cover}
    images = _images(root)
    if book.cover and book.cover not in images:
        images.insert(0, book.cover)
    return render(request, "studio/books_book.html", {
        "book": book, "details": details,
        "rows": [(p, ids.get(p.position)) for p in places], "count": len(places),
        "progress": progress(places), "candidates": _candidates(book, find), "find": find,
        "images": images, "numbering": Book.NOTE_NUMBERING,
        "formats": [(k, v[0]) for k, v in FORMATS.items()], "files": _files(book, site.timezone),
        "state": state, "state_words": _state_words(state, site.timezone),
        "done": DONE.get(request.GET.get("done", ""), ""), "errors": errors or {},
        "posted": posted if posted.get("action") == "add" else {},
    }, status=status)


@studio_login_required
@require_POST
def build_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue a build of one format, or of all of them; the page then follows it."""
    _allowed(request)
    book = _book(slug)
    wanted = request.POST.get("format", "")
    formats = list(FORMATS) if wanted == "all" else [wanted]
    try:
        actions.queue_book_build(book.slug, formats)
    except ContentError as exc:
        return _page(request, book, status=400,
                     errors={"build": in_studio_words(exc.reason)})
    return HttpResponseRedirect(f"{reverse('book', args=[book.slug])}?done=build#build")


@studio_login_required
@require_GET
def status_view(request: HttpRequest, slug: str) -> JsonResponse:
    """The book's newest build, for the page's script to follow until it ends."""
    _allowed(request)
    book = _book(slug)
    state = build_state(book.slug)
    return JsonResponse({"state": state.state, "running": state.running,
                         "words": _state_words(state, get_site().timezone)})


@studio_login_required
@require_GET
def file_view(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    """A built file of the book, for signed-in writers (it may hold chapters not yet
    on the public site's copy)."""
    _allowed(request)
    book = _book(slug)
    for _, pattern, content_type in FORMATS.values():
        if name == pattern.format(slug=book.slug):
            path = Path(settings.MASTHEAD_ROOT) / "books" / book.slug / name
            if not path.is_file():
                break
            response = FileResponse(path.open("rb"), content_type=content_type,
                                    as_attachment=True, filename=name)
            response["Cache-Control"] = "private, no-cache"
            return response
    raise Http404("no such file")
