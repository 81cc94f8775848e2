"""The covering index of 0002 again, now with ``extra`` (the snapshot reads it since
imported posts keep their SEO title and description there).

Django rebuilds a SQLite table to add some columns (0004 did), and a rebuilt table keeps
only the indexes Django knows of: the hand-made covering index was silently lost, and a
10,000-post build's snapshot went back to walking every body's overflow pages.
tests/sitegen/test_build_behaviour.py checks that the snapshot's query is answered from the
index, so a later migration that rebuilds the table is noticed.
"""

from django.db import migrations

LISTING = ("status", "published_at", "id", "kind", "slug", "title", "excerpt", "updated_at",
           "auto_excerpt", "render_key", "series", "canonical_url", "extra")


def create_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_listing")
        schema_editor.execute(
            f"CREATE INDEX post_listing ON content_post ({', '.join(LISTING)})")


def drop_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_listing")


class Migration(migrations.Migration):
    dependencies = [("content", "0005_comments")]

    operations = [migrations.RunPython(create_listing_index, drop_listing_index)]
