"""Installation settings: the B2B/B2C mode and the conversion policy, chosen by an admin in
Administration → Settings (docs/domain.md §1). Read through `kontor.core.config.setting`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import config, permissions
from kontor.studio.actions import log_change
from kontor.studio.models import InstallationSetting


@transaction.atomic
def save_installation_settings(*, actor, **values: str) -> bool:
    """Set installation settings by name ("mode", "conversion_policy"); an admin's action,
    logged in the administration change log with old and new values. Returns whether anything
    changed; refuses everyone but admins (nothing changes) and unknown values."""
    if actor is None or not permissions.is_admin(actor):
        raise PermissionDenied
    errors = {
        name: _("Choose one of the offered values.")
        for name, value in values.items()
        if name not in config.SETTINGS or value not in config.SETTINGS[name][1]
    }
    if errors:
        raise ValidationError(errors)
    changed = {}
    for name, value in values.items():
        before = config.setting(name)
        InstallationSetting.objects.update_or_create(key=name, defaults={"value": value})
        if before != value:
            changed[name] = {"old": before, "new": value}
    if changed:
        log_change(
            actor=actor,
            area="setting",
            target=", ".join(changed),
            summary=gettext_noop("Installation settings changed"),
            detail=changed,
        )
    return bool(changed)
