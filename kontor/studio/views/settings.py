"""Administration → Settings: the installation settings admins change without a restart (the
B2B/B2C mode and the conversion policy; docs/domain.md §1)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.core import config
from kontor.core.admin_area import admin_required
from kontor.studio.actions.settings import save_installation_settings
from kontor.studio.forms import InstallationSettingsForm
from kontor.studio.views import apply


@admin_required
def installation(request):
    """Show and change the installation settings; each change is logged."""
    current = {name: config.setting(name) for name in config.SETTINGS}
    form = InstallationSettingsForm(request.POST or None, initial=current)
    if request.method == "POST":
        changed = []
        if apply(
            form,
            lambda: changed.append(
                save_installation_settings(actor=request.user, **form.cleaned_data)
            ),
        ):
            if changed[0]:
                messages.success(request, _("The installation settings were saved."))
            return HttpResponseRedirect(reverse("studio:settings"))
    stored = config.snapshot().settings
    context = {
        "form": form,
        "variables": {
            name: (variable, getattr(settings, variable), name in stored)
            for name, (variable, _allowed) in config.SETTINGS.items()
        },
    }
    return render(request, "studio/settings.html", context, status=400 if form.errors else 200)
