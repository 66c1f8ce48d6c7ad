"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_account_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX accounts_account_teams_team_record ON accounts_account_teams (team_id, account_id)",
            "DROP INDEX accounts_account_teams_team_record",
        ),
    ]
