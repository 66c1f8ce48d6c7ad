"""KONTOR_IMPORT_MAX_BYTES, the largest import file, is read from the environment (for whoever
runs a server with bigger files): in a fresh process, as a server starts."""

import os
import subprocess
import sys

READ = (
    "import django; django.setup(); "
    "from kontor.imports import actions; from django.conf import settings; "
    "print(settings.KONTOR_IMPORT_MAX_BYTES, actions.MAX_BYTES)"
)


def max_bytes(**env) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "KONTOR_IMPORT_MAX_BYTES"}
    environ.update(DJANGO_SETTINGS_MODULE="kontor.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", READ], env=environ, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_largest_import_file_comes_from_the_environment():
    assert max_bytes(KONTOR_IMPORT_MAX_BYTES="1048576") == ["1048576", "1048576"]
    assert max_bytes() == [str(300 * 1024 * 1024)] * 2
