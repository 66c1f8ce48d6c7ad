"""Studio's definitions as core reads them: required marks, custom fields, layouts and the
installation settings.

Provided to `kontor.core.config` in Studio's AppConfig.ready(); core caches the snapshot and
Studio's actions invalidate it on every change.
"""

from kontor.core.config import CustomFieldDef, Snapshot
from kontor.studio.models import CustomField, FieldRule, InstallationSetting, Layout


def load() -> Snapshot:
    """Everything configured, in four queries."""
    required: dict = {}
    for rule in FieldRule.objects.filter(required=True):
        required.setdefault(rule.model_label, set()).add(rule.field)
    custom: dict = {}
    for f in CustomField.objects.filter(active=True).order_by("position", "id"):
        custom.setdefault(f.model_label, []).append(
            CustomFieldDef(
                f.name,
                f.label_en,
                f.label_de,
                f.field_type,
                f.dropdown,
                f.link_module,
                f.required,
                f.indexed,
            )
        )
    layouts = {(lay.model_label, lay.kind): lay.data for lay in Layout.objects.all()}
    return Snapshot(
        {k: frozenset(v) for k, v in required.items()},
        {k: tuple(v) for k, v in custom.items()},
        layouts,
        dict(InstallationSetting.objects.values_list("key", "value")),
    )
