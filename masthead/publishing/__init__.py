"""Publishing: the one write door for content (posts, pages, site settings, sources).

``store`` writes what imports and the command line bring (many posts at once, by
address); ``actions`` is what a writer does in the studio (save, publish, schedule,
unpublish, settings, sources), each in one transaction that enqueues its jobs by name;
``tasks`` are those jobs (the build, scheduled publishing).
"""
