"""``masthead book ...``: books made of the site's posts.

A book is a title and an ordered list of posts (published ones, and drafts shown as
"coming soon"). These commands call :mod:`masthead.books.actions`. `book build` writes
the EPUB and the PDFs, then builds the site, whose web book at /books/SLUG/ offers them.
"""

from __future__ import annotations

import click

from masthead.cli.common import SiteOption, cli, out
from masthead.errors import ContentError, MastheadError


@cli.group(name="book")
def book_() -> None:
    """Books made of posts: new, set, add, move, remove, list, show, build, release,
    changes."""


def _act(what):
    try:
        return what()
    except ContentError as exc:
        raise MastheadError(str(exc)) from None


@book_.command(name="new")
@click.argument("slug")
@click.option("--title", required=True, help="The book's title.")
@click.option("--subtitle", default="", help="Its subtitle.")
@click.option("--author", "authors", multiple=True,
              help="An author's name (repeat for several; default: the site's author).")
@click.option("--language", default="", help="Its language, if not the site's (e.g. fr).")
@click.pass_obj
def book_new(site: SiteOption, slug: str, title: str, subtitle: str, authors: tuple[str, ...],
             language: str) -> None:
    """Start a book; SLUG is its address (/books/SLUG/) and its files' name."""
    site.open()
    from masthead.books.actions import new_book
    from masthead.content.models import get_site

    names = authors or ((get_site().author,) if get_site().author else ())
    book = _act(lambda: new_book(slug, title, subtitle=subtitle, authors=names,
                                 language=language))
    out.print(f"Started '{book.title}' ({book.slug}); add chapters with "
              f"`masthead book add {book.slug} POST_SLUG`.", markup=False)


@book_.command(name="set")
@click.argument("slug")
@click.option("--title", default=None)
@click.option("--subtitle", default=None)
@click.option("--language", default=None, help="e.g. fr, ar; empty for the site's.")
@click.option("--description", default=None, help="What the book is, for its page and files.")
@click.option("--cover", default=None, help="An uploaded image: its /media/... address.")
@click.option("--isbn", default=None)
@click.option("--licence", default=None, help='e.g. "CC BY-SA 4.0" or "All rights reserved".')
@click.option("--dedication", default=None)
@click.option("--footnotes", type=click.Choice(["chapter", "book"]), default=None,
              help="Number the notes per chapter, or through the book.")
@click.pass_obj
def book_set(site: SiteOption, slug: str, **values: str | None) -> None:
    """Change the book's details."""
    opened = site.open()
    from masthead.books.actions import change_book

    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        raise MastheadError("give at least one detail to change (see --help)")
    book = _act(lambda: change_book(slug, opened.root, **given))
    out.print(f"Changed {', '.join(given)} of '{book.title}'.", markup=False)


@book_.command(name="add")
@click.argument("slug")
@click.argument("post_slug")
@click.option("--part", default="", help="The part the chapter opens or belongs to.")
@click.option("--at", "at", type=int, default=None, help="Its place (1 is the first).")
@click.option("--front", "section", flag_value="front",
              help="As front matter (a preface, a foreword), not numbered.")
@click.option("--appendix", "section", flag_value="appendix", help="As an appendix.")
@click.option("--sample", is_flag=True, help="Part of the free sample.")
@click.pass_obj
def book_add(site: SiteOption, slug: str, post_slug: str, part: str, at: int | None,
             section: str | None, sample: bool) -> None:
    """Put a post (or page) in the book; a draft is "coming soon" until published."""
    site.open()
    from masthead.books.actions import add_post

    entry = _act(lambda: add_post(slug, post_slug, part=part, at=at,
                                  section=section or "chapter", sample=sample))
    state = "" if entry.post.status == "published" else " (coming soon: it is not published)"
    out.print(f"Added '{entry.post.title}' to '{entry.book.title}' at place "
              f"{entry.position}{state}.", markup=False)


@book_.command(name="move")
@click.argument("slug")
@click.argument("post_slug")
@click.option("--to", "to", type=int, required=True, help="Its new place (1 is the first).")
@click.pass_obj
def book_move(site: SiteOption, slug: str, post_slug: str, to: int) -> None:
    """Move a post of the book to another place."""
    site.open()
    from masthead.books.actions import move_post

    entry = _act(lambda: move_post(slug, post_slug, to))
    out.print(f"Moved '{post_slug}' to place {entry.position}.", markup=False)


@book_.command(name="remove")
@click.argument("slug")
@click.argument("post_slug")
@click.pass_obj
def book_remove(site: SiteOption, slug: str, post_slug: str) -> None:
    """Take a post out of the book (it stays on the site)."""
    site.open()
    from masthead.books.actions import remove_post

    _act(lambda: remove_post(slug, post_slug))
    out.print(f"Took '{post_slug}' out of the book.", markup=False)


@book_.command(name="list")
@click.pass_obj
def book_list(site: SiteOption) -> None:
    """The books: slug, title, chapters published of those planned, words."""
    site.open()
    from masthead.books.contents import contents, progress
    from masthead.content.books import Book

    books = list(Book.objects.order_by("slug"))
    if not books:
        out.print("No books. Start one with `masthead book new SLUG --title TITLE`.")
        return
    for book in books:
        done = progress(contents(book))
        out.print(f"{book.slug:<28} {book.title}: {done.published} of {done.chapters} "
                  f"chapters published ({done.percent} %), {done.words:,} words",
                  markup=False)


@book_.command(name="show")
@click.argument("slug")
@click.pass_obj
def book_show(site: SiteOption, slug: str) -> None:
    """A book's details and contents: each place, its state and its words."""
    site.open()
    from masthead.books.actions import find_book
    from masthead.books.contents import contents, progress

    book = _act(lambda: find_book(slug))
    places = contents(book)
    done = progress(places)
    heading = book.title + (f": {book.subtitle}" if book.subtitle else "")
    out.print(heading, markup=False)
    if book.authors:
        out.print("by " + ", ".join(book.authors), markup=False)
    out.print(f"{done.published} of {done.chapters} chapters published ({done.percent} %), "
              f"{done.words:,} words", markup=False)
    part = ""
    for place in places:
        if place.part and place.part != part:
            part = place.part
            out.print(f"  {part}", markup=False)
        label = ("front" if place.number is None else f"appendix {place.number}"
                 if place.section == "appendix" else f"{place.number:>2}.")
        flags = "".join([f" [{place.state}]" if place.state != "published" else "",
                         " [sample]" if place.sample else ""])
        out.print(f"  {place.position:>3}  {label:<11} {place.title} ({place.post_slug}, "
                  f"{place.words:,} words){flags}", markup=False)
    _show_versions(book)


def _show_versions(book) -> None:
    """The versions released, newest first: number, date, changelog line, files."""
    versions = list(book.versions.order_by("-number"))
    if not versions:
        out.print("No versions released yet (`masthead book release "
                  f"{book.slug} --changelog \"...\"`).", markup=False)
        return
    out.print("Versions:", markup=False)
    for version in versions:
        out.print(f"  v{version.number:<3} {version.released_at:%Y-%m-%d}  {version.changelog}"
                  f" ({', '.join(version.files)})", markup=False)


@book_.command(name="build")
@click.argument("slug")
@click.option("--format", "formats", type=click.Choice(["web", "epub", "pdf", "screen-pdf"]),
              multiple=True, help="Only this format (repeat for several; default: all).")
@click.option("--trim", default="a5", show_default=True,
              help="The print PDF's page: a5, 6x9, letter, a4, or e.g. 5.5inx8.5in.")
@click.pass_obj
def book_build(site: SiteOption, slug: str, formats: tuple[str, ...], trim: str) -> None:
    """Write the book's EPUB, print PDF and screen PDF into books/SLUG/ of the site, then
    build its web book (/books/SLUG/, with those files to download)."""
    opened = site.open()
    from masthead.books.actions import FORMATS, build_book, find_book

    wanted = formats or ("web", *FORMATS)
    files = tuple(f for f in wanted if f != "web")
    def say(line: str) -> None:
        out.print(line[:1].upper() + line[1:] + ".", markup=False)

    if files:
        paths = _act(lambda: build_book(slug, opened.root, files, trim=trim, say=say))
        for path in paths:
            out.print(f"Wrote {path.relative_to(opened.root)} "
                      f"({path.stat().st_size // 1024 + 1} KB).", markup=False)
    if "web" in wanted:
        from masthead.cli.build import run_build

        book = _act(lambda: find_book(slug))
        report = run_build(opened, full=False)
        out.print(f"Built the web book at /books/{book.slug}/ ({report.rendered} of "
                  f"{report.outputs} outputs of the site rendered).", markup=False)


@book_.command(name="release")
@click.argument("slug")
@click.option("--changelog", required=True, help='What changed, in a line ("Two new '
              'chapters; the preface rewritten.").')
@click.option("--trim", default="a5", show_default=True, help="The print PDF's page.")
@click.option("--queue-only", is_flag=True,
              help="Only queue the site's build and the email: a running `masthead "
                   "worker` does them.")
@click.pass_obj
def book_release(site: SiteOption, slug: str, changelog: str, trim: str,
                 queue_only: bool) -> None:
    """Publish the book's next version (v1, v2 ...): build its files, keep them in
    books/SLUG/vN/ beside the earlier versions', record the changelog line and each
    chapter's text, then rebuild the site (its versions pages) and email subscribers
    who asked for book updates."""
    opened = site.open(studio=True)
    from masthead.books.versions import release_book, version_folder

    version = _act(lambda: release_book(slug, opened.root, changelog, trim=trim))
    folder = version_folder(opened.root, version.book.slug, version.number)
    out.print(f"Released v{version.number} of '{version.book.title}': "
              f"{', '.join(version.files)} in {folder.relative_to(opened.root)}/.",
              markup=False)
    if not queue_only:
        from masthead.jobs.worker import run

        run(burst=True)


@book_.command(name="changes")
@click.argument("slug")
@click.argument("versions", nargs=-1)
@click.pass_obj
def book_changes(site: SiteOption, slug: str, versions: tuple[str, ...]) -> None:
    """What changed in each chapter between two versions (e.g. v1 v3; default: the
    last two), word by word: [-taken out-] {+put in+}."""
    site.open()
    from masthead.books.versions import changes

    if len(versions) not in (0, 2):
        raise MastheadError("give two versions (e.g. v1 v2), or none for the last two")
    found = _act(lambda: changes(slug, *versions) if versions else changes(slug))
    out.print(found.text().rstrip("\n"), markup=False)
