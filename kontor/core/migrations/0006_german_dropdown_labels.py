"""German labels of the shipped dropdowns, corrected, and each shipped list's own label.

For administrators upgrading: a German label is changed only where it is still the one 0002
installed (a label an admin edited in Studio stays), and a list gets its label only where it
has none. Frozen like 0002: the values are written out here.
"""

from django.db import migrations

#: (list, key) → (German label 0002 installed, the corrected one)
RELABELED = {
    ("sales_stage_dom", "Prospecting"): ("Prospecting", "Akquise"),
    ("salutation_dom", "Mrs."): ("Frau", "Frau (Mrs.)"),
    ("salutation_dom", "Miss"): ("Frau", "Frau (Miss)"),
}

#: list name → (English label, German label)
LABELS = {
    "salutation_dom": ("Salutation", "Anrede"),
    "lead_source_dom": ("Lead source", "Quelle des Interessenten"),
    "lawful_basis_dom": ("Lawful basis", "Gesetzliche Grundlage"),
    "lawful_basis_source_dom": ("Lawful basis source", "Quelle der gesetzlichen Grundlage"),
    "account_type_dom": ("Account type", "Firmentyp"),
    "industry_dom": ("Industry", "Branche"),
    "call_status_dom": ("Call status", "Status des Anrufs"),
    "call_direction_dom": ("Call direction", "Richtung des Anrufs"),
    "meeting_status_dom": ("Meeting status", "Status der Besprechung"),
    "meeting_accept_status_dom": ("Invitation response", "Antwort auf die Einladung"),
    "task_status_dom": ("Task status", "Status der Aufgabe"),
    "task_priority_dom": ("Task priority", "Priorität der Aufgabe"),
    "lead_status_dom": ("Lead status", "Status des Interessenten"),
    "lead_stage": ("Lifecycle stage", "Lebenszyklusphase"),
    "target_status_dom": ("Target status", "Status des Zielkontakts"),
    "sales_stage_dom": ("Sales stage", "Verkaufsphase"),
    "opportunity_type_dom": ("Opportunity type", "Art der Verkaufschance"),
    "opportunity_relationship_type_dom": (
        "Contact role in an opportunity",
        "Rolle des Kontakts in der Verkaufschance",
    ),
}


def relabel(apps, schema_editor, *, forward=True):
    DropdownList = apps.get_model("core", "DropdownList")  # noqa: N806 - a model class
    DropdownValue = apps.get_model("core", "DropdownValue")  # noqa: N806
    for (name, key), (old, new) in RELABELED.items():
        before, after = (old, new) if forward else (new, old)
        DropdownValue.objects.filter(dropdown__name=name, key=key, label_de=before).update(
            label_de=after
        )
    for name, (label_en, label_de) in LABELS.items():
        if forward:
            DropdownList.objects.filter(name=name, label_en="", label_de="").update(
                label_en=label_en, label_de=label_de
            )
        else:
            DropdownList.objects.filter(name=name, label_en=label_en, label_de=label_de).update(
                label_en="", label_de=""
            )


def unrelabel(apps, schema_editor):
    relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_adminchange")]

    operations = [migrations.RunPython(relabel, unrelabel)]
