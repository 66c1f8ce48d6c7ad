"""Which fields of a record type can be edited in place, and where their editor is: for the
inline editor (kontor.core.records.inline), the record page's template tag and the list."""

from django.db import models

from kontor.core import config

#: custom field types the inline editor leaves to the edit form (pickers of many values)
LEFT_TO_THE_FORM = frozenset({"relate", "multiselect"})


def editable_fields(module) -> frozenset[str]:
    """The fields of `module` the inline editor offers: what its edit form offers (the layout
    hides none of them) except links, files and multi-selects."""
    model = module.model
    shown = set(config.panel_fields(module)) | config.required_fields(model)
    names = set()
    for name in module.form_fields:
        field = model._meta.get_field(name)
        plain = field.editable and not field.is_relation
        if name in shown and plain and not isinstance(field, models.FileField):
            names.add(name)
    names.update(
        f.name for f in config.custom_fields(model) if f.field_type not in LEFT_TO_THE_FORM
    )
    return frozenset(names)


def inline_url(module, pk, name: str) -> str:
    """The inline editor of field `name` of record `pk` (GET: the editor, POST: the save)."""
    return f"{module.url('list')}{pk}/inline/{name}/"
