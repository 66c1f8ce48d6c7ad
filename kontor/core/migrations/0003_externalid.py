"""One table of external ids for the API and imports (core.ExternalId)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0002_seed_dropdowns'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExternalId',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('source', models.CharField(max_length=64)),
                ('external_id', models.CharField(max_length=255)),
                ('record_id', models.UUIDField()),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('origin', models.CharField(blank=True, max_length=64)),
                ('record_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype')),
            ],
            options={
                'indexes': [models.Index(fields=['record_id'], name='external_id_record')],
                'constraints': [models.UniqueConstraint(fields=('record_type', 'source', 'external_id'), name='external_id_unique')],
            },
        ),
    ]
