"""What stats keep: a number of views a page, a day and a referrer host; nothing about
who read. Written by the web server's workers (store.py, outside the ORM) and by
log imports (logs.py); read by the studio's Stats page (report.py)."""

from __future__ import annotations

from django.db import models


class DailyViews(models.Model):
    """Views of one page on one day (the site's time zone), from one referrer host
    ("" when none, or the site itself)."""

    day = models.DateField()
    path = models.CharField(max_length=2048)  # the page's address, as Post.address() gives
    referrer = models.CharField(max_length=253, blank=True, default="")
    views = models.PositiveBigIntegerField(default=0)

    class Meta:
        db_table = "stats_dailyviews"  # store.py writes it by name
        constraints = [models.UniqueConstraint(fields=["day", "path", "referrer"],
                                               name="one_count_per_page_day_referrer")]
        indexes = [models.Index(fields=["path", "day"], name="views_by_page")]


class LogImport(models.Model):
    """An access log read before: which log (a digest of its first request, not of who
    made it) and how many of its lines were counted, so that reading it again, or
    after it has grown, counts each line once."""

    key = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=500)  # the file's name when it was last read
    lines = models.PositiveBigIntegerField(default=0)
    imported_at = models.DateTimeField()
