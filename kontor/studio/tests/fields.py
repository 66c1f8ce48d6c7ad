"""Test helpers for custom fields (studio, web forms): add one through its action, with a
currency field "budget" on leads unless the test says otherwise, and change one through
`update_custom_field`, keeping every setting the test does not name."""

from kontor.core import registry
from kontor.studio.actions.fields import create_custom_field, update_custom_field
from kontor.studio.models import CustomField


def add_field(actor, slug: str = "leads", **spec) -> CustomField:
    """A custom field on record type `slug`, created by `actor`: "budget" (currency) unless
    `spec` names other settings."""
    spec = {
        "name": "budget",
        "label_en": "Budget",
        "label_de": "Budget",
        "field_type": "currency",
        **spec,
    }
    return create_custom_field(registry.get(slug), **spec, actor=actor)


def change_field(field: CustomField, actor, **changes) -> CustomField:
    """Update `field` by its action with its current settings, overridden by `changes`."""
    settings = {
        "label_en": field.label_en,
        "label_de": field.label_de,
        "field_type": field.field_type,
        "required": field.required,
        "active": field.active,
        "indexed": field.indexed,
        **changes,
    }
    return update_custom_field(field, **settings, actor=actor)
