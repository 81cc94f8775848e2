"""Errors a writer or operator can act on.

Every failure the command line reports is one of these; the message says what was
wrong and where (file, line, field or key), so the CLI prints it as one line and
exits non-zero::

    MastheadError
    ├── SiteError          the site directory or masthead.toml is missing or invalid
    ├── ContentError       a post, page or front matter field is invalid
    │   └── CitationError  a citation names a key the bibliography does not have
    ├── SourceError        a BibTeX or CSL-JSON file cannot be read
    ├── AccountError       an account cannot be created or changed as asked
    └── BuildError         rendering or writing public/ failed; public/ is unchanged
"""

from __future__ import annotations

from pathlib import Path


class MastheadError(Exception):
    """Base class: a problem the user can fix, with a message saying how."""


class SiteError(MastheadError):
    pass


class ContentError(MastheadError):
    """Bad content, located as precisely as we can: file, line, field."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        where = ""
        if path is not None:
            where = str(path)
            if line is not None:
                where += f":{line}"
            where += ": "
        if field is not None:
            where += f"field '{field}': "
        super().__init__(where + message)


class CitationError(ContentError):
    pass


class SourceError(MastheadError):
    pass


class AccountError(MastheadError):
    pass


class BuildError(MastheadError):
    pass
