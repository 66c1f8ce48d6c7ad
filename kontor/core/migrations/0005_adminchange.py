"""The administration change log moves into core (it was Studio's `ConfigChange`).

An existing database keeps its table and rows: `studio_configchange` is renamed. A new one
gets the table created here (Studio's migration 0002 drops the old table if it was created
too, after copying any rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "studio_configchange"


def take_over(apps, schema_editor):
    model = apps.get_model("core", "AdminChange")
    if OLD_TABLE in schema_editor.connection.introspection.table_names():
        schema_editor.alter_db_table(model, OLD_TABLE, model._meta.db_table)
    else:
        schema_editor.create_model(model)


def give_back(apps, schema_editor):
    model = apps.get_model("core", "AdminChange")
    schema_editor.alter_db_table(model, model._meta.db_table, OLD_TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_lean_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AdminChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        ("area", models.CharField(max_length=30)),
                        ("target", models.CharField(max_length=200)),
                        ("summary", models.TextField()),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["-at", "-id"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(take_over, give_back),
    ]
