"""A user's own settings: language and time zone, and the language switch of the user menu."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.users.account_views import account_context
from kontor.users.actions import profile_of, update_profile
from kontor.users.forms import ProfileForm


@login_required
def settings_view(request):
    profile = profile_of(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        update_profile(request.user, actor=request.user, **form.cleaned_data)
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your settings were saved."))
        return _with_language_cookie(redirect("user-settings"), form.cleaned_data["language"])
    context = {"form": form, **account_context(request)}
    return render(request, "users/settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def switch_language(request):
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return redirect("home")
    profile = profile_of(request.user)
    update_profile(request.user, language=language, time_zone=profile.time_zone, actor=request.user)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return _with_language_cookie(redirect(target), language)


def _with_language_cookie(response, language):
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response
