import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # received attachments are written to the storage: a test's go to its own folder
    settings.MEDIA_ROOT = tmp_path
