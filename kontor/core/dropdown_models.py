"""The dropdown lists' tables (SuiteCRM's `*_dom` lists), read through `kontor.core.dropdowns`.

Apart from `kontor.core.models` (which imports them, so Django finds them there) because the
record base of models.py validates through the configuration, and the configuration reads these
lists: kept in models.py they would close an import cycle.
"""

from django.db import models
from django.utils.translation import get_language


class DropdownList(models.Model):
    """A named list of values (SuiteCRM's `*_dom`); admins edit values, keys stay stable."""

    name = models.CharField(max_length=64, unique=True)
    label_en = models.CharField(max_length=100, blank=True)
    label_de = models.CharField(max_length=100, blank=True)

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The list's own label in the reader's language; its name when it has none."""
        de = (get_language() or "").startswith("de")
        return (self.label_de if de else self.label_en) or self.name


class DropdownValue(models.Model):
    """One value of a list: the stored key, its labels, its order, and list-specific extras."""

    dropdown = models.ForeignKey(DropdownList, on_delete=models.CASCADE, related_name="values")
    key = models.CharField(max_length=100)
    label_en = models.CharField(max_length=100)
    label_de = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    # e.g. {"probability": 10} on sales stages
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dropdown", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dropdown", "key"], name="dropdown_value_unique_key")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.label_de if (get_language() or "").startswith("de") else self.label_en
