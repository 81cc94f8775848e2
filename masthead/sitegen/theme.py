"""Templates and static files: the default theme, overridden file by file by the site's."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jinja2

from masthead import translation
from masthead.render import markdown as md
from masthead.render.sanitize import clean
from masthead.translation import catalogues

THEME_DIR = Path(__file__).resolve().parent.parent / "themes" / "default"

# JSON inside <script>: no character that HTML could read as markup (as Django's
# json_script does), so a title like "</script><script>..." stays text.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}

# Bump when a filter or global changes what templates print: every page re-renders.
FILTERS_VERSION = 3


class _Speaker:
    """The theme's words in the language of the site a template is rendering, found from
    the template's ``site`` (every template has one), so one environment serves any
    site: the build's, the preview's, the newsletter's."""

    def __init__(self, site_root: Path | None):
        self.site_root = site_root
        self._by_language: dict[str, translation.Words] = {}  # for this theme's life (a build)

    def words(self, context: jinja2.runtime.Context) -> translation.Words:
        site = context.get("site")
        language = getattr(site, "language", "en") or "en"
        words = self._by_language.get(language)
        if words is None:
            words = self._by_language[language] = translation.load(language, self.site_root)
        return words

    def install(self, env: jinja2.Environment) -> None:
        w = self.words

        @jinja2.pass_context
        def gettext(ctx, message: str) -> str:
            return w(ctx).gettext(message)

        @jinja2.pass_context
        def ngettext(ctx, singular: str, plural: str, n: int) -> str:
            return w(ctx).ngettext(singular, plural, n)

        @jinja2.pass_context
        def pgettext(ctx, context: str, message: str) -> str:
            return w(ctx).pgettext(context, message)

        @jinja2.pass_context
        def npgettext(ctx, context: str, singular: str, plural: str, n: int) -> str:
            return w(ctx).npgettext(context, singular, plural, n)

        env.install_gettext_callables(gettext, ngettext, newstyle=True,  # type: ignore[attr-defined]
                                      pgettext=pgettext, npgettext=npgettext)
        env.filters["human_date"] = jinja2.pass_context(lambda ctx, v: w(ctx).date(v))
        env.filters["day_month"] = jinja2.pass_context(lambda ctx, v: w(ctx).day_month(v))
        env.filters["month_name"] = jinja2.pass_context(lambda ctx, n: w(ctx).month(n))
        env.filters["number"] = jinja2.pass_context(
            lambda ctx, n, grouping=True: w(ctx).number(n, grouping=grouping))
        env.globals["month_year"] = jinja2.pass_context(
            lambda ctx, year, month: w(ctx).month_year(year, month))
        env.globals["search_words"] = jinja2.pass_context(_search_words(w))


def _search_words(w):
    """What search.js says, in the site's language, for a data attribute (JSON)."""
    def words(ctx) -> str:
        words = w(ctx)
        return json.dumps({
            "lang": words.tag,
            "searching": words.gettext("Searching…"),
            "results": words.plural_forms("%(num)s result for “%(query)s”",
                                          "%(num)s results for “%(query)s”"),
            "none": words.gettext("No results for “%(query)s”"),
            "unavailable": words.gettext("Search is unavailable: %(reason)s"),
        }, ensure_ascii=False)
    return words


def article_ld(post, site) -> dict:
    """schema.org Article metadata (JSON-LD) for a post page."""
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": post.title,
        "description": post.excerpt,
        "datePublished": post.published.isoformat() if post.published else None,
        "dateModified": (post.updated or post.published).isoformat() if post.published else None,
        "author": [{"@type": "Person", "name": name} for name in post.authors],
        "publisher": {"@type": "Organization", "name": site.title, "url": site.url},
        "mainEntityOfPage": site.absolute(post.path),
        "url": site.absolute(post.path),
        "keywords": [t.name for t in post.tags],
        "inLanguage": site.language,
    }


class Theme:
    """The Jinja2 environment plus a fingerprint of every file that can affect output."""

    def __init__(self, site_templates: Path | None = None, site_static: Path | None = None,
                 cache: Path | None = None):
        """``cache``: a folder to keep compiled templates in between builds (Jinja
        recompiles a template whose source changed)."""
        self.template_dirs = [d for d in (site_templates, THEME_DIR / "templates") if d and d.is_dir()]
        self.static_dirs = [d for d in (THEME_DIR / "static", site_static) if d and d.is_dir()]
        self.site_root = site_templates.parent if site_templates is not None else None
        self.env = jinja2.Environment(
            extensions=["jinja2.ext.i18n"],
            loader=jinja2.FileSystemLoader([str(d) for d in self.template_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)) if cache else None,
        )
        _Speaker(self.site_root).install(self.env)
        self.env.filters["comment_html"] = comment_html
        from masthead.sitegen.reading import reading_minutes  # "7 min read" on post pages

        self.env.filters["reading_minutes"] = reading_minutes
        self.env.filters["tojson_ld"] = lambda v: jinja2.utils.markupsafe.Markup(
            json.dumps(v, ensure_ascii=False).translate(_SCRIPT_SAFE))
        self.env.globals["article_ld"] = article_ld
        self.static_files = self._static_files()
        self.fingerprint = self._fingerprint()

    def _static_files(self) -> dict[str, Path]:
        """public/static/ relative name -> source file; the site's win over the theme's."""
        files: dict[str, Path] = {}
        for d in self.static_dirs:
            for p in sorted(d.rglob("*")):
                if p.is_file():
                    files[p.relative_to(d).as_posix()] = p
        return files

    def _fingerprint(self) -> str:
        h = hashlib.sha256(f"filters {FILTERS_VERSION}".encode())
        for d in self.template_dirs:
            for p in sorted(d.rglob("*")):
                if p.is_file():
                    h.update(p.relative_to(d).as_posix().encode() + b"\0" + p.read_bytes())
        for name, p in sorted(self.static_files.items()):
            h.update(name.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        for p in self._word_files():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        return h.hexdigest()[:16]

    def _word_files(self) -> list[Path]:
        """The catalogues and the site's own wording: a change re-renders every page."""
        files = sorted(catalogues.LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
        if self.site_root is not None:
            files += sorted((self.site_root / "translations").glob("*.toml"))
        return files

    def static_version(self, name: str) -> str:
        """A short content hash, appended to asset links so caches refresh on change."""
        p = self.static_files.get(name)
        return hashlib.sha256(p.read_bytes()).hexdigest()[:10] if p else "0"

    def compile_all(self) -> None:
        """Compile every template now, so forked workers share them instead of each
        compiling its own."""
        for name in self.env.list_templates(extensions=["html", "xml", "txt"]):
            self.env.get_template(name)

    def render(self, name: str, **context) -> bytes:
        return self.env.get_template(name).render(**context).encode("utf-8")


def comment_html(markdown: str):
    """A reader's comment: their Markdown, rendered and cleaned like any raw HTML."""
    from markupsafe import Markup


    return Markup(clean(md.render_fragment(markdown)))
