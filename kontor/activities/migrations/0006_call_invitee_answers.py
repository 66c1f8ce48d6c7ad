"""Call invitees keep their answer, as meeting invitees do: the three invitee tables of calls
become models of their own (same tables, same rows) and gain `accept_status`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import kontor.core.fields

KINDS = (
    ("CallUser", "user", settings.AUTH_USER_MODEL, "users", "+", "Invited users"),
    ("CallContact", "contact", "contacts.contact", "contacts", "calls", "Invited contacts"),
    ("CallLead", "lead", "leads.lead", "leads", "calls", "Invited leads"),
)


def _state():
    for model, fk, target, field, related, label in KINDS:
        yield migrations.CreateModel(
            name=model,
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "call",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="activities.call"
                    ),
                ),
                (fk, models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=target)),
            ],
            options={"db_table": f"activities_call_{field}", "unique_together": {("call", fk)}},
        )
        yield migrations.AlterField(
            model_name="call",
            name=field,
            field=models.ManyToManyField(
                blank=True,
                related_name=related,
                through=f"activities.{model}",
                to=target,
                verbose_name=label,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0005_lean_indexes"),
        ("contacts", "0001_initial"),
        ("leads", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables exist (Django made them for the plain many-to-many fields): only the
        # models are new.
        migrations.SeparateDatabaseAndState(state_operations=list(_state())),
        *(
            migrations.AddField(
                model_name=model.lower(),
                name="accept_status",
                field=kontor.core.fields.DropdownField(
                    blank=True,
                    default="none",
                    dropdown="meeting_accept_status_dom",
                    verbose_name="Accept status",
                ),
            )
            for model, *_rest in KINDS
        ),
    ]
