"""Studio's `ConfigChange` is now core's `AdminChange` (core migration 0005 took its table).

On a new database Studio's 0001 may have created the old table after core created its own:
any rows are copied over and the old table dropped."""

from django.db import migrations

OLD_TABLE = "studio_configchange"
COLUMNS = "actor_id, at, area, target, summary, detail"


def drop_leftover(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    new_table = apps.get_model("core", "AdminChange")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {new_table} ({COLUMNS}) SELECT {COLUMNS} FROM {OLD_TABLE} ORDER BY id"
        )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0001_initial"),
        ("core", "0005_adminchange"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ConfigChange")],
            database_operations=[migrations.RunPython(drop_leftover, migrations.RunPython.noop)],
        ),
    ]
