"""The pages of posts and of pages, the search page, and the files copied as they are
(the theme's static files, the site's media)."""

from __future__ import annotations

from collections import defaultdict

from masthead.sitegen.keys import key
from masthead.sitegen.plan.core import Output, Planner
from masthead.sitegen.snapshot import PostView


def posts(planner: Planner) -> None:
    """Each post's page. Its key holds the cards of its neighbours and of the other
    parts of its series, which the page links to."""
    posts = planner.snap.posts
    series: dict[str, list[PostView]] = defaultdict(list)
    for p in posts:
        if p.series:
            series[p.series].append(p)
    for i, post in enumerate(posts):
        older = posts[i - 1] if i > 0 else None
        newer = posts[i + 1] if i + 1 < len(posts) else None
        parts = tuple(series.get(post.series, ())) if post.series else ()
        navs = planner.book_navs.get(post.id, ())
        planner.page(post.path, "post.html",
                     (post.page_key, older and older.card_key, newer and newer.card_key,
                      tuple(p.card_key for p in parts), navs),
                     body_of=post.id, post=post, older=older, newer=newer, series_parts=parts,
                     book_navs=navs)


def pages(planner: Planner) -> None:
    for page in planner.snap.pages:
        navs = planner.book_navs.get(page.id, ())
        planner.page(page.path, "page.html", (page.page_key, navs) if navs else page.page_key,
                     body_of=page.id, post=page, book_navs=navs)


def search(planner: Planner) -> None:
    """The search page; what it searches is the search index, built beside the plan."""
    planner.page("/search/", "search.html", "search")


def static_files(planner: Planner) -> None:
    """The theme's static files, keyed by their content's version alone: they do not
    depend on the site."""
    theme = planner.theme
    for name, src in sorted(theme.static_files.items()):
        planner.outputs.append(Output(
            f"static/{name}", theme.static_version(name),
            lambda name=name, src=src: {f"static/{name}": src.read_bytes()}))


def media_files(planner: Planner) -> None:
    """The site's media/ (uploaded images) as public/media/, keyed by size and time:
    a large library is not read on every build."""
    media = planner.media
    if media is None or not media.is_dir():
        return
    for path in sorted(media.rglob("*")):
        if path.name.startswith(".") or not path.is_file():
            continue
        rel = path.relative_to(media).as_posix()
        if any(part.startswith(".") for part in rel.split("/")):
            continue
        st = path.stat()
        name = f"media/{rel}"
        planner.outputs.append(Output(name, key("media", st.st_size, st.st_mtime_ns),
                                      lambda name=name, path=path: {name: path.read_bytes()}))
