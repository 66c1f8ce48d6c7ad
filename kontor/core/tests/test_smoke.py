import pytest

from kontor.core.models import DropdownValue


@pytest.mark.django_db
def test_dropdowns_are_seeded_with_german_labels():
    value = DropdownValue.objects.get(dropdown__name="lead_status_dom", key="Recycled")
    assert value.label_de == "Wiedereröffnet"
