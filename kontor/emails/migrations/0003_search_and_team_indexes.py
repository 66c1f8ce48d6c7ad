"""The substring index on the e-mails' search_text (pg_trgm GIN on PostgreSQL, FTS5 trigram on
SQLite), and their teams table by (team, record) for the Team scope."""

from django.db import migrations

from kontor.core.search_index import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [("emails", "0002_email")]

    operations = [
        CreateSearchIndex("email"),
        migrations.RunSQL(
            "CREATE INDEX emails_email_teams_team_record ON emails_email_teams (team_id, email_id)",
            "DROP INDEX emails_email_teams_team_record",
        ),
    ]
