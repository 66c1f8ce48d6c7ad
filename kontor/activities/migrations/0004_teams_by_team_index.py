"""The Team-scope filter looks records up by team: (team, record) answers from the index
alone (kontor.core.permissions.restrict)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_call_teams_meeting_teams_note_teams_task_teams")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX activities_call_teams_team_record ON activities_call_teams (team_id, call_id)",
            "DROP INDEX activities_call_teams_team_record",
        ),
        migrations.RunSQL(
            "CREATE INDEX activities_meeting_teams_team_record ON activities_meeting_teams (team_id, meeting_id)",
            "DROP INDEX activities_meeting_teams_team_record",
        ),
        migrations.RunSQL(
            "CREATE INDEX activities_note_teams_team_record ON activities_note_teams (team_id, note_id)",
            "DROP INDEX activities_note_teams_team_record",
        ),
        migrations.RunSQL(
            "CREATE INDEX activities_task_teams_team_record ON activities_task_teams (team_id, task_id)",
            "DROP INDEX activities_task_teams_team_record",
        ),
    ]
