"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_lead_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX leads_lead_teams_team_record ON leads_lead_teams (team_id, lead_id)",
            "DROP INDEX leads_lead_teams_team_record",
        ),
    ]
