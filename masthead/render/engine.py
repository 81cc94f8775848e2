"""The body pipeline: Markdown + citations + bibliography -> sanitised HTML.

Pure: takes text and sources, returns HTML; the build decides what to re-render by
comparing :func:`render_key` with the key stored beside the cached HTML.

    extract citations -> Markdown -> find citation markers -> Pandoc (batched over
    posts) -> put citations back -> gather footnotes -> bibliography -> sanitise
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from masthead.errors import CitationError, MastheadError
from masthead.render import citations, citeproc, markdown, pictures, sanitize
from masthead.render.citations import MARK_RE, Cluster, UnknownKeyError
from masthead.render.citecache import CitationCache, doc_key, source_digest
from masthead.render.citeproc import Style
from masthead.translation import Words

RENDERER_VERSION = "4"  # 4: "> -- Name" attributes a quotation; 3: styles that shorten
# repeated names render each post alone

REFERENCES_TITLE = {
    "en": "References", "fr": "Références", "de": "Literatur", "es": "Referencias",
    "it": "Bibliografia", "pt": "Referências", "nl": "Referenties", "ar": "المراجع",
    "he": "מקורות", "fa": "منابع", "ru": "Литература", "pl": "Bibliografia",
}
_MARK_IN_TEXT_RE = re.compile(r"(\s*)" + MARK_RE.pattern + r"([.,;:]?)")
_CODE_RE = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.S)


@dataclass(frozen=True)
class BodySource:
    where: str  # how to name this body in an error: a file path or "post 'slug'"
    markdown: str


@dataclass(frozen=True)
class RenderContext:
    sources: Mapping[str, Mapping]  # citation key -> CSL-JSON
    style: Style
    language: str = "en"
    workers: int = 1
    cache: CitationCache | None = None  # formatted citations from earlier builds
    shared: citeproc.SharedShortcut | None = None  # the build's clean citations, formatted once
    media: pictures.Library | None = None  # stored images, shown as <picture> (pictures.py)
    words: Words | None = None  # the site's language: the notes' heading, "References"


# What the renderer itself writes into a body, in the site's language.
BODY_PHRASES = ("Notes", "Back to the text of note %(number)s", "References",
                "Link to this section")


def words_key(ctx: RenderContext) -> str:
    """How the body's own phrases read; empty in English, so English keys stay as they were."""
    return ctx.words.fingerprint_of(BODY_PHRASES) if ctx.words is not None else ""


def source_fingerprints(ctx: RenderContext) -> dict[str, str]:
    return {key: source_digest(csl) for key, csl in ctx.sources.items()}


def render_key(body_hash: str, cited: list[str], ctx: RenderContext,
               sources: Mapping[str, str]) -> str:
    """Changes whenever the rendered HTML could change: the body (by its hash), the
    sources it cites (by theirs, see :func:`source_fingerprints`), style, language, and
    the wording of the notes' heading and the bibliography's title."""
    h = hashlib.sha256()
    h.update(f"{RENDERER_VERSION}\0{ctx.style.fingerprint}\0{ctx.language}\0{body_hash}".encode())
    if words_key(ctx):
        h.update(f"\0words:{words_key(ctx)}".encode())
    for key in cited:
        h.update(f"\0{key}:{sources.get(key, '')}".encode())
    if ctx.media is not None:  # images given their variants since
        h.update(f"\0{ctx.media.fingerprint}".encode())
    return h.hexdigest()


@dataclass
class _Prepared:
    source: str
    doc: markdown.Doc
    clusters: list[Cluster]
    live: list[int]  # indexes of clusters outside code, in reading order


def _in_code_or_tag(text: str) -> set[int]:
    """Marker numbers that ended up inside code or inside a tag's attribute."""
    dead = set()
    for m in _CODE_RE.finditer(text):
        dead.update(int(x) for x in MARK_RE.findall(m.group(0)))
    for m in MARK_RE.finditer(text):
        if text.rfind("<", 0, m.start()) > text.rfind(">", 0, m.start()):
            dead.add(int(m.group(1)))
    return dead


def _reading_order(doc: markdown.Doc, dead: set[int]) -> list[int]:
    """Clusters in the order a reader meets them, a note's at its first reference."""
    order: list[int] = []
    visited: set[str] = set()
    ref_re = re.compile(MARK_RE.pattern + r'|<sup class="footnote-reference"><a href="#([^"]*)">')

    def walk(text: str) -> None:
        for m in ref_re.finditer(text):
            if m.group(1) is not None:
                n = int(m.group(1))
                if n not in dead:
                    order.append(n)
            else:
                name = htmllib.unescape(m.group(2))
                if name in doc.notes and name not in visited:
                    visited.add(name)
                    walk(doc.notes[name])

    walk(doc.main)
    for name, text in doc.notes.items():  # notes nobody refers to still count
        if name not in visited:
            visited.add(name)
            walk(text)
    return order


@dataclass(frozen=True)
class RenderProblem:
    """Why one body could not be rendered, in a writer's words (``str()``), and the
    error itself, located in the file or post (for the command line)."""

    error: MastheadError

    def __str__(self) -> str:
        return " ".join(writers_words(self.error).split())  # one line, whatever Pandoc said


def writers_words(exc: MastheadError) -> str:
    """A rendering error as the studio says it: the line and the problem, no command."""
    if isinstance(exc, UnknownKeyError):
        return exc.for_writers
    if isinstance(exc, CitationError):
        return f"line {exc.line}: {exc.reason}" if exc.line else exc.reason
    return str(exc)


def _prepare(item: BodySource, ctx: RenderContext, lenient: bool = False) -> _Prepared:
    try:
        extracted = citations.extract(item.markdown, ctx.sources, lenient=lenient)
    except UnknownKeyError as exc:
        raise UnknownKeyError(exc.key, exc.line or 1, path=item.where) from None
    except CitationError as exc:
        raise CitationError(exc.reason, path=item.where, line=exc.line) from None
    doc = markdown.render(extracted.text, ctx.words.gettext("Link to this section")
                          if ctx.words is not None else "Link to this section")
    if not extracted.clusters:
        return _Prepared(item.markdown, doc, [], [])
    dead = _in_code_or_tag(doc.main) | set().union(
        *(_in_code_or_tag(t) for t in doc.notes.values())
    )
    for text in doc.notes.values():
        for n in MARK_RE.findall(text):
            extracted.clusters[int(n)].in_note = True
    live = [n for n in _reading_order(doc, dead) if not extracted.clusters[n].missing]
    return _Prepared(item.markdown, doc, extracted.clusters, live)


def _bibliography(formatted: citeproc.Formatted, language: str, words: Words | None) -> str:
    if not formatted.entries:
        return ""
    title = REFERENCES_TITLE.get(language.split("-")[0].lower(), "References")
    if words is not None and words.says_in_own_words("References"):
        title = htmllib.escape(words.gettext("References"))
    entries = "\n".join(
        f'<div id="ref-{htmllib.escape(key)}" class="csl-entry" role="listitem">'
        f"{entry.strip()}</div>"
        for key, entry in formatted.entries
    )
    return (
        f'<section id="bibliography" class="bibliography">\n<h2>{title}</h2>\n'
        f'<div id="refs" class="{htmllib.escape(formatted.refs_class)}" role="list">\n'
        f"{entries}\n</div>\n</section>\n"
    )


def _finish(p: _Prepared, formatted: citeproc.Formatted | None, language: str,
            words: Words | None = None) -> str:
    html_by_cluster: dict[int, str] = {}
    note_clusters: set[int] = set()
    if formatted is not None:
        for pos, n in enumerate(p.live):
            got = formatted.clusters[pos]
            if got is not None:
                html_by_cluster[n] = got
                if formatted.notes[pos]:
                    note_clusters.add(n)
    doc = p.doc
    added: dict[str, str] = {}

    def put_back(m: re.Match[str], in_note: bool = False) -> str:
        n = int(m.group(2))
        if n in note_clusters and not in_note:
            # A note style: the citation becomes a footnote of its own...
            name = f"masthead-cite-{n}"
            added[name] = f"<p>{html_by_cluster[n]}</p>\n"
            return markdown.note_reference(name)
        if n in html_by_cluster:
            # ...except inside a footnote, where it stays in the note's text.
            return html_by_cluster[n]
        cluster = p.clusters[n]
        if cluster.missing:  # the preview's way of showing an unknown key, in place
            problem = f"line {cluster.line}: no source with the key '{cluster.missing}'"
            return (f'<mark class="citation-problem">{htmllib.escape(cluster.raw)} '
                    f"<small>({htmllib.escape(problem)})</small></mark>")
        return htmllib.escape(cluster.raw)

    def in_text(m: re.Match[str]) -> str:
        n = int(m.group(2))
        if n in note_clusters:
            # As Pandoc does: the note mark follows the punctuation, with no space before.
            return (m.group(3) or "") + put_back(m)
        return m.group(1) + put_back(m) + (m.group(3) or "")

    def in_footnote(m: re.Match[str]) -> str:
        html = put_back(m, True)
        if m.group(3) == "." and markdown.plain_text(html).endswith("."):
            return m.group(1) + html  # the citation already ends the sentence
        return m.group(1) + html + (m.group(3) or "")

    doc.main = _MARK_IN_TEXT_RE.sub(in_text, doc.main)
    doc.notes = {k: _MARK_IN_TEXT_RE.sub(in_footnote, v) for k, v in doc.notes.items()}
    doc.notes.update(added)
    say = words.gettext if words is not None else str
    main, notes_section = markdown.gather_notes(
        doc, say("Notes"), say("Back to the text of note %(number)s"))
    bibliography = _bibliography(formatted, language, words) if formatted else ""
    html = main + bibliography + notes_section
    return sanitize.clean(html) if sanitize.needs_cleaning(p.source) else html


def render_bodies(items: Sequence[BodySource], ctx: RenderContext) -> list[str]:
    """Render many bodies at once, so their citations share Pandoc runs; the first
    body that cannot be rendered raises its error."""
    out = render_each(items, ctx)
    for result in out:
        if isinstance(result, RenderProblem):
            raise result.error
    return out  # type: ignore[return-value]


def render_each(items: Sequence[BodySource], ctx: RenderContext
                ) -> list[str | RenderProblem]:
    """Render many bodies at once, each one's HTML or its problem: one bad body (a key
    no source has) does not stop the others, which the build needs to stay live."""
    results: list[str | RenderProblem | None] = [None] * len(items)
    prepared: dict[int, _Prepared] = {}
    for i, item in enumerate(items):
        try:
            prepared[i] = _prepare(item, ctx)
        except MastheadError as exc:
            results[i] = RenderProblem(exc)
    formatted = _format_isolating(prepared, ctx, results)
    for i, p in prepared.items():
        if results[i] is None:
            results[i] = pictures.apply(_finish(p, formatted.get(i), ctx.language, ctx.words),
                                        ctx.media)
    return results  # type: ignore[return-value]


ISOLATING_RUNS = 40  # Pandoc runs spent finding the bodies a failed run failed on


def _format_isolating(prepared: dict[int, _Prepared], ctx: RenderContext,
                      results: list) -> dict[int, citeproc.Formatted | None]:
    """Format the citations of these bodies together. If Pandoc fails on the lot, find
    the bodies it fails on by halves (about two runs per halving: 24 for one bad body in
    2,500); a fault that is every body's (no Pandoc, a broken style) stops after
    ISOLATING_RUNS, its error given to the bodies not yet cleared."""
    ids = [i for i, p in prepared.items() if p.live]
    if not ids:
        return {}

    def docs(group: list[int]) -> list[list[Cluster]]:
        return [[prepared[i].clusters[n] for n in prepared[i].live] for i in group]

    budget = [ISOLATING_RUNS]

    def split(group: list[int], exc: MastheadError) -> dict[int, citeproc.Formatted | None]:
        if len(group) == 1 or budget[0] <= 0:
            for i in group:
                results[i] = RenderProblem(exc)
            return {}
        out: dict[int, citeproc.Formatted | None] = {}
        for half in (group[: len(group) // 2], group[len(group) // 2 :]):
            if budget[0] <= 0:
                out.update(split(half, exc))
                continue
            budget[0] -= 1
            try:
                out.update(zip(half, _format(docs(half), ctx), strict=True))
            except MastheadError as again:
                out.update(split(half, again))
        return out

    try:
        return dict(zip(ids, _format(docs(ids), ctx), strict=True))
    except MastheadError as exc:
        return split(ids, exc)


def render_preview(markdown_text: str, ctx: RenderContext) -> tuple[str, list[str]]:
    """The editor's preview: the whole text, with each citation of a key no source has
    shown as a problem where it stands; and those problems, as a writer reads them."""
    p = _prepare(BodySource("this post", markdown_text), ctx, lenient=True)
    problems = [f"line {c.line}: no source with the key '{c.missing}'"
                for c in p.clusters if c.missing]
    formatted = _format([[p.clusters[n] for n in p.live]], ctx)[0] if p.live else None
    return pictures.apply(_finish(p, formatted, ctx.language, ctx.words), ctx.media), problems


def _format(docs: list[list[Cluster]], ctx: RenderContext) -> list[citeproc.Formatted | None]:
    """Citations from the cache where it has them; Pandoc formats (and caches) the rest."""
    if ctx.cache is None:
        return citeproc.format_citations(docs, ctx.sources, ctx.style, language=ctx.language,
                                         workers=ctx.workers, shared=ctx.shared)
    digests = {k: source_digest(ctx.sources[k])
               for d in docs for c in d for k in c.keys if k in ctx.sources}
    keys = [doc_key(d, digests, ctx.style, ctx.language) if d else "" for d in docs]
    known = ctx.cache.get_many(k for k in keys if k)
    todo = [[] if k in known else d for d, k in zip(docs, keys, strict=True)]
    formatted = citeproc.format_citations(todo, ctx.sources, ctx.style, language=ctx.language,
                                          workers=ctx.workers, shared=ctx.shared)
    ctx.cache.put_many({k: f for k, f, d in zip(keys, formatted, todo, strict=True)
                        if d and f is not None})
    return [known.get(k) if k in known else f for k, f in zip(keys, formatted, strict=True)]


def render_body(markdown_text: str, ctx: RenderContext, where: str = "text") -> str:
    return render_bodies([BodySource(where, markdown_text)], ctx)[0]
