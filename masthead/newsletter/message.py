"""A post as an email: rendered once per send, personalised per reader.

The HTML part is the post as the site renders it (the same Markdown, citations,
footnotes and bibliography; images as plain ``<img>`` tags, since mail clients know no
``<picture>``), links and images made absolute, the site's footer, CSS inlined
(css-inline) because mail clients drop style sheets; the text part is the same words
without markup. Each reader's copy differs only in its unsubscribe links, so a
send renders once and substitutes a marker per message.
"""

from __future__ import annotations

import html as htmllib
import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from django.conf import settings

from masthead.render import pictures
from masthead.render.engine import render_body
from masthead.sitegen.bodies import context_for
from masthead.sitegen.feeds import absolute_links
from masthead.sitegen.snapshot import site_view
from masthead.sitegen.theme import Theme

MARK = "%%MASTHEAD-UNSUBSCRIBE%%"  # replaced by each reader's link
# CRLF line ends (smtplib sends bytes as they are) and headers up to SMTP's 998 characters,
# so a long List-Unsubscribe URL is folded at its comma, never turned into an encoded word
# that mail clients could not use.
_POLICY = SMTP.clone(max_line_length=998)

_BLOCK_END_RE = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption|tr|div|section)>|<br\s*/?>",
                           re.I)
_LINK_RE = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', re.I | re.S)
_TAG_RE = re.compile(r"<[^>]+>")


def render(post) -> tuple[str, str, str]:
    """(subject, html, text) for a post, with :data:`MARK` where the unsubscribe link goes."""
    # The model waits until here: build() below makes messages without a database.
    import css_inline

    from masthead.content.models import get_site


    site_row = get_site()
    site = site_view(site_row)
    root = settings.MASTHEAD_ROOT
    ctx = context_for(site_row, root)  # with the site's words: the footer's "Unsubscribe"
    # Mail clients know no <picture> nor srcset: one JPEG or PNG an image, sized.
    body = pictures.for_email(render_body(post.body, ctx, f"post '{post.slug}'"), ctx.media)
    url = site.absolute(post.address())
    body = absolute_links(body + site.footer_html, site, url)
    theme = Theme(root / "templates", root / "static")  # the site's overrides, if any
    page = theme.render("email.html", site=site, post=post, url=url, body_html=body,
                        unsubscribe=MARK).decode()
    html = css_inline.inline(page)
    return post.title, html, to_text(post.title, url, body, site, ctx.words.gettext("Unsubscribe"))


def to_text(title: str, url: str, body_html: str, site,
            unsubscribe_label: str = "Unsubscribe") -> str:
    """The plain-text part: paragraphs, list items and notes as lines; links as
    "words (address)"; ``unsubscribe_label`` in the site's language."""
    text = _LINK_RE.sub(lambda m: _link_text(m.group(2), m.group(1)), body_html)
    text = _BLOCK_END_RE.sub("\n\n", text)
    text = htmllib.unescape(_TAG_RE.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out, blank = [], False
    for line in lines:
        if not line:
            if not blank and out:
                out.append("")
            blank = True
            continue
        out.append(line)
        blank = False
    return (f"{title}\n{'=' * min(len(title), 72)}\n\n{url}\n\n" + "\n".join(out).strip()
            + f"\n\n--\n{site.title}: {site.url}\n{unsubscribe_label}: {MARK}\n")


def _link_text(inner: str, href: str) -> str:
    words = htmllib.unescape(_TAG_RE.sub("", inner)).strip()
    if href.startswith(("http://", "https://")) and words and words != href and \
            "#" not in href.split("/")[-1]:
        return f"{words} ({href})"
    return words


def build(*, subject: str, html: str, text: str, sender: str, site_title: str,
          to: str, unsubscribe_url: str, unsubscribe_mailto: str,
          list_id: str) -> tuple[str, bytes]:
    """One reader's message built whole, quoted-printable (for servers without 8BITMIME):
    (Message-ID, bytes), with RFC 8058 one-click unsubscribe."""
    name, address = parseaddr(sender)
    domain = address.rpartition("@")[2] or "localhost"
    message_id = make_msgid(domain=domain)
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = formataddr((name or site_title, address))
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(_now())
    msg["Message-ID"] = message_id
    msg["List-Id"] = f"{site_title} <{list_id}>"
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>, <mailto:{unsubscribe_mailto}?subject=unsubscribe>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Quoted-printable: inlined HTML has lines longer than SMTP's 998 characters.
    msg.set_content(text.replace(MARK, unsubscribe_url), cte="quoted-printable")
    msg.add_alternative(html.replace(MARK, htmllib.escape(unsubscribe_url)), subtype="html",
                        cte="quoted-printable")
    return message_id, msg.as_bytes(policy=_POLICY)


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


_TO, _MID, _DATE, _UNSUB, _MAILTO = (b"%%MASTHEAD-TO%%", b"%%MASTHEAD-MID%%",
                                     b"%%MASTHEAD-DATE%%", b"%%MASTHEAD-UNSUB%%",
                                     b"%%MASTHEAD-MAILTO%%")
_8BIT = SMTP.clone(max_line_length=998, cte_type="8bit")


def wrap_long_lines(text: str, limit: int = 900) -> str:
    """Break lines longer than SMTP allows (998 bytes): before a tag, else at a space.
    Inlined HTML puts whole paragraphs, styles and all, on one line."""
    out = []
    for line in text.split("\n"):
        while len(line.encode()) > limit:
            cut = line.rfind("<", 1, limit)
            if cut <= 0:
                cut = line.rfind(" ", 1, limit)
            if cut <= 0:
                cut = limit
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


class Template:
    """A send's message made once, with placeholders where readers' copies differ (To,
    Message-ID, Date, the unsubscribe links); each copy is then a few byte
    substitutions, not a MIME build. The parts are 8bit (the server must announce
    8BITMIME; :func:`build` is the way without)."""

    def __init__(self, *, subject: str, html: str, text: str, sender: str, site_title: str,
                 list_id: str):
        name, address = parseaddr(sender)
        self.domain = address.rpartition("@")[2] or "localhost"
        msg = EmailMessage(policy=_8BIT)
        msg["From"] = formataddr((name or site_title, address))
        msg["To"] = _TO.decode()
        msg["Subject"] = subject
        msg["Date"] = _DATE.decode()
        msg["Message-ID"] = _MID.decode()
        msg["List-Id"] = f"{site_title} <{list_id}>"
        msg["List-Unsubscribe"] = f"<{_UNSUB.decode()}>, <mailto:{_MAILTO.decode()}?subject=unsubscribe>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg.set_content(wrap_long_lines(text.replace(MARK, _UNSUB.decode())), cte="8bit")
        msg.add_alternative(wrap_long_lines(html.replace(MARK, _UNSUB.decode())),
                            subtype="html", cte="8bit")
        self.data = msg.as_bytes(policy=_8BIT)

    def render(self, to: str, unsubscribe_url: str, unsubscribe_mailto: str
               ) -> tuple[str, bytes]:
        message_id = make_msgid(domain=self.domain)
        data = (self.data.replace(_TO, to.encode()).replace(_MID, message_id.encode())
                .replace(_DATE, format_datetime(_now()).encode())
                .replace(_MAILTO, unsubscribe_mailto.encode())
                .replace(_UNSUB, htmllib.escape(unsubscribe_url).encode()))
        return message_id, data
