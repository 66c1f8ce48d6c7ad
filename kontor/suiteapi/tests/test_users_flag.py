"""Which record types show a user the other users is declared on the module
(`Module.shows_other_users`) and read through the registry, not listed in the Users module."""

import pytest

from kontor.core import registry
from kontor.suiteapi.users import sees_other_users, visible_users
from kontor.users.actions import create_user


def test_targets_alone_keep_the_other_users_hidden():
    hiding = [m.slug for m in registry.modules() if not m.shows_other_users]
    assert hiding == ["targets"]


@pytest.mark.django_db
def test_the_declaration_decides_what_a_targets_only_user_sees(monkeypatch):
    eve = create_user("eve", password="pw-eve-123!", roles=["external_lead_generation"])
    colleague = create_user("mia", password="pw-mia-123!", roles=["sales_manager"])
    assert not sees_other_users(eve)
    assert list(visible_users(eve)) == [eve]
    # A type declared to show the staff list opens it: the flag is what is read.
    monkeypatch.setattr(type(registry.get("targets")), "shows_other_users", True)
    assert sees_other_users(eve)
    assert set(visible_users(eve)) == {eve, colleague}
