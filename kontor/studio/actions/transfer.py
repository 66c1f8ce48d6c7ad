"""Export and import of the whole configuration as one JSON document, so a configuration can
move from a test to a live installation.

The import applies everything or nothing: each part goes through the same action an admin
would use (same checks, same change log), and any refusal rolls the whole import back with
every problem listed. Nothing is deleted: values and custom fields missing from the file
are deactivated, so records keep their data.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import registry
from kontor.core.models import DropdownList
from kontor.studio.actions import dropdowns, fields, layouts, log_change
from kontor.studio.actions.settings import save_installation_settings
from kontor.studio.models import CustomField, FieldRule, InstallationSetting, Layout

FORMAT = "kontor-configuration"
VERSION = 1


def export_configuration() -> dict:
    """Everything Studio configures, as a JSON-ready dict."""
    lists = {}
    for dropdown in DropdownList.objects.prefetch_related("values").order_by("name"):
        lists[dropdown.name] = {
            "label_en": dropdown.label_en,
            "label_de": dropdown.label_de,
            "values": [
                {
                    "key": v.key,
                    "label_en": v.label_en,
                    "label_de": v.label_de,
                    "active": v.active,
                    "is_default": v.is_default,
                    "extra": v.extra,
                }
                for v in sorted(dropdown.values.all(), key=lambda v: (v.position, v.id))
            ],
        }
    required: dict = {}
    for rule in FieldRule.objects.filter(required=True).order_by("model_label", "field"):
        required.setdefault(rule.model_label, []).append(rule.field)
    custom: dict = {}
    for field in CustomField.objects.order_by("model_label", "position", "id"):
        custom.setdefault(field.model_label, []).append(fields.definition(field))
    found: dict = {}
    for layout in Layout.objects.order_by("model_label", "kind"):
        found.setdefault(layout.model_label, {})[layout.kind] = layout.data
    return {
        "format": FORMAT,
        "version": VERSION,
        "dropdowns": lists,
        "required": required,
        "custom_fields": custom,
        "layouts": found,
        # Only what an admin chose: a setting still taken from the environment stays so.
        "settings": dict(InstallationSetting.objects.order_by("key").values_list("key", "value")),
    }


def _modules() -> dict:
    return {m.model._meta.label_lower: m for m in registry.modules()}


@transaction.atomic
def import_configuration(data, *, actor) -> dict:
    """Apply an exported configuration; all or nothing. Returns counts of what was applied.

    Raises ValidationError listing every problem ("where: message") and changes nothing.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(_("This is not a Kontor configuration file."))
    if data.get("version") != VERSION:
        raise ValidationError(_("This configuration file has an unknown version."))
    problems: list[str] = []
    counts = {"dropdowns": 0, "custom_fields": 0, "required": 0, "layouts": 0}

    def attempt(where: str, call) -> None:
        try:
            with transaction.atomic():
                call()
        except ValidationError as error:
            problems.extend(f"{where}: {m}" for m in error.messages)
        except (TypeError, KeyError, ValueError, AttributeError):
            problems.append(f"{where}: " + _("damaged entry"))

    for name, spec in (data.get("dropdowns") or {}).items():
        attempt(name, lambda name=name, spec=spec: _import_list(name, spec, actor))
        counts["dropdowns"] += 1
    modules = _modules()
    for label, specs in (data.get("custom_fields") or {}).items():
        module = modules.get(label)
        if module is None:
            problems.append(f"{label}: " + _("unknown record type"))
            continue
        for spec in specs:
            attempt(
                f"{label}.{spec.get('name')}",
                lambda module=module, spec=spec: _import_field(module, spec, actor),
            )
            counts["custom_fields"] += 1
        attempt(label, lambda module=module, specs=specs: _deactivate_missing(module, specs, actor))
    for label, names in (data.get("required") or {}).items():
        if label in modules:
            attempt(label, lambda m=modules[label], n=names: fields.set_required(m, n, actor=actor))
            counts["required"] += 1
        else:
            problems.append(f"{label}: " + _("unknown record type"))
    for label, kinds in (data.get("layouts") or {}).items():
        module = modules.get(label)
        if module is None:
            problems.append(f"{label}: " + _("unknown record type"))
            continue
        for kind, spec in kinds.items():
            attempt(
                f"{label} {kind}", lambda m=module, k=kind, s=spec: _import_layout(m, k, s, actor)
            )
            counts["layouts"] += 1
    chosen = data.get("settings") or {}
    if chosen:
        attempt("settings", lambda: save_installation_settings(actor=actor, **chosen))
        counts["settings"] = len(chosen)
    if problems:
        raise ValidationError(problems)
    log_change(
        actor=actor,
        area="import",
        target="configuration",
        summary=gettext_noop("Configuration imported"),
        detail=counts,
    )
    return counts


def _import_list(name: str, spec: dict, actor) -> None:
    dropdown = DropdownList.objects.filter(name=name).first() or dropdowns.create_list(
        name=name, label_en=spec.get("label_en", ""), label_de=spec.get("label_de", ""), actor=actor
    )
    existing = {v.key: v for v in dropdown.values.all()}
    keys = []
    for item in spec.get("values", []):
        key = str(item["key"])
        keys.append(key)
        probability = item.get("extra", {}).get("probability")
        category = item.get("extra", {}).get("forecast_category")
        value = existing.get(key)
        if value is None:
            value = dropdowns.add_value(
                dropdown,
                key=key,
                label_en=item["label_en"],
                label_de=item["label_de"],
                probability=probability,
                forecast_category=category,
                actor=actor,
            )
        dropdowns.update_value(
            value,
            label_en=item["label_en"],
            label_de=item["label_de"],
            active=bool(item.get("active", True)),
            probability=probability,
            forecast_category=category,
            actor=actor,
        )
    for key, value in existing.items():
        if key not in keys and value.active:
            dropdowns.update_value(
                value, label_en=value.label_en, label_de=value.label_de, active=False, actor=actor
            )
    dropdowns.reorder(dropdown, keys, actor=actor)
    default = next((str(i["key"]) for i in spec.get("values", []) if i.get("is_default")), "")
    dropdowns.set_default(dropdown, default, actor=actor)


def _import_field(module, spec: dict, actor) -> None:
    label = module.model._meta.label_lower
    field = CustomField.objects.filter(model_label=label, name=spec["name"]).first()
    if field is None:
        field = fields.create_custom_field(
            module,
            name=spec["name"],
            label_en=spec["label_en"],
            label_de=spec["label_de"],
            field_type=spec["field_type"],
            dropdown=spec.get("dropdown", ""),
            link_module=spec.get("link_module", ""),
            required=bool(spec.get("required")),
            actor=actor,
        )
    elif (field.dropdown, field.link_module) != (
        spec.get("dropdown", ""),
        spec.get("link_module", ""),
    ):
        raise ValidationError(_("The field exists here with another list or link target."))
    fields.update_custom_field(
        field,
        label_en=spec["label_en"],
        label_de=spec["label_de"],
        field_type=spec["field_type"],
        required=bool(spec.get("required")),
        active=bool(spec.get("active", True)),
        indexed=bool(spec.get("indexed")),
        actor=actor,
    )


def _deactivate_missing(module, specs: list, actor) -> None:
    names = {s.get("name") for s in specs}
    label = module.model._meta.label_lower
    for field in CustomField.objects.filter(model_label=label, active=True).exclude(name__in=names):
        fields.update_custom_field(
            field,
            label_en=field.label_en,
            label_de=field.label_de,
            field_type=field.field_type,
            required=field.required,
            active=False,
            indexed=field.indexed,
            actor=actor,
        )


def _import_layout(module, kind: str, spec: dict, actor) -> None:
    if kind == Layout.Kind.PANELS:
        layouts.set_panels(
            module,
            {int(i): list(n) for i, n in spec.get("panels", [])},
            list(spec.get("hidden", [])),
            actor=actor,
        )
    elif kind == Layout.Kind.LIST:
        layouts.set_list_columns(module, list(spec.get("columns", [])), actor=actor)
    else:
        raise ValidationError(_("Unknown layout kind."))
