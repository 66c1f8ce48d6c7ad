"""Writes to users and their profiles: create a user, change language and list preferences."""

from django.contrib.auth import get_user_model
from django.db import transaction

from kontor.users.models import Profile


def profile_of(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def create_user(username: str, *, password: str, actor=None, email: str = "",
                first_name: str = "", last_name: str = "", language: str = "en",
                is_superuser: bool = False):
    """Create a user with a profile (used by set-up, demo data and tests)."""
    user = get_user_model().objects.create_user(
        username=username, password=password, email=email, first_name=first_name,
        last_name=last_name, is_staff=is_superuser, is_superuser=is_superuser,
    )
    Profile.objects.create(user=user, language=language)
    return user


@transaction.atomic
def update_profile(user, *, language: str, time_zone: str, actor) -> Profile:
    profile = profile_of(user)
    profile.language, profile.time_zone = language, time_zone
    profile.save(update_fields=["language", "time_zone"])
    return profile


@transaction.atomic
def save_list_columns(user, slug: str, columns: list[str], *, actor) -> Profile:
    """Remember the list columns `user` chose for module `slug` (empty: back to default)."""
    profile = Profile.objects.select_for_update().get(pk=profile_of(user).pk)
    prefs = dict(profile.preferences)
    prefs.setdefault("columns", {})[slug] = columns
    profile.preferences = prefs
    profile.save(update_fields=["preferences"])
    return profile
