"""The Trash: a post's trashed time and former status, and the addresses of trashed
published posts (410 Gone, or a redirect to the post chosen to replace them).

Adding columns can make Django rebuild the table on SQLite, which drops the hand-made
covering index of 0006: it is made again here with the same columns, as 0007 does (the
snapshot's query is unchanged).
"""

import django.db.models.deletion
from django.db import migrations, models

LISTING = ("status", "published_at", "id", "kind", "slug", "title", "excerpt", "updated_at",
           "auto_excerpt", "render_key", "series", "canonical_url", "extra")


def create_listing_index(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS post_listing")
        schema_editor.execute(
            f"CREATE INDEX post_listing ON content_post ({', '.join(LISTING)})")


class Migration(migrations.Migration):
    dependencies = [("content", "0007_render_problem")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="trashed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="post",
            name="trashed_from",
            field=models.CharField(blank=True, default="", max_length=12),
        ),
        migrations.AlterField(
            model_name="post",
            name="status",
            field=models.CharField(choices=[("draft", "draft"), ("scheduled", "scheduled"),
                                            ("published", "published"),
                                            ("unpublished", "unpublished"),
                                            ("trashed", "in the Trash")],
                                   default="draft", max_length=12),
        ),
        migrations.CreateModel(
            name="GoneAddress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("path", models.CharField(max_length=1000, unique=True)),
                ("title", models.CharField(blank=True, default="", max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("post", models.ForeignKey(blank=True, null=True,
                                           on_delete=django.db.models.deletion.SET_NULL,
                                           related_name="gone_addresses",
                                           to="content.post")),
                ("replacement", models.ForeignKey(blank=True, null=True,
                                                  on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to="content.post")),
            ],
        ),
        migrations.RunPython(create_listing_index, migrations.RunPython.noop),
    ]
