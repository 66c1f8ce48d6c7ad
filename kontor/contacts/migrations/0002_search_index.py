"""The substring index on search_text (pg_trgm GIN on PostgreSQL, FTS5 trigram on SQLite)."""

from django.db import migrations

from kontor.core.search_index import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
    ]

    operations = [
        CreateSearchIndex("contact"),
    ]
