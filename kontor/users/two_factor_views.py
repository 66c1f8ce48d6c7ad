"""Two-factor sign-in pages: the sign-in's second step, the set-up (from the settings page, or
right after the password when a role requires it) and an administrator's reset.

After a right password, a user with an authenticator, or whose role requires one, is not signed
in: the session only remembers who passed the password step, for `PENDING_SECONDS`, under a
new session key. Only the right code (or the set-up's first code) signs them in, so neither a
page nor the API's session authentication sees a signed-in user before it. Bearer tokens and
the SuiteCRM APIs are machine credentials and keep working without a code.
"""

import time

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kontor.core.admin_area import admin_required
from kontor.users import signin, two_factor, two_factor_actions

PENDING = "kontor_two_factor_pending"
PENDING_SECONDS = 600


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )


class SignInView(auth_views.LoginView):
    """The password step: signs in at once only when no second factor is needed."""

    redirect_authenticated_user = True
    authentication_form = signin.SignInForm

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_active_device(user):
            step = "code"
        elif two_factor.required_for(user):
            two_factor_actions.begin_setup(user, actor=user)
            step = "setup"
        else:
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()  # a key an attacker planted before the password is not kept
        session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "since": time.time(),
        }
        return redirect("two-factor-code" if step == "code" else "two-factor-signin-setup")


def _pending(request):
    """The user who passed the password step in this session, while it is recent; else None."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _finish(request, user, pending) -> None:
    request.session.pop(PENDING, None)
    login(request, user, backend=pending["backend"])


def code_step(request):
    """The second step: a code from the app or a recovery code."""
    user, pending = _pending(request)
    if user is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = two_factor.claim_code_attempt(user)
        if wait:
            form.add_error(None, ValidationError(signin.throttled_message(wait), "throttled"))
        else:
            kind = two_factor_actions.check_code(user, form.cleaned_data["code"])
            if kind is None:
                two_factor.code_failed(user)
                # Django's signal of a failed sign-in: the account audit trail records it.
                user_login_failed.send(
                    sender=__name__, credentials={"username": user.get_username()}, request=request
                )
                form.add_error("code", _("This code is not right. Enter the current code."))
            else:
                two_factor.code_passed(user)
                _finish(request, user, pending)
                if kind == "recovery":
                    left = len(user.two_factor.recovery_hashes)
                    messages.warning(
                        request,
                        ngettext(
                            "You used a recovery code; %(left)d is left.",
                            "You used a recovery code; %(left)d are left.",
                            left,
                        )
                        % {"left": left},
                    )
                return redirect(pending["next"])
    return render(
        request,
        "users/two_factor_code.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _setup_page(request, user, form, *, action: str, status: int = 200):
    device = two_factor.device_of(user)
    return render(
        request,
        "users/two_factor_setup.html",
        {
            "form": form,
            # segno draws the address as paths and a fixed title: none of its text is in the SVG.
            "qr": mark_safe(two_factor.qr_svg(device)),
            "secret": two_factor.spaced(device.secret),
            "uri": two_factor.otpauth_uri(device),
            "action": action,
            "required": two_factor.required_for(user),
        },
        status=status,
    )


def _confirm(request, user, form):
    """The recovery codes when the form's code confirms the set-up, else None (form errors)."""
    if not form.is_valid():
        return None
    try:
        return two_factor_actions.confirm_setup(user, form.cleaned_data["code"], actor=user)
    except ValidationError as error:
        form.add_error(None, error)  # a wrong code lands on its field, a refusal above
        return None


def signin_setup(request):
    """Set-up right after the password, for a user whose role requires two-factor sign-in."""
    user, pending = _pending(request)
    device = two_factor.device_of(user) if user is not None else None
    if device is None or device.active:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        codes = _confirm(request, user, form)
        if codes is not None:
            _finish(request, user, pending)
            return render(
                request, "users/two_factor_codes.html", {"codes": codes, "next": pending["next"]}
            )
    return _setup_page(
        request, user, form, action="two-factor-signin-setup", status=400 if form.errors else 200
    )


@login_required
@require_POST
def settings_begin(request):
    """Settings → Two-factor sign-in → Turn on: a new secret to scan."""
    try:
        two_factor_actions.begin_setup(request.user, actor=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("user-settings")
    return redirect("two-factor-setup")


@login_required
def settings_setup(request):
    """The QR code and the first code that turns two-factor sign-in on."""
    device = two_factor.device_of(request.user)
    if device is None or device.active:
        return redirect("user-settings")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        codes = _confirm(request, request.user, form)
        if codes is not None:
            return render(request, "users/two_factor_codes.html", {"codes": codes})
    return _setup_page(
        request, request.user, form, action="two-factor-setup", status=400 if form.errors else 200
    )


@login_required
@require_POST
def settings_disable(request):
    """Turn two-factor sign-in off with a current code."""
    form = CodeForm(request.POST)
    wait = two_factor.claim_code_attempt(request.user)
    if wait:
        messages.error(request, signin.throttled_message(wait))
        return redirect("user-settings")
    try:
        if not form.is_valid():
            raise ValidationError(_("This code is not right. Enter the current code."))
        two_factor_actions.disable(request.user, form.cleaned_data["code"], actor=request.user)
    except ValidationError as error:
        if not two_factor.required_for(request.user):
            two_factor.code_failed(request.user)
        messages.error(request, " ".join(error.messages))
    else:
        two_factor.code_passed(request.user)
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("user-settings")


@admin_required
@require_POST
def admin_reset(request, pk):
    """Administration → Users → a user → Reset two-factor sign-in."""
    user = get_object_or_404(get_user_model(), pk=pk)
    if two_factor_actions.reset(user, actor=request.user):
        messages.success(
            request,
            _("Two-factor sign-in of %(name)s was reset.") % {"name": user.get_username()},
        )
    return redirect("admin-user", pk=user.pk)
