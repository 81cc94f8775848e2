"""The email that a book has a new version, for subscribers who asked for book updates.

It goes out as a post's email does (one render a send, a copy per reader, DKIM, the
same unsubscribe links): the version's number and changelog line, the chapters that
changed, and links to the book's page and to its versions. Only readers who chose
book updates (``Subscriber.book_updates``, set on their Manage page) get it; members,
once memberships exist, join them in :func:`recipients`.
"""

from __future__ import annotations

from html import escape
from types import SimpleNamespace

from django.conf import settings
from django.db.models import QuerySet

from masthead.content.books import BookVersion
from masthead.content.models import get_site
from masthead.newsletter.message import MARK, to_text
from masthead.newsletter.models import Subscriber
from masthead.render import worddiff
from masthead.sitegen.bodies import context_for
from masthead.sitegen.snapshot import site_view
from masthead.sitegen.theme import Theme


def recipients() -> QuerySet[Subscriber]:
    """Who hears of a new version: confirmed subscribers who asked for book updates."""
    return Subscriber.objects.filter(status=Subscriber.CONFIRMED, book_updates=True)


def render(version: BookVersion) -> tuple[str, str, str]:
    """(subject, html, text) of a version's email, with :data:`MARK` where each reader's
    unsubscribe link goes."""
    import css_inline

    site_row = get_site()
    site = site_view(site_row)
    root = settings.MASTHEAD_ROOT
    words = context_for(site_row, root).words
    book = version.book

    def _(message: str, **values: object) -> str:
        return words.gettext(message) % values

    book_url = site.absolute(f"/books/{book.slug}/")
    versions_url = site.absolute(f"/books/{book.slug}/versions/")
    subject = _("%(book)s: version %(number)s", book=book.title, number=version.number)
    body = [f"<p>{escape(_('Version %(number)s of %(book)s is out.', number=version.number, book=book.title))}</p>"]
    if version.changelog:
        body.append(f"<p><strong>{escape(_('What changed:'))}</strong> "
                    f"{escape(version.changelog)}</p>")
    before = book.versions.filter(number__lt=version.number).order_by("-number").first()
    if before is not None:
        touched = [c for c in worddiff.compare(before.chapters, version.chapters) if c.touched]
        if touched:
            body.append("<ul>" + "".join(
                f"<li>{escape(c.title)}: {escape(worddiff.summary(c))}</li>" for c in touched)
                + "</ul>")
    body.append(f'<p><a href="{escape(book_url)}">{escape(_("The book and its downloads"))}'
                f'</a> · <a href="{escape(versions_url)}">'
                f'{escape(_("Every version, and what changed in each"))}</a></p>')
    body_html = "\n".join(body)
    theme = Theme(root / "templates", root / "static")
    page = theme.render("email.html", site=site, post=SimpleNamespace(title=subject),
                        url=book_url, body_html=body_html, unsubscribe=MARK).decode()
    return subject, css_inline.inline(page), to_text(subject, book_url, body_html, site,
                                                     words.gettext("Unsubscribe"))
