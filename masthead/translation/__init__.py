"""The site's language: the words of the theme and the renderer, and its dates and numbers.

``load(language, site_root)`` gives a :class:`~masthead.translation.words.Words`: the
gettext catalogue shipped for the language (``masthead/locale/LANG/LC_MESSAGES/
masthead.po``, read with Babel, so nothing compiled is committed and GNU gettext is not
needed), the site's own wording from ``translations/LANG.toml`` on top, and Babel's
dates and numbers for the language. No Django: the build, the preview, the newsletter's
pages and its emails all speak through it.
"""

from masthead.translation.words import Words, load

__all__ = ["Words", "load"]
