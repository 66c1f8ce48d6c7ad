"""The import's external ids move into core.ExternalId (source "import"), beside the API's."""

from django.db import migrations


def copy(apps, schema_editor):
    old = apps.get_model("imports", "ExternalId")
    new = apps.get_model("core", "ExternalId")
    new.objects.bulk_create(
        [new(source="import", external_id=row.key, record_type_id=row.record_type_id,
             record_id=row.record_id,
             origin=f"job:import-{str(row.batch_id)[:8]}" if row.batch_id else "")
         for row in old.objects.iterator()],
        batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("imports", "0001_initial"),
        ("core", "0003_externalid"),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.DeleteModel(name="ExternalId"),
    ]
