from django.db import migrations


def create_presets(apps, schema_editor):
    from kontor.users.presets import install

    install(apps.get_model("users", "Role"))


class Migration(migrations.Migration):
    dependencies = [("users", "0002_role_team")]
    operations = [migrations.RunPython(create_presets, migrations.RunPython.noop)]
