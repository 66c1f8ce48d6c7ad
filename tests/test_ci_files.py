"""The CI entry point stays what CI expects: an executable, strict bash script running make test."""

import os
import subprocess
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"


def test_ci_run_is_an_executable_strict_bash_script():
    text = RUN.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(RUN, os.X_OK)
    subprocess.run(["bash", "-n", str(RUN)], check=True)


def test_ci_run_installs_chromium_and_runs_make_test_on_postgresql():
    text = RUN.read_text()
    assert "/usr/bin/chromium" in text and "apt-get install -y" in text
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor make test" in text
