"""Checks of a web form definition, run by `WebForm.clean()` before an admin's save, and the
warning the builder shows for a saved form that visitors can no longer send."""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from kontor.core import config, dropdowns
from kontor.webforms.formfields import allowed_fields, custom_fields, model_for

#: Fields the submit action fills itself, so a form need not ask for them.
FILLED = frozenset(
    {
        "status",
        "lifecycle_stage",
        "lead_source",
        "campaign_name",
        "assigned_user",
        "lawful_basis",
        "lawful_basis_source",
        "date_reviewed",
    }
)


def check_webform(webform) -> None:
    errors: dict[str, list] = {}
    allowed = {f.name for f in allowed_fields(webform.module)} | {
        f.name for f in custom_fields(webform.module)
    }
    names = [spec.get("name") for spec in webform.fields]
    if any(name not in allowed for name in names) or len(set(names)) != len(names):
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Choose each field at most once, from the list.")
        )
    required = {spec["name"] for spec in webform.fields if spec.get("required")}
    if "last_name" not in required:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("The form needs the last name, as a required field.")
        )
    problem = missing_required(webform)
    if problem:
        errors.setdefault(NON_FIELD_ERRORS, []).append(problem)
    if webform.lead_source and webform.lead_source not in {
        o.key for o in dropdowns.options("lead_source_dom")
    }:
        errors["lead_source"] = [_("Choose a lead source from the list.")]
    if webform.assignment == "user" and not webform.assigned_user_id:
        errors["assigned_user"] = [_("Choose the user who gets the new records.")]
    if webform.assignment == "round_robin" and not webform.team_id:
        errors["assignment"] = [_("Choose the team whose members take turns.")]
    if webform.redirect_url and not redirect_allowed(webform.redirect_url):
        errors["redirect_url"] = [
            _(
                "Only addresses on these hosts are allowed: %(hosts)s. An administrator sets them "
                "in KONTOR_WEBFORM_REDIRECT_HOSTS."
            )
            % {"hosts": ", ".join(settings.KONTOR_WEBFORM_REDIRECT_HOSTS) or "–"}
        ]
    if errors:
        raise ValidationError(errors)


def missing_required(webform) -> str:
    """Why visitors cannot send `webform`: the fields records of its type require (built-in,
    Studio's marks, required custom fields) that it does not ask for; "" when none.

    Refused when an admin saves; shown as a warning on the builder for a form saved before a
    field became required in Studio, where every visitor would be refused.
    """
    model = model_for(webform.module)
    names = {spec.get("name") for spec in webform.fields}
    missing = sorted(config.required_fields(model) - names - FILLED)
    if not missing:
        return ""
    offered = {f.name for f in allowed_fields(webform.module)} | {
        f.name for f in custom_fields(webform.module)
    }
    labels = ", ".join(field_label(model, n) for n in missing)
    if all(n in offered for n in missing):
        return _(
            "Records of this type require fields the form does not ask for: "
            "%(fields)s. Put them on the form."
        ) % {"fields": labels}
    return _(
        "Records of this type require fields the form does not ask for: %(fields)s. "
        "A link to a record cannot be on a public form: an administrator makes it "
        "optional in Studio, or visitors cannot send this form."
    ) % {"fields": labels}


def redirect_allowed(url: str) -> bool:
    """An absolute http(s) address on one of the configured hosts (no query with data)."""
    hosts = set(settings.KONTOR_WEBFORM_REDIRECT_HOSTS)
    return (
        bool(hosts)
        and url.startswith(("https://", "http://"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=hosts)
    )


def field_label(model, name: str) -> str:
    """The label users read for a built-in or custom field `name`."""
    custom = config.custom_field(model, name)
    if custom is not None:
        return str(custom.label)
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a rule for a field that no longer exists
        return name
