"""A user's own settings: language, time zone, formats, the order of the top bar, and the
language switch of the user menu."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import navigation
from kontor.users.account_views import account_context
from kontor.users.actions import profile_of, update_profile
from kontor.users.forms import FormatsForm, ProfileForm
from kontor.users.preference_actions import save_formats, save_navigation


@login_required
def settings_view(request):
    profile = profile_of(request.user)
    request.user.profile = profile
    form = ProfileForm(request.POST or None, instance=profile)
    formats = FormatsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and formats.is_valid():
        try:
            save_formats(request.user, actor=request.user, **formats.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                formats.add_error(field, errors)
        else:
            update_profile(request.user, actor=request.user, **form.cleaned_data)
            translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Your settings were saved."))
            return _with_language_cookie(redirect("user-settings"), form.cleaned_data["language"])
    arranged = navigation.for_user(request.user)
    context = {
        "form": form,
        "formats_form": formats,
        "nav_choice": [(m, True) for m in arranged.bar] + [(m, False) for m in arranged.more],
        **account_context(request),
    }
    failed = form.errors or formats.errors
    return render(request, "users/settings.html", context, status=400 if failed else 200)


@login_required
@require_POST
def navigation_view(request):
    """Save the order of the top bar. The settings page's script posts every change and swaps
    the bar in place (HTMX); without JavaScript, the arrow buttons and "Save" post the form."""
    order = request.POST.getlist("order")
    in_bar = set(request.POST.getlist("bar"))
    move = request.POST.get("move", "")
    slug, _sep, direction = move.partition(":")
    if slug in order and direction in ("up", "down"):
        i = order.index(slug)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    if request.POST.get("reset"):
        order = []
    save_navigation(request.user, order, [s for s in order if s not in in_bar], actor=request.user)
    if not request.headers.get("HX-Request"):
        messages.success(request, _("The order of the navigation was saved."))
        return redirect(reverse("user-settings") + "#navigation")
    arranged = navigation.for_user(request.user)
    html = render_to_string(
        "users/_navigation_saved.html",
        {"nav_main": arranged.bar, "nav_more": arranged.more, "oob": True},
    )
    return HttpResponse(html)


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
