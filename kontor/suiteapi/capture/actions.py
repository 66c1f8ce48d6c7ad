"""The switch of SuiteCRM's web-to-lead capture, for the administrators who turn it on or off.

A SuiteCRM form posted to Kontor is taken as a submission of a Kontor web form: one per record
type the capture may create (leads, and targets for SuiteCRM's "Prospects"), with a fixed key
so the entry points find it. That form is the capture's whole configuration, edited in the web
form editor like any other: the fields it accepts, who gets the new records, lead source,
campaign, consent text, thank-you text and language. The switch is the form's "active" flag;
no form (the default) means off. Turning it on the first time creates the form through the web
forms' own action, with every field a web form may ask for.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from kontor.core import permissions
from kontor.core.admin_log import log_admin_change
from kontor.webforms.actions import save_webform
from kontor.webforms.formfields import allowed_fields, custom_fields
from kontor.webforms.models import WebForm

#: The key of the web form behind the capture of each record type.
KEYS = {"leads": "suitecrm-leads", "targets": "suitecrm-targets"}


def capture_form(module: str) -> WebForm | None:
    """The web form that takes SuiteCRM posts creating `module` records, when switched on."""
    return WebForm.objects.filter(key=KEYS[module], active=True).first()


def capture_forms() -> dict[str, WebForm | None]:
    """Every record type's capture form (switched on or off), or None when never switched on."""
    found = {w.key: w for w in WebForm.objects.filter(key__in=KEYS.values())}
    return {module: found.get(key) for module, key in KEYS.items()}


def set_capture(module: str, on: bool, *, actor) -> WebForm | None:
    """Switch the capture of `module` records on or off as the administrator `actor`; the
    form behind it, or None when it was never switched on.

    Raises PermissionDenied for anyone else and ValidationError when the form cannot be saved
    (e.g. Studio requires a field no web form can ask for); writes nothing then. Logged in the
    administration change log, besides the web form's own entry.
    """
    if not permissions.is_admin(actor):
        raise PermissionDenied
    with transaction.atomic():
        webform = WebForm.objects.select_for_update().filter(key=KEYS[module]).first()
        if webform is None:
            if not on:
                return None
            webform = _new_form(module, actor)
        elif webform.active == on:
            return webform
        webform.active = on
        save_webform(webform, actor=actor)
        log_admin_change(
            actor=actor,
            area="suitecrm_capture",
            target=webform.name,
            summary=gettext_noop("SuiteCRM web-to-lead capture switched on")
            if on
            else gettext_noop("SuiteCRM web-to-lead capture switched off"),
            detail={"module": module, "active": on},
        )
    return webform


def _new_form(module: str, actor) -> WebForm:
    """The capture's form as first switched on: every field a web form may ask for (the last
    name required, as in SuiteCRM), in the administrator's language, the new records assigned to
    them."""
    names = [f.name for f in allowed_fields(module)] + [f.name for f in custom_fields(module)]
    label = _("Leads") if module == "leads" else _("Targets")
    return WebForm(
        key=KEYS[module],
        name=_("SuiteCRM web-to-lead (%(module)s)") % {"module": label},
        module=module,
        language="de" if (get_language() or "").startswith("de") else "en",
        fields=[
            {"name": n, "required": n == "last_name", "label_en": "", "label_de": ""} for n in names
        ],
        assignment=WebForm.Assignment.USER,
        assigned_user=actor,
    )
