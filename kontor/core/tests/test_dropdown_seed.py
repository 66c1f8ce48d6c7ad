"""Shipped dropdown lists: declared by their modules, installed by a frozen migration, and a
list or value added later seeded after migrate without touching what admins edited."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from kontor.core import dropdown_seed
from kontor.core.dropdown_seed import Dropdown
from kontor.core.models import DropdownList, DropdownValue

pytestmark = pytest.mark.django_db

migration = importlib.import_module("kontor.core.migrations.0002_seed_dropdowns")
relabeling = importlib.import_module("kontor.core.migrations.0006_german_dropdown_labels")
forecasting = importlib.import_module("kontor.core.migrations.0007_forecast_categories")

#: The lists as the migrations installed them: 0002's, plus the forecast categories of 0007.
SEEDED = {**migration.SEED, forecasting.NAME: forecasting.VALUES}
LABELS = {**relabeling.LABELS, forecasting.NAME: forecasting.LABEL}
#: Lists shipped by modules added after those migrations: seeded after migrate from the
#: declaration alone (docs/adding-a-module.md, step 3).
LATER = {n: d for n, d in dropdown_seed.shipped().items() if n not in SEEDED}


def corrected(name: str, row: tuple) -> tuple:
    """A value of 0002 with the German label 0006 corrected and the forecast category 0007
    gave each sales stage."""
    old_new = relabeling.RELABELED.get((name, row[0]))
    if old_new and row[2] == old_new[0]:
        row = (*row[:2], old_new[1], *row[3:])
    category = forecasting.STAGE_CATEGORIES.get(row[0]) if name == "sales_stage_dom" else None
    if category:
        row = (*row[:3], {**row[3], "forecast_category": category})
    return row


def rows() -> dict:
    return {
        name: [
            (v.key, v.label_en, v.label_de, v.position, v.extra, v.is_default)
            for v in DropdownValue.objects.filter(dropdown__name=name).order_by("position")
        ]
        for name in DropdownList.objects.values_list("name", flat=True)
    }


def test_the_migration_carries_its_own_copy_of_the_lists():
    source = Path(migration.__file__).read_text(encoding="utf-8")
    assert "import kontor" not in source and "from kontor" not in source
    assert len(migration.SEED) == 18
    assert sum(len(values) for values in migration.SEED.values()) == 125
    assert migration.SEED["lead_status_dom"][4] == ("Recycled", "Recycled", "Wiedereröffnet")
    assert migration.DEFAULTS["sales_stage_dom"] == "Prospecting"


def test_a_fresh_install_has_exactly_the_lists_of_the_migration():
    expected = {
        name: [
            (
                row[0],
                row[1],
                corrected(name, row)[2],
                position,
                corrected(name, row)[3] if len(row) > 3 else {},
                migration.DEFAULTS.get(name) == row[0],
            )
            for position, row in enumerate(values)
        ]
        for name, values in SEEDED.items()
    }
    for name, dropdown in LATER.items():
        expected[name] = [
            (
                row[0],
                row[1],
                row[2],
                position,
                row[3] if len(row) > 3 else {},
                row[0] == dropdown.default,
            )
            for position, row in enumerate(dropdown.values)
        ]
    assert rows() == expected


def test_the_modules_declare_the_lists_the_migration_installed():
    shipped = dropdown_seed.shipped()
    assert sorted(set(shipped) - set(LATER)) == sorted(SEEDED)
    for name, dropdown in LATER.items():
        stored = DropdownList.objects.get(name=name)
        assert (stored.label_en, stored.label_de) == dropdown.label, name
    for name, dropdown in ((n, d) for n, d in shipped.items() if n in SEEDED):
        assert list(dropdown.values) == [corrected(name, r) for r in SEEDED[name]], name
        assert dropdown.label == LABELS[name], name
        stored = DropdownList.objects.get(name=name)
        assert (stored.label_en, stored.label_de) == LABELS[name]
        assert dropdown.default == migration.DEFAULTS.get(name, ""), name
    assert {d.name for d in dropdown_seed.SHARED} == {
        "salutation_dom",
        "lead_source_dom",
        "lawful_basis_dom",
        "lawful_basis_source_dom",
    }


def test_seeding_after_migrate_adds_what_is_missing_and_changes_nothing_else():
    value = DropdownValue.objects.get(dropdown__name="lead_status_dom", key="Dead")
    value.label_de = "Tot"
    value.save()
    DropdownValue.objects.filter(dropdown__name="task_priority_dom", key="Low").delete()
    before = rows()

    dropdown_seed.seed_after_migrate(sender=None, apps=apps)
    dropdown_seed.seed(
        lists=[
            Dropdown(
                "case_priority_dom",
                (("P1", "Urgent", "Dringend"), ("P2", "Normal", "Normal")),
                "P2",
            ),
            Dropdown(
                "lead_status_dom", (("New", "New", "Neu"), ("Nurturing", "Nurturing", "In Pflege"))
            ),
        ]
    )

    after = rows()
    assert after["lead_status_dom"][:6] == before["lead_status_dom"]  # "Tot" stays
    assert after["lead_status_dom"][6] == ("Nurturing", "Nurturing", "In Pflege", 6, {}, False)
    assert after["task_priority_dom"] == [
        *before["task_priority_dom"],
        ("Low", "Low", "Niedrig", 2, {}, False),
    ]
    assert after["case_priority_dom"] == [
        ("P1", "Urgent", "Dringend", 0, {}, False),
        ("P2", "Normal", "Normal", 1, {}, True),
    ]
    unchanged = set(before) - {"lead_status_dom", "task_priority_dom"}
    assert {name: after[name] for name in unchanged} == {name: before[name] for name in unchanged}


def test_a_list_declared_twice_differently_is_refused():
    class Clash:
        def get_dropdowns(self):
            return (Dropdown("salutation_dom", (("Mx.", "Mx.", "Mx."),)),)

    from kontor.core import registry

    original = registry.modules
    registry.modules = lambda: [Clash()]
    try:
        with pytest.raises(ValueError, match="salutation_dom"):
            dropdown_seed.shipped()
    finally:
        registry.modules = original


def test_the_relabeling_migration_corrects_only_labels_nobody_edited():
    DropdownValue.objects.filter(dropdown__name="salutation_dom", key="Mrs.").update(
        label_de="Frau"
    )
    DropdownValue.objects.filter(dropdown__name="sales_stage_dom", key="Prospecting").update(
        label_de="Sondierung"
    )
    DropdownList.objects.filter(name="industry_dom").update(label_en="", label_de="")
    DropdownList.objects.filter(name="lead_stage").update(label_en="Funnel", label_de="Trichter")

    relabeling.relabel(apps, None)

    labels = dict(
        DropdownValue.objects.filter(key__in=["Mrs.", "Prospecting"]).values_list("key", "label_de")
    )
    assert labels == {"Mrs.": "Frau (Mrs.)", "Prospecting": "Sondierung"}
    lists = {row.name: (row.label_en, row.label_de) for row in DropdownList.objects.all()}
    assert lists["industry_dom"] == ("Industry", "Branche")
    assert lists["lead_stage"] == ("Funnel", "Trichter")  # an admin's label stays

    relabeling.unrelabel(apps, None)
    assert DropdownValue.objects.get(key="Mrs.").label_de == "Frau"
    assert DropdownList.objects.get(name="industry_dom").label_de == ""
