"""A user's own account pages: change password, reset it by e-mail, sign sessions out; and
Administration → Sign-ins, the account audit trail (admins only, 404 for everyone else)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kontor.core.admin_area import admin_required
from kontor.users import account_actions, sessions
from kontor.users.account_models import AccountEvent
from kontor.users.reset import ResetRequestForm

#: Entries of the account audit trail per page of Administration → Sign-ins.
PAGE_SIZE = 100
#: Sessions the settings page lists, most recently seen first (a script that signs in again
#: and again must not make the page load thousands; "sign out everywhere else" ends them all).
SESSIONS_SHOWN = 50


def account_context(request) -> dict:
    """What the settings page shows of the user's sessions."""
    shown = list(sessions.sessions_of(request.user)[: SESSIONS_SHOWN + 1])
    return {
        "account_sessions": shown[:SESSIONS_SHOWN],
        "more_sessions": len(shown) > SESSIONS_SHOWN,
        "sessions_shown": SESSIONS_SHOWN,
        "current_session": sessions.current_hash(request),
    }


def _bootstrap(form):
    for field in form.fields.values():
        field.widget.attrs.setdefault("class", "form-control")
    return form


@login_required
def password_change(request):
    form = _bootstrap(PasswordChangeForm(request.user, request.POST or None))
    if request.method == "POST" and form.is_valid():
        ended = account_actions.change_own_password(request, form.cleaned_data["new_password1"])
        message = _("Your password was changed.")
        if ended:
            message += " " + ngettext(
                "%(count)d other session was signed out.",
                "%(count)d other sessions were signed out.",
                ended,
            ) % {"count": ended}
        messages.success(request, message)
        return redirect("user-settings")
    status = 400 if form.errors else 200
    return render(request, "users/password_change.html", {"form": form}, status=status)


@login_required
@require_POST
def session_end(request, pk: int):
    """Sign out one of the user's own sessions; 404 for a session that has ended or is
    someone else's (the two look the same, rule 3)."""
    if not account_actions.end_session(request.user, pk, actor=request.user, request=request):
        raise Http404
    messages.success(request, _("The session was signed out."))
    return redirect("user-settings")


@login_required
@require_POST
def sessions_end_others(request):
    ended = account_actions.end_other_sessions(request)
    messages.success(
        request,
        ngettext(
            "%(count)d other session was signed out.",
            "%(count)d other sessions were signed out.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("user-settings")


def password_reset(request):
    """ "Forgot your password?": the same answer for every address (and a throttled one)."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_actions.request_reset(request, form.cleaned_data["email"])
        return redirect("password-reset-done")
    status = 400 if form.errors else 200
    return render(request, "users/reset/request.html", {"form": form}, status=status)


def password_reset_done(request):
    return render(request, "users/reset/done.html")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's check of the link (token kept in the session, not in the address bar), with
    the new password set by the action, which signs out every session of the user."""

    template_name = "users/reset/confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def get_form(self, form_class=None):
        return _bootstrap(super().get_form(form_class))

    def form_valid(self, form: SetPasswordForm):
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        account_actions.complete_reset(self.request, self.user, form.cleaned_data["new_password1"])
        return HttpResponseRedirect(self.get_success_url())


def password_reset_complete(request):
    return render(request, "users/reset/complete.html")


@admin_required
def sign_ins(request):
    """The account audit trail, newest first, a page of PAGE_SIZE at a time (keyset by id)."""
    events = AccountEvent.objects.select_related("user", "actor").order_by("-id")
    kind = request.GET.get("kind", "")
    if kind in AccountEvent.Kind.values:
        events = events.filter(kind=kind)
    # PostgreSQL refuses text with NUL bytes: such a name matches nobody anyway.
    username = request.GET.get("user", "").replace("\x00", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    page = list(events[: PAGE_SIZE + 1])
    more = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    return render(
        request,
        "users/admin/sign_ins.html",
        {
            "events": page[:PAGE_SIZE],
            "more": more,
            "kinds": AccountEvent.Kind.choices,
            "kind": kind,
            "username": username,
        },
    )
