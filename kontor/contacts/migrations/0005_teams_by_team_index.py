"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("contacts", "0004_contact_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX contacts_contact_teams_team_record ON contacts_contact_teams (team_id, contact_id)",
            "DROP INDEX contacts_contact_teams_team_record",
        ),
    ]
