"""The invitees of the invitations' tests: colleagues in German and in English."""

import pytest

from kontor.users.actions import create_user


@pytest.fixture
def greta(db):
    """A German-speaking colleague in Berlin."""
    return create_user(
        "greta",
        password="pw-greta-1!",
        first_name="Greta",
        last_name="Graf",
        email="greta@kontor.example",
        language="de",
    )


@pytest.fixture
def ed(db):
    """An English-speaking colleague whose profile says London."""
    user = create_user(
        "ed",
        password="pw-ed-123!",
        first_name="Ed",
        last_name="Evans",
        email="ed@kontor.example",
        language="en",
    )
    user.profile.time_zone = "Europe/London"
    user.profile.save()
    return user
