"""Leaner indexes: no LIKE-prefix twins, no index on created_by/modified_by (the owner
filter has a partial one), partial indexes on mostly-empty links (kontor.core.models)."""

import django.db.models.deletion
import kontor.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_lean_indexes'),
        ('contacts', '0006_lean_indexes'),
        ('leads', '0005_teams_by_team_index'),
        ('opportunities', '0004_teams_by_team_index'),
        ('targets', '0005_teams_by_team_index'),
        ('users', '0003_preset_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='lead',
            name='contact',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='source_leads', to='contacts.contact', verbose_name='Converted contact'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='created_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Created by'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='email1',
            field=kontor.core.fields.LowerEmailField(blank=True, max_length=254, verbose_name='Email'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='modified_by',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Modified by'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='opportunity',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='source_leads', to='opportunities.opportunity', verbose_name='Converted opportunity'),
        ),
        migrations.AlterField(
            model_name='lead',
            name='phone_mobile_e164',
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AlterField(
            model_name='lead',
            name='phone_work_e164',
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AlterField(
            model_name='lead',
            name='target',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='leads', to='targets.target', verbose_name='Source target'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['email1'], name='lead_email1_find'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['phone_work_e164'], name='lead_phone_work_e164_find'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(fields=['phone_mobile_e164'], name='lead_phone_mobile_e164_find'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('assigned_user__isnull', True)), fields=['created_by'], name='lead_unassigned_creator'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('target__isnull', False)), fields=['target'], name='lead_target_set'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('contact__isnull', False)), fields=['contact'], name='lead_contact_set'),
        ),
        migrations.AddIndex(
            model_name='lead',
            index=models.Index(condition=models.Q(('opportunity__isnull', False)), fields=['opportunity'], name='lead_opportunity_set'),
        ),
    ]
