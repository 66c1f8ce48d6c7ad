"""Leaner indexes: no LIKE-prefix twins, no index on created_by/modified_by (the owner
filter has a partial one), partial indexes on mostly-empty links (kontor.core.models)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0003_externalid'),
    ]

    operations = [
        migrations.AlterField(
            model_name='changelog',
            name='record_type',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype'),
        ),
    ]
