"""Layout actions: the fields of the detail and edit panels and the default list columns of a
record type. The module declaration stays the default; a stored layout overrides it, and a
reset deletes it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import config
from kontor.studio.actions import log_change
from kontor.studio.models import Layout


def _names(module) -> set[str]:
    return set(module.form_fields) | {f.name for f in config.custom_fields(module.model)}


@transaction.atomic
def set_panels(module, panels: dict[int, list[str]], hidden: list[str], *, actor) -> Layout:
    """Order the fields inside the module's panels (by position) and hide others.

    Refused: unknown or repeated fields, panels the module does not have, and hiding a
    required field (a form without it could never be saved).
    """
    allowed = _names(module)
    seen: list[str] = []
    for index, names in panels.items():
        if not 0 <= int(index) < len(module.panels):
            raise ValidationError({"panels": _("This record type has no such panel.")})
        seen += names
    seen += hidden
    unknown = sorted(set(seen) - allowed)
    if unknown:
        raise ValidationError(
            {"panels": _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    if len(seen) != len(set(seen)):
        raise ValidationError({"panels": _("A field can only be placed once.")})
    required = config.required_fields(module.model) & set(hidden)
    if required:
        raise ValidationError(
            {
                "panels": _("Required fields cannot be hidden: %(names)s.")
                % {"names": ", ".join(sorted(required))}
            }
        )
    data = {
        "panels": [[int(i), list(names)] for i, names in sorted(panels.items())],
        "hidden": list(hidden),
    }
    return _store(module, Layout.Kind.PANELS, data, actor=actor)


@transaction.atomic
def set_list_columns(module, columns: list[str], *, actor) -> Layout:
    """The columns a list shows by default, in order (users may still choose their own)."""
    allowed = set(config.all_columns(module))
    columns = list(dict.fromkeys(columns))
    unknown = sorted(set(columns) - allowed)
    if unknown or not columns:
        raise ValidationError({"columns": _("Choose at least one of the offered columns.")})
    return _store(module, Layout.Kind.LIST, {"columns": columns}, actor=actor)


def _store(module, kind: str, data: dict, *, actor) -> Layout:
    label = config.label_of(module.model)
    layout, created = Layout.objects.select_for_update().get_or_create(
        model_label=label, kind=kind, defaults={"data": data}
    )
    old = None if created else layout.data
    if old == data:
        return layout
    layout.data = data
    layout.save()
    log_change(
        actor=actor,
        area="layout",
        target=f"{label} {kind}",
        summary=gettext_noop("Layout saved"),
        detail={"old": old, "new": data},
    )
    return layout


@transaction.atomic
def reset_layout(module, kind: str, *, actor) -> None:
    """Back to the module declaration's layout."""
    label = config.label_of(module.model)
    deleted, _per_model = Layout.objects.filter(model_label=label, kind=kind).delete()
    if deleted:
        log_change(
            actor=actor,
            area="layout",
            target=f"{label} {kind}",
            summary=gettext_noop("Layout reset to the default"),
        )
