"""Books: a book, its places (front matter, chapters, appendices naming posts) and its versions."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0008_trash'),
    ]

    operations = [
        migrations.CreateModel(
            name='Book',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(allow_unicode=True, max_length=200, unique=True)),
                ('title', models.CharField(max_length=500)),
                ('subtitle', models.CharField(blank=True, default='', max_length=500)),
                ('authors', models.JSONField(blank=True, default=list)),
                ('language', models.CharField(blank=True, default='', max_length=35)),
                ('description', models.TextField(blank=True, default='')),
                ('cover', models.CharField(blank=True, default='', max_length=500)),
                ('isbn', models.CharField(blank=True, default='', max_length=20)),
                ('licence', models.CharField(blank=True, default='', max_length=200)),
                ('dedication', models.TextField(blank=True, default='')),
                ('footnotes', models.CharField(choices=[('chapter', 'per chapter'), ('book', 'through the book')], default='chapter', max_length=8)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('modified_at', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name='BookEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('section', models.CharField(choices=[('front', 'front matter'), ('chapter', 'chapter'), ('appendix', 'appendix')], default='chapter', max_length=8)),
                ('part', models.CharField(blank=True, default='', max_length=300)),
                ('post_slug', models.SlugField(allow_unicode=True, blank=True, default='', max_length=200)),
                ('title', models.CharField(blank=True, default='', max_length=500)),
                ('markdown', models.TextField(blank=True, default='')),
                ('sample', models.BooleanField(default=False)),
                ('book', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='content.book')),
                ('post', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='book_entries', to='content.post')),
            ],
            options={
                'ordering': ['position'],
                'constraints': [models.UniqueConstraint(fields=('book', 'position'), name='one_entry_per_place')],
            },
        ),
        migrations.CreateModel(
            name='BookVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('changelog', models.TextField(blank=True, default='')),
                ('released_at', models.DateTimeField()),
                ('book', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='content.book')),
            ],
            options={
                'ordering': ['number'],
                'constraints': [models.UniqueConstraint(fields=('book', 'number'), name='one_version_number_per_book')],
            },
        ),
    ]
