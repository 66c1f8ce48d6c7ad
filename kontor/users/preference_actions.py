"""Writes of a user's own choices kept in their profile: the order of the top bar, the formats
of dates and numbers and the default currency (read through `kontor.users.preferences`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.core import registry
from kontor.users.actions import _check_own_or_admin, profile_of
from kontor.users.models import Profile
from kontor.users.preferences import CURRENCIES, DATE_STYLES, NUMBER_STYLES


def _update(user, changes: dict, *, actor) -> Profile:
    """Merge `changes` into the user's preferences under the profile's row lock, so two tabs
    saving different choices at once both keep theirs."""
    _check_own_or_admin(user, actor)
    profile = Profile.objects.select_for_update().get(pk=profile_of(user).pk)
    profile.preferences = {**profile.preferences, **changes}
    profile.save(update_fields=["preferences"])
    if getattr(user, "profile", None) is not None and user.profile.pk == profile.pk:
        user.profile.preferences = profile.preferences  # this request shows it at once
    return profile


@transaction.atomic
def save_navigation(user, order: list[str], more: list[str], *, actor) -> Profile:
    """Remember the order of record types in `user`'s top bar and which stand under "More".

    Unknown slugs are dropped; the order is a wish, the navigation still shows only what the
    user may list. Empty `order` forgets the choice (back to the default).
    """
    known = {m.slug for m in registry.modules()}
    order = [s for s in dict.fromkeys(order) if s in known]
    if not order:
        return _update(user, {"nav": None}, actor=actor)
    more = [s for s in dict.fromkeys(more) if s in order]
    return _update(user, {"nav": {"order": order, "more": more}}, actor=actor)


@transaction.atomic
def save_formats(user, *, date_format: str, number_format: str, currency: str, actor) -> Profile:
    """Set the date and number formats ("" follows the language) and the default currency."""
    errors = {}
    if date_format and date_format not in DATE_STYLES:
        errors["date_format"] = _("Choose one of the offered date formats.")
    if number_format and number_format not in NUMBER_STYLES:
        errors["number_format"] = _("Choose one of the offered number formats.")
    if currency not in CURRENCIES:
        errors["currency"] = _("Choose one of the offered currencies.")
    if errors:
        raise ValidationError(errors)
    return _update(
        user,
        {"date_format": date_format, "number_format": number_format, "currency": currency},
        actor=actor,
    )


@transaction.atomic
def save_list_density(user, density: str, *, actor) -> Profile:
    """Remember whether `user`'s lists show compact rows ("compact") or the usual ones ("")."""
    return _update(user, {"density": "compact" if density == "compact" else ""}, actor=actor)
