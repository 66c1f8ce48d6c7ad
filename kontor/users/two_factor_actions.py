"""The users app's two-factor verbs: set up, confirm, check a code, turn off, and an admin's
reset. For the sign-in steps, the settings page and Administration → Users.

Turning it on, off and an admin's reset are written to the administration change log (area
"two_factor"), as API tokens are: they change how an account is protected. Never the secret
or a code.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import permissions
from kontor.core.admin_log import log_admin_change
from kontor.users import sessions, two_factor
from kontor.users.two_factor_models import TwoFactorDevice


def _wrong_code() -> ValidationError:
    return ValidationError({"code": _("This code is not right. Enter the current code.")})


@transaction.atomic
def begin_setup(user, *, actor) -> TwoFactorDevice:
    """A secret for `user` to add to their authenticator app, not active until confirmed;
    the one begun before while it is not confirmed (the QR code shown stays valid)."""
    _check_own(user, actor)
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.active:
        raise ValidationError(_("Two-factor sign-in is already on."))
    if device is None:
        device = TwoFactorDevice.objects.create(user=user, secret=two_factor.new_secret())
    return device


@transaction.atomic
def confirm_setup(user, code: str, *, actor, now: float | None = None) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the ten recovery
    codes, which only their digests are kept of (show them once)."""
    _check_own(user, actor)
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.active:
        raise ValidationError(_("Start the set-up again."))
    step = two_factor.matching_step(device.secret, code, after=device.last_step, now=now)
    if step is None:
        raise _wrong_code()
    codes = two_factor.new_recovery_codes()
    device.confirmed_at = timezone.now()
    device.last_step = step
    device.recovery_hashes = [two_factor.recovery_hash(user.pk, c) for c in codes]
    device.save(update_fields=["confirmed_at", "last_step", "recovery_hashes"])
    _log(actor, user, gettext_noop("Two-factor sign-in turned on"))
    return codes


def check_code(user, code: str, *, now: float | None = None) -> str | None:
    """Whether `code` is the user's current code ("code") or one of their unused recovery
    codes ("recovery"), using it up; None when it is neither (or used before)."""
    device = TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return None
    if two_factor.is_totp(code):
        step = two_factor.matching_step(device.secret, code, after=device.last_step, now=now)
        # Conditional on the stored step: of two requests with the same code one wins.
        used = (
            step is not None
            and TwoFactorDevice.objects.filter(pk=device.pk, last_step__lt=step).update(
                last_step=step
            )
            == 1
        )
        return "code" if used else None
    digest = two_factor.recovery_hash(user.pk, code)
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().get(pk=device.pk)
        if digest not in device.recovery_hashes:
            return None
        device.recovery_hashes = [h for h in device.recovery_hashes if h != digest]
        device.save(update_fields=["recovery_hashes"])
    return "recovery"


@transaction.atomic
def disable(user, code: str, *, actor) -> None:
    """Turn two-factor sign-in off, confirmed with a current code or a recovery code; refused
    while one of the user's roles requires it."""
    _check_own(user, actor)
    if two_factor.required_for(user):
        raise ValidationError(_("Your role requires two-factor sign-in: it cannot be turned off."))
    if check_code(user, code) is None:
        raise _wrong_code()
    TwoFactorDevice.objects.filter(user=user).delete()
    _log(actor, user, gettext_noop("Two-factor sign-in turned off"))


@transaction.atomic
def reset(user, *, actor) -> bool:
    """An administrator removes `user`'s authenticator (a lost phone): they sign in with their
    password alone, or set up a new one when their role requires it. False when there was
    none."""
    if actor is None or not permissions.is_admin(actor):
        raise PermissionDenied
    deleted, _rows = TwoFactorDevice.objects.filter(user=user).delete()
    if not deleted:
        return False
    _log(actor, user, gettext_noop("Two-factor sign-in reset by an administrator"))
    return True


def sign_out_unprotected(users) -> None:
    """After the commit, sign out every session of those `users` who have no authenticator:
    a role of theirs now requires two-factor sign-in (flagged, or given to them), and their
    next sign-in sets one up. For `save_role` and `save_user`."""
    pks = {user.pk for user in users}

    def end():
        protected = TwoFactorDevice.objects.filter(user__in=pks, confirmed_at__isnull=False)
        rows = sessions.UserSession.objects.filter(user__in=pks).exclude(
            user__in=protected.values("user")
        )
        sessions.end_sessions(rows)

    if pks:
        transaction.on_commit(end)


def _check_own(user, actor) -> None:
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied


def _log(actor, user, summary: str) -> None:
    log_admin_change(
        actor=actor,
        area="two_factor",
        target=user.get_username(),
        summary=summary,
        detail={"user": user.get_username()},
    )
