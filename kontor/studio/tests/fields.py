"""Test helper for the custom field tests of studio and web forms: change one custom
field through `update_custom_field`, keeping every setting the test does not name."""

from kontor.studio.actions.fields import update_custom_field
from kontor.studio.models import CustomField


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
