from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("content", "0003_studio")]

    operations = [
        migrations.AddField(model_name="post", name="email_on_publish",
                            field=models.BooleanField(default=False)),
    ]
