"""Uploaded import files of a test go to a temporary folder, never into the project's media."""

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
