from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="DailyViews",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                ("path", models.CharField(max_length=2048)),
                ("referrer", models.CharField(blank=True, default="", max_length=253)),
                ("views", models.PositiveBigIntegerField(default=0)),
            ],
            options={
                "db_table": "stats_dailyviews",
                "indexes": [models.Index(fields=["path", "day"], name="views_by_page")],
                "constraints": [models.UniqueConstraint(
                    fields=("day", "path", "referrer"),
                    name="one_count_per_page_day_referrer")],
            },
        ),
        migrations.CreateModel(
            name="LogImport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=64, unique=True)),
                ("name", models.CharField(max_length=500)),
                ("lines", models.PositiveBigIntegerField(default=0)),
                ("imported_at", models.DateTimeField()),
            ],
        ),
    ]
