"""Writing to HTML: Markdown, citations through Pandoc's citeproc, sanitising.

No Django here: the same functions render a post for the build, the studio's preview,
a newsletter and, later, a book. Callers pass the text and a
:class:`~masthead.render.engine.RenderContext` (sources, style, language, cache).
"""
