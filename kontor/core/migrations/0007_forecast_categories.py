"""The forecast categories: a new list, and each shipped sales stage's default category in its
extra (beside its probability), added where an admin has not set one. A frozen copy, like the
first seed: later edits of the declarations do not change what this migration installed."""

from django.db import migrations

NAME = "forecast_category_dom"
LABEL = ("Forecast category", "Prognosekategorie")
VALUES = (
    ("pipeline", "Pipeline", "Pipeline"),
    ("best_case", "Best case", "Bester Fall"),
    ("commit", "Commit", "Zugesagt"),
    ("closed", "Closed", "Abgeschlossen"),
    ("omitted", "Omitted", "Nicht berücksichtigt"),
)
STAGE_CATEGORIES = {
    "Prospecting": "pipeline",
    "Qualification": "pipeline",
    "Needs Analysis": "pipeline",
    "Value Proposition": "best_case",
    "Id. Decision Makers": "best_case",
    "Perception Analysis": "best_case",
    "Proposal/Price Quote": "commit",
    "Negotiation/Review": "commit",
    "Closed Won": "closed",
    "Closed Lost": "omitted",
}


def forward(apps, schema_editor):
    DropdownList = apps.get_model("core", "DropdownList")  # noqa: N806 - a model class
    DropdownValue = apps.get_model("core", "DropdownValue")  # noqa: N806
    dropdown, created = DropdownList.objects.get_or_create(
        name=NAME, defaults={"label_en": LABEL[0], "label_de": LABEL[1]}
    )
    existing = set(dropdown.values.values_list("key", flat=True))
    DropdownValue.objects.bulk_create(
        DropdownValue(dropdown=dropdown, key=key, label_en=en, label_de=de, position=position)
        for position, (key, en, de) in enumerate(VALUES)
        if key not in existing
    )
    for value in DropdownValue.objects.filter(dropdown__name="sales_stage_dom"):
        if "forecast_category" not in value.extra and value.key in STAGE_CATEGORIES:
            value.extra = {**value.extra, "forecast_category": STAGE_CATEGORIES[value.key]}
            value.save(update_fields=["extra"])


def backward(apps, schema_editor):
    DropdownValue = apps.get_model("core", "DropdownValue")  # noqa: N806 - a model class
    for value in DropdownValue.objects.filter(dropdown__name="sales_stage_dom"):
        if value.extra.pop("forecast_category", None) is not None:
            value.save(update_fields=["extra"])


class Migration(migrations.Migration):
    dependencies = [("core", "0006_german_dropdown_labels")]

    operations = [migrations.RunPython(forward, backward)]
