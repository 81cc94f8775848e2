"""Background jobs: a queue kept in the site's own database (django-tasks' database
backend), run by ``masthead worker`` or by the worker ``masthead serve`` starts.

Actions enqueue jobs inside their own transaction, so a job exists exactly when the
change that asked for it was committed. Every job takes ids, re-reads what it needs and
is idempotent: running it twice, or again after a crash, does no harm.
"""
