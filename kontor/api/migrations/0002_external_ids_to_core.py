"""The API's external ids move into core.ExternalId (one table for the API and imports)."""

from django.db import migrations


def copy(apps, schema_editor):
    old = apps.get_model("api", "ExternalId")
    new = apps.get_model("core", "ExternalId")
    new.objects.bulk_create(
        [new(source=row.source, external_id=row.external_id, record_type_id=row.record_type_id,
             record_id=row.record_id, created_at=row.created_at)
         for row in old.objects.iterator()],
        batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("core", "0003_externalid"),
    ]

    operations = [
        migrations.RunPython(copy, migrations.RunPython.noop),
        migrations.DeleteModel(name="ExternalId"),
    ]
