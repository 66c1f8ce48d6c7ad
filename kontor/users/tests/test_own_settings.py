"""A user's own settings (language, time zone, list columns) are changed by that user or an
admin, never by someone else; a refused change leaves the profile as it was."""

import pytest
from django.core.exceptions import PermissionDenied

from kontor.users.actions import profile_of, save_list_columns, update_profile

pytestmark = pytest.mark.django_db


def test_a_user_changes_their_own_profile_and_an_admin_anyones(rep, admin):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    assert (profile_of(rep).language, profile_of(rep).time_zone) == ("de", "Europe/Berlin")
    update_profile(rep, language="en", time_zone="Europe/Vienna", actor=admin)
    assert (profile_of(rep).language, profile_of(rep).time_zone) == ("en", "Europe/Vienna")


def test_someone_else_or_nobody_is_refused_and_nothing_changes(rep, admin):
    update_profile(admin, language="en", time_zone="Europe/Berlin", actor=admin)
    for actor in (rep, None):
        with pytest.raises(PermissionDenied):
            update_profile(admin, language="de", time_zone="UTC", actor=actor)
        with pytest.raises(PermissionDenied):
            save_list_columns(admin, "leads", ["last_name"], actor=actor)
    profile = profile_of(admin)
    assert (profile.language, profile.time_zone) == ("en", "Europe/Berlin")
    assert profile.preferences.get("columns", {}).get("leads") is None
    save_list_columns(rep, "leads", ["last_name", "email1"], actor=rep)
    assert profile_of(rep).preferences["columns"]["leads"] == ["last_name", "email1"]
