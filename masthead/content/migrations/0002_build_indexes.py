"""Indexes that keep a build's reads off the post bodies.

SQLite stores a row's columns in order, and everything after ``body`` (12 KB in a long
essay) sits on overflow pages: reading ``published_at`` or ``render_key`` for every post
walks them all. The covering index holds exactly the columns the build's snapshot reads,
so that query never touches a row. PostgreSQL keeps large values out of line (TOAST) and
does not need it; its B-tree entries are also limited to about 2.7 KB, which a long
title and excerpt could pass.
"""

from django.db import migrations, models

LISTING = ("status", "published_at", "id", "kind", "slug", "title", "excerpt", "updated_at",
           "auto_excerpt", "render_key", "series", "canonical_url")


def create_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS post_listing ON content_post ({', '.join(LISTING)})")


def drop_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_listing")


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["status", "modified_at"], name="post_saved_since"),
        ),
        migrations.RunPython(create_listing_index, drop_listing_index),
    ]
