"""The forecast's index on opportunities (PostgreSQL): by expected close date, carrying every
column the forecast's grouped query reads (kontor/forecasts/figures.py), so a year of
opportunities is summed by an index-only scan instead of reading their rows scattered over
the table (bench/README.md, "Forecast"). Partial on the records outside the trash, which are
all the forecast reads. Created here, by the app that reads it: the opportunities app does not
know the forecast. SQLite reads its small tables fast enough without it."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS opportunity_forecast ON opportunities_opportunity (date_closed)
INCLUDE (id, assigned_user_id, sales_stage, forecast_category, amount_base, probability)
WHERE NOT deleted
"""
DROP = "DROP INDEX IF EXISTS opportunity_forecast"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("forecasts", "0001_initial"),
        ("opportunities", "0009_board_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
