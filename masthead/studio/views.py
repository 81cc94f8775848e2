"""Studio pages. Each view: who is asking, may they, then one action."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.static import serve as serve_file

from masthead.accounts import permissions
from masthead.accounts.models import Role
from masthead.content import publishing
from masthead.content.models import Post, Revision
from masthead.errors import ContentError, MastheadError

STATIC_DIR = Path(__file__).resolve().parent / "static"
PER_PAGE = 50


def studio_login_required(view):
    """Anonymous visitors go to the login page; requests from scripts get a 401."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.headers.get("accept", "").startswith("application/json"):
                return JsonResponse({"error": "log in again"}, status=401)
            return HttpResponseRedirect(f"{reverse('login')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapper


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "studio/error.html", {
        "title": "This form has expired",
        "message": "The page was open too long or came from elsewhere. Go back, reload "
                   "the page and try again.",
    }, status=403)


def static(request: HttpRequest, path: str) -> HttpResponse:
    response = serve_file(request, path, document_root=str(STATIC_DIR))
    response["Cache-Control"] = "no-cache"
    return response


# -- logging in ----------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("posts")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = reverse("posts")
    error = ""
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        user = authenticate(request, username=email, password=request.POST.get("password", ""))
        if getattr(request, "axes_locked_out", False):
            return render(request, "studio/locked_out.html", status=429)
        if user is not None and user.is_active:
            login(request, user)
            return HttpResponseRedirect(next_url)
        error = "That email address and password do not match an account."
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/login.html", {"error": error, "email": email,
                                                 "next": next_url},
                  status=401 if error else 200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("login"))


# -- posts -----------------------------------------------------------------------------


def _visible(user) -> Q:
    if permissions.sees_all_posts(user):
        return Q()
    return Q(authors__user=user)


@studio_login_required
def post_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.filter(_visible(request.user)).distinct()
    q = request.GET.get("q", "").strip()
    if q:
        posts = posts.filter(Q(title__icontains=q) | Q(body__icontains=q))
    status = request.GET.get("status", "")
    if status in dict(Post.STATUSES):
        posts = posts.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in dict(Post.KINDS):
        posts = posts.filter(kind=kind)
    posts = posts.order_by("-modified_at", "-id").only(
        "id", "title", "status", "kind", "published_at", "modified_at", "slug")
    page = Paginator(posts, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "studio/posts.html", {
        "page": page, "q": q, "status": status, "kind": kind,
        "statuses": Post.STATUSES, "kinds": Post.KINDS,
        "may_create_pages": permissions.sees_all_posts(request.user),
    })


def _draft_from(request: HttpRequest) -> publishing.Draft:
    data = request.POST
    return publishing.Draft(
        title=data.get("title", ""), body=data.get("body", ""), slug=data.get("slug", ""),
        excerpt=data.get("excerpt", ""), canonical_url=data.get("canonical_url", ""),
        tags=[t for t in data.get("tags", "").split(",") if t.strip()])


def _site_zone() -> zoneinfo.ZoneInfo:
    from masthead.content.actions import get_site

    return zoneinfo.ZoneInfo(get_site().timezone)


def _when(value: str) -> dt.datetime:
    """A datetime-local field, read in the site's time zone."""
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ContentError("give a date and time", field="publish_at") from None
    return naive.replace(tzinfo=naive.tzinfo or _site_zone())


def _editor(request: HttpRequest, post: Post | None, draft: publishing.Draft | None = None,
            error: str = "", error_field: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    restored = None
    if draft is None and post is not None:
        draft = publishing.Draft(title=post.title, body=post.body, slug=post.slug,
                                 excerpt=post.excerpt, canonical_url=post.canonical_url,
                                 tags=publishing.tag_names(post))
        # Text autosaved since the last save (a closed tab, a crash) comes back.
        last = post.revisions.order_by("-created_at", "-id").first()
        if last and last.kind == Revision.AUTOSAVE and (
                last.title, last.body, last.excerpt, list(last.tags)) != (
                draft.title, draft.body, draft.excerpt, draft.tags):
            draft = publishing.Draft(title=last.title, body=last.body, slug=post.slug,
                                     excerpt=last.excerpt, canonical_url=post.canonical_url,
                                     tags=list(last.tags))
            restored = last.created_at
    local = None
    if post is not None and post.published_at:
        local = post.published_at.astimezone(_site_zone()).strftime("%Y-%m-%dT%H:%M")
    may_publish = (post is not None and permissions.can_publish(user, post)) or (
        post is None and user.role != Role.CONTRIBUTOR)
    return render(request, "studio/editor.html", {
        "post": post, "draft": draft or publishing.Draft(title=""), "error": error,
        "error_field": error_field, "may_publish": may_publish, "publish_at": local,
        "tags_text": ", ".join(draft.tags if draft else []),
        "kind": post.kind if post else request.GET.get("kind", Post.POST),
        "restored_autosave": restored,
        "newsletter": settings.MASTHEAD_SMTP is not None and (post is None or (
            post.kind == Post.POST and not post.sends.exists())),
        "sources": _cite_choices(),
    }, status=status)


def _cite_choices() -> list[tuple[str, str]]:
    from masthead.content.models import Source

    return [(key, _source_label(key, csl)) for key, csl in
            Source.objects.order_by("key").values_list("key", "csl")[:2000]]


@studio_login_required
def new_post(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind") or Post.POST
    if kind not in dict(Post.KINDS):
        raise Http404
    if kind == Post.PAGE and not permissions.sees_all_posts(request.user):
        raise PermissionDenied("only editors and owners make pages")
    if request.method == "GET":
        return _editor(request, None)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    draft = _draft_from(request)
    try:
        post = publishing.create_post(request.user, draft, kind=kind)
    except ContentError as exc:
        return _error(request, None, draft, exc)
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse({"id": post.pk, "url": reverse("edit_post", args=[post.pk]),
                             "slug": post.slug})
    action = request.POST.get("action", "save")
    if action != "save":
        return _act(request, post, action)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?saved=1")


def _error(request, post, draft, exc: ContentError) -> HttpResponse:
    if request.headers.get("accept", "").startswith("application/json"):
        return JsonResponse({"error": exc.reason, "field": exc.field}, status=400)
    return _editor(request, post, draft, error=exc.reason, error_field=exc.field or "",
                   status=400)


def _post_for(request: HttpRequest, post_id: int) -> Post:
    post = get_object_or_404(Post, pk=post_id)
    if not permissions.can_edit(request.user, post):
        raise PermissionDenied("this post is not yours to edit")
    return post


@studio_login_required
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    if request.method == "GET":
        return _editor(request, post)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _act(request, post, request.POST.get("action", "save"))


def _act(request: HttpRequest, post: Post, action: str) -> HttpResponse:
    user = request.user
    if action in ("publish", "schedule", "unpublish") and not permissions.can_publish(user, post):
        raise PermissionDenied("your role may write drafts; an editor publishes them")
    draft = _draft_from(request)
    email = settings.MASTHEAD_SMTP is not None and request.POST.get("email") == "1"
    try:
        if action == "save":
            post = publishing.save_post(user, post.pk, draft)
        elif action == "publish":
            post = publishing.publish_post(user, post.pk, draft, email=email)
        elif action == "schedule":
            post = publishing.schedule_post(user, post.pk,
                                            _when(request.POST.get("publish_at", "")), draft,
                                            email=email)
        elif action == "unpublish":
            post = publishing.unpublish_post(user, post.pk)
        else:
            raise ContentError(f"unknown action '{action}'", field="action")
    except ContentError as exc:
        return _error(request, post, draft, exc)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + f"?done={action}")


@studio_login_required
@require_POST
def autosave_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    try:
        rev = publishing.autosave(request.user, post.pk, _draft_from(request))
    except ContentError as exc:
        return JsonResponse({"error": exc.reason, "field": exc.field}, status=400)
    return JsonResponse({"revision": rev.pk, "saved_at": rev.created_at.isoformat()})


@studio_login_required
@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    """The body as the site will show it: the same Markdown, citations and sanitising."""
    from masthead.build.bodies import context_for
    from masthead.content.actions import get_site
    from masthead.content.render import render_body

    body = request.POST.get("body", "")
    if len(body) > 2_000_000:
        return JsonResponse({"error": "this text is too long to preview"}, status=413)
    try:
        html = render_body(body, context_for(get_site(), settings.MASTHEAD_ROOT), "this post")
    except MastheadError as exc:
        return JsonResponse({"error": str(exc)})
    return JsonResponse({"html": html})


@studio_login_required
def revisions(request: HttpRequest, post_id: int) -> HttpResponse:
    post = _post_for(request, post_id)
    revs = post.revisions.order_by("-created_at", "-id").select_related("user")[:200]
    return render(request, "studio/revisions.html", {"post": post, "revisions": revs})


@studio_login_required
@require_POST
def restore(request: HttpRequest, revision_id: int) -> HttpResponse:
    rev = get_object_or_404(Revision, pk=revision_id)
    post = _post_for(request, rev.post_id)
    if post.status == Post.PUBLISHED and not permissions.can_publish(request.user, post):
        raise PermissionDenied("restoring would change a published post")
    publishing.restore_revision(request.user, rev.pk)
    return HttpResponseRedirect(reverse("edit_post", args=[post.pk]) + "?done=restore")


# -- site settings (owners) ----------------------------------------------------------------


def _settings_form_values(site) -> dict[str, str]:
    from masthead.content import site_settings

    values = {}
    for s in site_settings.SETTINGS:
        v = getattr(site, s.name)
        if s.name == "support_links":
            v = "\n".join(f"{x['label']} | {x['url']}" for x in v or ())
        elif isinstance(v, bool):
            v = "true" if v else ""
        values[s.name] = "" if v is None else str(v)
    return values


SWITCHES = {"comments"}  # settings that are on or off: a checkbox


@studio_login_required
def site_settings_view(request: HttpRequest) -> HttpResponse:
    from masthead.content import citeproc, site_settings
    from masthead.content.actions import get_site

    if not permissions.can_manage_site(request.user):
        raise PermissionDenied("only the site's owners change its settings")
    site = get_site()
    values = _settings_form_values(site)
    error, error_field, status = "", "", 200
    if request.method == "POST":
        values = {s.name: request.POST.get(s.name, "") for s in site_settings.SETTINGS}
        for name in SWITCHES:  # an unticked box sends nothing
            values[name] = "true" if values[name] else ""
        parsed: dict = {}
        try:
            for name, raw in values.items():
                if name == "support_links":
                    links = []
                    for n, line in enumerate(raw.splitlines(), 1):
                        if not line.strip():
                            continue
                        label, sep, url = line.rpartition("|")
                        if not sep:
                            raise ContentError(f"line {n}: write it as Label | https://...",
                                               field=name)
                        links.append({"label": label.strip(), "url": url.strip()})
                    parsed[name] = links
                elif name in SWITCHES:
                    parsed[name] = bool(raw)
                else:
                    parsed[name] = raw
            for name, raw in parsed.items():
                parsed[name] = site_settings.validate(name, raw, source="settings")
            citeproc.resolve_style(parsed["citation_style"], settings.MASTHEAD_ROOT)
            publishing.change_settings(request.user, parsed)
            return HttpResponseRedirect(reverse("site_settings") + "?saved=1")
        except ContentError as exc:
            error, error_field, status = exc.reason, exc.field or "", 400
    rows = [(s, values.get(s.name, ""), s.name.replace("_", " ").capitalize())
            for s in site_settings.SETTINGS]
    return render(request, "studio/settings.html", {
        "rows": rows, "error": error, "error_field": error_field,
        "long": {"description", "footer", "support_links"}, "switches": SWITCHES,
    }, status=status)


# -- sources ---------------------------------------------------------------------------------


def _source_label(key: str, csl: dict) -> str:
    people = csl.get("author") or csl.get("editor") or []
    name = ""
    if people and isinstance(people[0], dict):
        name = people[0].get("family") or people[0].get("literal") or ""
    parts = (csl.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts and parts[0] else ""
    title = str(csl.get("title", ""))
    return " ".join(str(x) for x in (name, year) if x) + (f": {title}" if title else "")


@studio_login_required
def sources_view(request: HttpRequest) -> HttpResponse:
    import tempfile

    from masthead.content.models import Source
    from masthead.errors import SourceError
    from masthead.importers.sources import read_bibtex, read_csl_json

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
    sources = [(key, _source_label(key, csl)) for key, csl in
               Source.objects.order_by("key").values_list("key", "csl")]
    if q:
        sources = [(k, label) for k, label in sources if q in k.lower() or q in label.lower()]
    return render(request, "studio/sources.html", {
        "sources": sources[:1000], "count": len(sources), "q": q, "may_add": may_add,
        "error": error, "done": done,
    }, status=status)


# -- images ----------------------------------------------------------------------------------


@studio_login_required
def upload_image(request: HttpRequest) -> HttpResponse:
    """Store an image (see content/images.py) and give the HTML to put in a post."""
    from django.db import transaction

    from masthead.build.snapshot import site_view
    from masthead.content.actions import get_site
    from masthead.content.images import store_image
    from masthead.jobs.queue import enqueue_build

    wants_json = request.headers.get("accept", "").startswith("application/json")
    snippet, error, status = "", "", 200
    if request.method == "POST":
        upload = request.FILES.get("image")
        alt = request.POST.get("alt", "").strip()
        if upload is None:
            error, status = "choose an image to upload", 400
        elif not alt:
            error, status = "describe the image for readers who cannot see it (alt text)", 400
        else:
            try:
                stored = store_image(upload.read(), upload.name,
                                     Path(settings.MASTHEAD_ROOT) / "media")
            except ContentError as exc:
                error, status = str(exc), 400
            else:
                with transaction.atomic():
                    enqueue_build()  # copies the new files into public/media/
                snippet = stored.html(site_view(get_site()).href, alt)
        if wants_json:
            return JsonResponse({"error": error} if error else {"html": snippet},
                                status=status)
    elif request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/media.html", {"snippet": snippet, "error": error},
                  status=status)


# -- password reset ------------------------------------------------------------------------


def password_reset(request: HttpRequest) -> HttpResponse:
    from masthead.accounts.actions import request_password_reset

    enabled = settings.MASTHEAD_SMTP is not None
    sent = False
    if request.method == "POST" and enabled:
        request_password_reset(request.POST.get("email", ""))
        sent = True
    elif request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "studio/password_reset.html", {"enabled": enabled, "sent": sent})


def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.http import urlsafe_base64_decode

    from masthead.accounts.actions import set_password
    from masthead.accounts.models import User
    from masthead.errors import AccountError

    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "studio/error.html", {
            "title": "This link has expired",
            "message": "Reset links work once, for an hour. Ask for a new one from the "
                       "login page.",
        }, status=400)
    error = ""
    if request.method == "POST":
        first, second = request.POST.get("password", ""), request.POST.get("password2", "")
        if first != second:
            error = "The two passwords differ."
        else:
            try:
                set_password(user, first)
            except AccountError as exc:
                error = str(exc)
            else:
                return HttpResponseRedirect(reverse("login") + "?reset=1")
    return render(request, "studio/password_set.html", {"error": error},
                  status=400 if error else 200)


# -- newsletter ----------------------------------------------------------------------------


@studio_login_required
def newsletter_view(request: HttpRequest) -> HttpResponse:
    """Subscribers by status and every send's counts (editors and owners)."""
    from django.db.models import Count

    from masthead.newsletter.models import Send, Subscriber
    from masthead.newsletter.sending import counts

    if not permissions.sees_all_posts(request.user):
        raise PermissionDenied("editors and owners see the newsletter")
    by_status = dict(Subscriber.objects.values_list("status").annotate(n=Count("id"))
                     .values_list("status", "n"))
    subscribers = [(label, by_status.get(value, 0)) for value, label in Subscriber.STATUSES]
    sends = [(s, counts(s.pk)) for s in
             Send.objects.select_related("post").order_by("-created_at")[:50]]
    q = request.GET.get("q", "").strip()
    found = list(Subscriber.objects.filter(email__icontains=q).order_by("email")[:100]) \
        if q else []
    return render(request, "studio/newsletter.html", {
        "subscribers": subscribers, "sends": sends, "q": q, "found": found,
        "configured": settings.MASTHEAD_SMTP is not None,
    })
