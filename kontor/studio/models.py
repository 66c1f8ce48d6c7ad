"""Studio's tables: configured required fields, custom field definitions and layouts. Read
through `kontor.core.config`, written by `kontor.studio.actions` only (which log each change in
core's administration change log, `kontor.core.admin_log`)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONGTEXT = "longtext", _("Long text")
    INTEGER = "integer", _("Number")
    DECIMAL = "decimal", _("Decimal")
    CURRENCY = "currency", _("Currency")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Yes/no")
    DROPDOWN = "dropdown", _("Dropdown")
    MULTISELECT = "multiselect", _("Multi-select")
    URL = "url", _("Web address")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    RELATE = "relate", _("Link to a record")


class FieldRule(models.Model):
    """An admin's "required" mark on a built-in field of a record type."""

    model_label = models.CharField(max_length=100)  # e.g. "leads.lead"
    field = models.CharField(max_length=100)
    required = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_label", "field"], name="studio_fieldrule_unique")
        ]

    def __str__(self):
        return f"{self.model_label}.{self.field}"


class CustomField(models.Model):
    """A field admins added to a record type; its value lives in `record.custom[name]`."""

    model_label = models.CharField(max_length=100)
    name = models.CharField(max_length=50)
    label_en = models.CharField(max_length=100)
    label_de = models.CharField(max_length=100)
    field_type = models.CharField(max_length=20, choices=FieldType.choices)
    #: the dropdown list of dropdown and multi-select fields
    dropdown = models.CharField(max_length=64, blank=True)
    #: the module slug a link field points at
    link_module = models.CharField(max_length=50, blank=True)
    required = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    #: an expression index on the JSON key was requested (and created)
    indexed = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["model_label", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_label", "name"], name="studio_customfield_unique"
            )
        ]

    def __str__(self):
        return f"{self.model_label}.{self.name}"

    @property
    def label(self) -> str:
        return self.label_de if (get_language() or "").startswith("de") else self.label_en


class Layout(models.Model):
    """A stored layout of a record type overriding its module declaration.

    `data` is {"panels": [[title, [field, …]], …]} for "panels", {"columns": [field, …]} for
    "list".
    """

    class Kind(models.TextChoices):
        PANELS = "panels", _("Detail and edit panels")
        LIST = "list", _("Default list columns")

    model_label = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_label", "kind"], name="studio_layout_unique")
        ]

    def __str__(self):
        return f"{self.model_label} {self.kind}"


class InstallationSetting(models.Model):
    """A setting of the whole installation an admin chose in Administration → Settings (the
    B2B/B2C mode, the conversion policy). Until an admin sets one, its environment variable
    (kontor/settings.py) is in force; `kontor.core.config.setting` reads them."""

    key = models.CharField(max_length=50, unique=True)
    value = models.CharField(max_length=50)

    def __str__(self):
        return f"{self.key}={self.value}"
