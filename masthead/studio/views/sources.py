"""Sources for citations: the list, search, and adding BibTeX or CSL-JSON."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import render

from masthead.accounts.models import Role
from masthead.content.models import Source
from masthead.errors import SourceError
from masthead.importers.sources import read_bibtex, read_csl_json, title_as_written
from masthead.publishing import actions as publishing
from masthead.studio.views.access import studio_login_required


def source_label(key: str, csl: dict) -> str:
    """A source as the pickers show it: first name, year and the title as written."""
    people = csl.get("author") or csl.get("editor") or []
    name = ""
    if people and isinstance(people[0], dict):
        name = people[0].get("family") or people[0].get("literal") or ""
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts and parts[0] else ""
    title = title_as_written(csl)
    return " ".join(str(x) for x in (name, year) if x) + (f": {title}" if title else "")


@studio_login_required
def sources_view(request: HttpRequest) -> HttpResponse:
    import tempfile


    may_add = request.user.role != Role.CONTRIBUTOR
    error, done, status = "", "", 200
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied("contributors cite sources; authors and editors add them")
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "bibtex")
        if upload is not None:
            if upload.size > 5 << 20:
                error = "that file is larger than 5 MB"
            else:
                text = upload.read().decode("utf-8", errors="replace")
                if upload.name.lower().endswith(".json"):
                    fmt = "csl-json"
        if not error and not text.strip():
            error = "paste BibTeX or CSL-JSON, or choose a file"
        if not error:
            suffix = ".json" if fmt == "csl-json" else ".bib"
            with tempfile.TemporaryDirectory(prefix="masthead-sources-") as tmp:
                path = Path(tmp) / f"sources{suffix}"
                path.write_text(text, encoding="utf-8")
                try:
                    items = (read_csl_json if fmt == "csl-json" else read_bibtex)(path)
                    summary = publishing.add_sources(request.user, items)
                    done = (f"{len(items)} sources: {summary.created} new, {summary.updated} "
                            f"updated, {summary.unchanged} unchanged.")
                except SourceError as exc:
                    error = str(exc).replace(str(path), "the " + (
                        "file" if upload is not None else "pasted text"))
        status = 400 if error else 200
    q = request.GET.get("q", "").strip().lower()
    sources = [(key, source_label(key, csl)) for key, csl in
               Source.objects.order_by("key").values_list("key", "csl")]
    if q:
        sources = [(k, label) for k, label in sources if q in k.lower() or q in label.lower()]
    return render(request, "studio/sources.html", {
        "sources": sources[:1000], "count": len(sources), "q": q, "may_add": may_add,
        "error": error, "done": done,
    }, status=status)
