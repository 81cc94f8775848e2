"""Post.render_problem: why the last build left a post's body out (or kept its last good
version), so the studio can say which post and why.

Adding the column makes Django rebuild the table on SQLite, which drops the hand-made
covering index of 0006: it is made again here, with the same columns (the snapshot's
query is unchanged; tests/sitegen/test_build_behaviour.py checks it still uses the index).
"""

from django.db import migrations, models

LISTING = ("status", "published_at", "id", "kind", "slug", "title", "excerpt", "updated_at",
           "auto_excerpt", "render_key", "series", "canonical_url", "extra")


def create_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_listing")
        schema_editor.execute(
            f"CREATE INDEX post_listing ON content_post ({', '.join(LISTING)})")


class Migration(migrations.Migration):
    dependencies = [("content", "0006_listing_index_again")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="render_problem",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(condition=models.Q(("render_problem", ""), _negated=True),
                               fields=["status"], name="post_render_problems"),
        ),
        migrations.RunPython(create_listing_index, migrations.RunPython.noop),
    ]
