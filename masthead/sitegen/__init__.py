"""The static renderer: database -> public/.

    snapshot (read the site) -> bodies (render changed Markdown, cached in the database)
    -> plan (every output with the key of what it depends on) -> render what changed
    -> write aside, then move into public/ -> remember the keys

See :func:`masthead.sitegen.pipeline.build`.
"""
