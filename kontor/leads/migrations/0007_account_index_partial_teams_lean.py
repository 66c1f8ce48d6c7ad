"""Fewer index writes per new lead: the account link is indexed only where it is set (most
leads name their company as text only), and the team table loses its two single-column
indexes, which the unique (lead, team) and the (team, lead) index already cover
(docs/performance.md rule 11)."""

import django.db.models.deletion
from django.db import migrations, models

TEAMS = "leads_lead_teams"


def _covered_indexes(schema_editor) -> list[str]:
    """The plain one-column indexes on the team table's lead_id and team_id (their names
    carry a hash Django chose when it created the table)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TEAMS)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and not info["unique"]
        and not info["primary_key"]
        and info["columns"] in (["lead_id"], ["team_id"])
    ]


def drop_covered(apps, schema_editor):
    for name in _covered_indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def recreate(apps, schema_editor):
    for column in ("lead_id", "team_id"):
        name = schema_editor.quote_name(f"{TEAMS}_{column}_single")
        schema_editor.execute(f"CREATE INDEX {name} ON {TEAMS} ({column})")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_lean_indexes"),
        ("leads", "0006_lean_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lead",
            name="account",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="leads",
                to="accounts.account",
                verbose_name="Account",
            ),
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(("account__isnull", False)),
                fields=["account"],
                name="lead_account_set",
            ),
        ),
        migrations.RunPython(drop_covered, recreate),
    ]
