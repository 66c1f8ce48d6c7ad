"""Leaner indexes: no LIKE-prefix twins, no index on created_by/modified_by (the owner
filter has a partial one), partial indexes on mostly-empty links (kontor.core.models)."""

import django.db.models.deletion
import kontor.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_teams_by_team_index'),
        ('users', '0003_preset_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='account',
            name='created_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Created by'),
        ),
        migrations.AlterField(
            model_name='account',
            name='domain',
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AlterField(
            model_name='account',
            name='email1',
            field=kontor.core.fields.LowerEmailField(blank=True, max_length=254, verbose_name='Email'),
        ),
        migrations.AlterField(
            model_name='account',
            name='modified_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Modified by'),
        ),
        migrations.AlterField(
            model_name='account',
            name='name_key',
            field=models.CharField(blank=True, editable=False, max_length=150),
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(fields=['email1'], name='account_email1_find'),
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(fields=['name_key'], name='account_name_key_find'),
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(fields=['domain'], name='account_domain_find'),
        ),
        migrations.AddIndex(
            model_name='account',
            index=models.Index(condition=models.Q(('assigned_user__isnull', True)), fields=['created_by'], name='account_unassigned_creator'),
        ),
    ]
