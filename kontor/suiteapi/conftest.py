"""Users of the SuiteCRM API tests whose password was set the way Kontor's user administration
sets it (`set_password`), so that their md5 verifier exists: `create_user` of the shared
fixtures stores the hash directly."""

import pytest


@pytest.fixture
def rolf(rep):
    rep.set_password("pw-rolf-123!")
    rep.save()
    return rep


@pytest.fixture
def ada(admin):
    admin.set_password("pw-ada-123!")
    admin.save()
    return admin
