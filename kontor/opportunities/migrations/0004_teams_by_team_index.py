"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0003_opportunity_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX opportunities_opportunity_teams_team_record ON opportunities_opportunity_teams (team_id, opportunity_id)",
            "DROP INDEX opportunities_opportunity_teams_team_record",
        ),
    ]
