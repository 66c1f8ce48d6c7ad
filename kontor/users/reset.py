"""Password reset by e-mail: "Forgot your password?" on the sign-in page.

The request only queues a task with the address as typed (`send_reset_mail`), so its answer
takes the same time and says the same ("if the address belongs to an account …") whether the
address is known or not. The task, run by the worker, finds the active users with that e-mail
and sends each a one-time link (Django's PasswordResetTokenGenerator: it stops working once the
password changed or after PASSWORD_RESET_TIMEOUT) in that user's language.

Throttled in the cache, like the sign-in: at most `PER_ADDRESS` mails per e-mail address and
`PER_CLIENT` requests per client address in `WINDOW` seconds; a throttled request gets the
same answer and sends nothing.
"""

import hashlib
import logging

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from kontor.users import signin

log = logging.getLogger(__name__)

PREFIX = "kontor:reset:"
WINDOW = 3600
PER_ADDRESS = 3
PER_CLIENT = 20


def _count(key: str) -> int:
    """Count one more request under `key` in the window; the count so far."""
    if cache.add(key, 1, WINDOW):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # ran out between add and incr
        cache.add(key, 1, WINDOW)
        return 1


def allowed(request, email: str) -> bool:
    """Whether a reset mail for `email` may be sent for this request (and count it)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    per_client = _count(f"{PREFIX}client:{signin.client_address(request)}")
    per_address = _count(f"{PREFIX}email:{digest}")
    return per_client <= PER_CLIENT and per_address <= PER_ADDRESS


class ResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )


def users_for(email: str):
    """The active users of `email` (case-insensitive) who have a password to reset."""
    users = get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True)
    return [u for u in users.select_related("profile") if u.has_usable_password() and u.email]


def reset_link(user) -> str:
    path = reverse(
        "password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.KONTOR_BASE_URL.rstrip("/") + path


def send_to(user) -> None:
    """Send `user` their reset link, in their language."""
    profile = getattr(user, "profile", None)
    language = getattr(profile, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "user": user,
            "link": reset_link(user),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            "base_url": settings.KONTOR_BASE_URL,
        }
        subject = render_to_string("users/reset/mail_subject.txt", context)
        body = render_to_string("users/reset/mail_body.txt", context)
    mail = EmailMultiAlternatives(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
    )
    mail.send()


@task()
def send_reset_mail(email: str, address: str, user_agent: str) -> int:
    """Send a reset link to every active user of `email` and record the request; how many."""
    from kontor.users.audit import Kind, record_event

    users = users_for(email)
    seen = {"address": address, "user_agent": user_agent}
    for user in users:
        record_event(Kind.RESET_REQUESTED, user=user, **seen)
        try:
            send_to(user)
        except Exception:  # noqa: BLE001 - the next user of the address still gets theirs
            log.exception("password reset mail to user %s failed", user.pk)
    if not users:
        record_event(Kind.RESET_REQUESTED, username=email, **seen)
    return len(users)
