"""Stats without tracking: views of each page per day, counted by `masthead serve` from
its own requests or read from another server's access log, and the studio's Stats page.

Nothing that identifies a reader is kept: no cookie, no script, no address, no user agent;
a referrer is kept as its host only. The counting modules (rules, counter, store) do not
import Django, so the web server's workers stay lean.
"""
