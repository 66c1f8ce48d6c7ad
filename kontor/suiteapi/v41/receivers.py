"""Keeping the md5 verifier of the v4_1 `login` current (passwords.py), for every user.

Imported by the app's `ready()`. Two moments know the plain password:

- a password being set: `set_password` leaves it in `user._password` until the save, which
  sends `post_save` before clearing it (after the save, so that a new user has its row);
- a sign-in with the password form: Django's `user_logged_in` carries the request whose POST
  holds it. Only a user without a verifier gets one there (users who had their password before
  the verifier existed), after checking it against the password hash once.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from kontor.suiteapi.v41 import passwords


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="suiteapi_v41_md5_set")
def _remember_set_password(sender, instance, raw=False, **kwargs):
    password = getattr(instance, "_password", None)
    if raw or password is None:
        return
    passwords.remember_password(instance, password)


@receiver(user_logged_in, dispatch_uid="suiteapi_v41_md5_signin")
def _remember_signin_password(sender, request, user, **kwargs):
    if request is None or request.method != "POST":
        return
    password = request.POST.get("password")
    if not password or passwords.has_verifier(user) or not user.check_password(password):
        return
    passwords.remember_password(user, password)
