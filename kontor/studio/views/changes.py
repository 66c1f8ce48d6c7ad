"""The administration change log (configuration, access, tokens, webhooks, web forms …), and
the export and import of the configuration."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core.admin_area import admin_required
from kontor.core.admin_log import AdminChange
from kontor.studio.actions import transfer
from kontor.studio.forms import ImportForm

LOG_ROWS = 200
MAX_FILE = 5 * 1024 * 1024


@admin_required
def log(request):
    """Who changed which configuration when, newest first; export and import."""
    rows = AdminChange.objects.select_related("actor")[:LOG_ROWS]
    return render(request, "studio/changes.html", {"rows": rows, "form": ImportForm()})


@admin_required
def export(request):
    """The whole configuration as a JSON file download."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = JsonResponse(
        transfer.export_configuration(), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="kontor-configuration-{stamp}.json"'
    return response


@admin_required
def import_config(request):
    """Apply an uploaded configuration file: all of it, or nothing with every problem shown."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_FILE:
                raise ValidationError(_("The file is larger than 5 MB."))
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise ValidationError(_("The file is not valid JSON.")) from None
            counts = transfer.import_configuration(data, actor=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "Configuration imported: %(dropdowns)d lists, %(custom_fields)d custom fields, "
                    "%(required)d required-field sets, %(layouts)d layouts."
                )
                % counts,
            )
            return HttpResponseRedirect(reverse("studio:changes"))
    rows = AdminChange.objects.select_related("actor")[:LOG_ROWS]
    return render(
        request,
        "studio/changes.html",
        {"rows": rows, "form": form, "problems": problems},
        status=400 if request.method == "POST" else 200,
    )
