"""Two-factor secrets sealed with the SECRET_KEY (kontor/core/sealing.py): the column is
renamed to `sealed_secret` and widened, and every secret stored in plain form is sealed."""

from django.db import migrations, models

from kontor.core import sealing

SEALED_FOR = "kontor.users.two_factor.secret"


def seal_plain_secrets(apps, schema_editor):
    devices = apps.get_model("users", "TwoFactorDevice").objects
    for device in devices.only("pk", "sealed_secret"):
        if not sealing.is_sealed(device.sealed_secret):
            device.sealed_secret = sealing.seal(device.sealed_secret, purpose=SEALED_FOR)
            device.save(update_fields=["sealed_secret"])


def unseal_secrets(apps, schema_editor):
    """Back to plain secrets (refused for one no key opens: it would be lost)."""
    devices = apps.get_model("users", "TwoFactorDevice").objects
    for device in devices.only("pk", "sealed_secret"):
        if sealing.is_sealed(device.sealed_secret):
            plain = sealing.unseal(device.sealed_secret, purpose=SEALED_FOR)
            if plain is None:
                raise RuntimeError(f"The two-factor secret of device {device.pk} cannot be opened.")
            device.sealed_secret = plain
            device.save(update_fields=["sealed_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0005_two_factor"),
    ]

    operations = [
        migrations.RenameField(
            model_name="twofactordevice", old_name="secret", new_name="sealed_secret"
        ),
        migrations.AlterField(
            model_name="twofactordevice",
            name="sealed_secret",
            field=models.CharField(max_length=255),
        ),
        migrations.RunPython(seal_plain_secrets, unseal_secrets),
    ]
