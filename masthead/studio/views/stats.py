"""The Stats page: what is read, counted without tracking anyone (masthead.stats), as
charts drawn on the server with a table each, and the same counts as a CSV file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.safestring import mark_safe

from masthead.accounts import permissions
from masthead.stats import charts, report
from masthead.studio.views.access import studio_login_required


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", report.PERIODS[0]))
    except ValueError:
        return report.PERIODS[0]
    return days if days in report.PERIODS else report.PERIODS[0]


@studio_login_required
def stats_view(request: HttpRequest) -> HttpResponse:
    """Views over the last 30 or 90 days, the most read pages, where readers came from,
    and (for editors and owners, who see the newsletter) the latest sends."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    days = _days(request)
    first, last = report.period(days)
    per_day = report.views_per_day(first, last)
    pages = report.top_pages(first, last)
    referrers = report.top_referrers(first, last)
    user = request.user
    links = {p.path: f"/studio/posts/{p.post.pk}/" for p in pages
             if p.post is not None and permissions.can_edit(user, p.post)}
    sends = report.sends() if permissions.sees_all_posts(user) else None
    send_chart = ""
    if sends:
        send_chart = charts.stacked_bars(
            "sends-chart", "Newsletter sends", [
                (s.send.subject or s.send.post.title, (s.delivered, s.bounced, s.unsubscribed))
                for s in sends], ("delivered", "bounced", "unsubscribed"))
    return render(request, "studio/stats.html", {
        "days": days, "periods": report.PERIODS, "first": first, "last": last,
        "total": sum(n for _, n in per_day),
        "per_day": list(reversed(per_day)),
        "day_chart": mark_safe(charts.daily_bars(  # every value in it is escaped
            "views-chart", f"Views a day, last {days} days", per_day)),
        "pages": [(p, links.get(p.path, "")) for p in pages],
        "pages_chart": mark_safe(charts.ranked_bars(
            "pages-chart", "Most read pages", [(p.title, p.views) for p in pages])),
        "referrers": referrers,
        "referrers_chart": mark_safe(charts.ranked_bars(
            "referrers-chart", "Where readers came from", referrers)),
        "sends": sends, "sends_chart": mark_safe(send_chart),
    })


@studio_login_required
def stats_csv(request: HttpRequest) -> HttpResponse:
    """Every count of the period as CSV: date, page, title, referrer host, views."""
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    days = _days(request)
    first, last = report.period(days)
    response = HttpResponse(report.csv_text(first, last), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="views-{first.isoformat()}-to-{last.isoformat()}.csv"')
    return response
