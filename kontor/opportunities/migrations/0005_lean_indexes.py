"""Leaner indexes: no LIKE-prefix twins, no index on created_by/modified_by (the owner
filter has a partial one), partial indexes on mostly-empty links (kontor.core.models)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_lean_indexes'),
        ('contacts', '0006_lean_indexes'),
        ('opportunities', '0004_teams_by_team_index'),
        ('users', '0003_preset_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='opportunity',
            name='created_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Created by'),
        ),
        migrations.AlterField(
            model_name='opportunity',
            name='modified_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Modified by'),
        ),
        migrations.AddIndex(
            model_name='opportunity',
            index=models.Index(condition=models.Q(('assigned_user__isnull', True)), fields=['created_by'], name='opportunity_unassigned_creator'),
        ),
    ]
