"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("targets", "0004_target_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX targets_target_teams_team_record ON targets_target_teams (team_id, target_id)",
            "DROP INDEX targets_target_teams_team_record",
        ),
    ]
