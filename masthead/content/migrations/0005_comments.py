import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("content", "0004_email_on_publish")]

    operations = [
        migrations.AddField(model_name="site", name="comments",
                            field=models.BooleanField(default=False)),
        migrations.CreateModel(
            name="Comment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("origin", models.CharField(max_length=300, unique=True)),
                ("author_name", models.CharField(blank=True, default="", max_length=200)),
                ("author_url", models.CharField(blank=True, default="", max_length=500)),
                ("author_email", models.CharField(blank=True, default="", max_length=320)),
                ("body", models.TextField(blank=True, default="")),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("status", models.CharField(choices=[("approved", "approved"),
                                                     ("pending", "pending"),
                                                     ("spam", "spam")],
                                            default="approved", max_length=10)),
                ("parent", models.ForeignKey(blank=True, null=True,
                                             on_delete=django.db.models.deletion.SET_NULL,
                                             related_name="replies", to="content.comment")),
                ("post", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="comments", to="content.post")),
            ],
            options={"indexes": [models.Index(fields=["post", "published_at"],
                                              name="comments_by_post")]},
        ),
    ]
