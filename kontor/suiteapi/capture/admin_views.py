"""Administration → SuiteCRM web-to-lead: the switch of the capture per record type, for the
administrators of an installation whose websites still post SuiteCRM's forms.

The page says where the forms post to (SuiteCRM 7's and 8's addresses), which redirect hosts
are allowed, and links each record type's web form, whose settings the capture uses.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kontor.core import admin_area
from kontor.core.admin_area import admin_required
from kontor.suiteapi.capture.actions import KEYS, capture_forms, set_capture
from kontor.webforms.models import MODULES


@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def capture_admin(request):
    """Show the switches; a POST of `module` and `on` ("1" or "0") flips one."""
    if request.method == "POST":
        module = request.POST.get("module")
        if module in KEYS:
            on = request.POST.get("on") == "1"
            try:
                set_capture(module, on, actor=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("SuiteCRM web-to-lead capture switched on")
                    if on
                    else _("SuiteCRM web-to-lead capture switched off"),
                )
        return HttpResponseRedirect(reverse("suiteapi-capture-admin"))
    forms = capture_forms()
    labels = dict(MODULES)
    rows = [{"module": module, "label": labels[module], "form": forms[module]} for module in KEYS]
    root = request.build_absolute_uri("/")
    return render(
        request,
        "suiteapi/capture_admin.html",
        {
            "rows": rows,
            "addresses": [
                f"{root}index.php?entryPoint=WebToPersonCapture",
                f"{root}legacy/index.php?entryPoint=WebToPersonCapture",
                f"{root}index.php?entryPoint=WebToLeadCapture",
            ],
            "redirect_hosts": settings.KONTOR_WEBFORM_REDIRECT_HOSTS,
        },
    )


def register_page() -> None:
    """Put the page into the administration menu (called from the app's ready())."""
    admin_area.register_page(
        "suiteapi-capture-admin",
        gettext_lazy("SuiteCRM web-to-lead"),
        icon="box-arrow-in-right",
        group=gettext_lazy("Lead intake"),
        order=42,
    )
