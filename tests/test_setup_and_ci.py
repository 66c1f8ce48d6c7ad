"""`make test` brings what it needs on a fresh Debian machine, and `.ci/run` only wraps it.

The scripts run for real, in a sandbox: PATH holds only the tools a case allows, and the
commands that would change the machine or run the suite (apt-get, make, psql) are small scripts
that write down how they were called.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages"
CI_RUN = ROOT / ".ci" / "run"
INSTALL = "apt-get install -y --no-install-recommends"
CHMOD = shutil.which("chmod")


class Sandbox:
    """A PATH of chosen real tools and recording stand-ins, and a log the stand-ins write."""

    def __init__(self, tmp_path: Path, *, python=True, npm=True, root=True, chromium=True):
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.log = tmp_path / "calls.log"
        self.log.touch()
        self.chromium = tmp_path / "chromium"
        for tool in ("bash", "date", "dirname", "grep"):
            (self.bin / tool).symlink_to(shutil.which(tool))
        if python:
            (self.bin / "python3.11").symlink_to(sys.executable)
        if npm:
            self.stub("npm", "")
        if chromium:
            self.chromium.write_text("#!/bin/sh\n")
            self.chromium.chmod(0o755)
        self.stub("id", f"echo {0 if root else 1000}")
        # Installing Chromium makes the browser appear where the tests look for it.
        self.stub(
            "apt-get",
            f'echo "apt-get $*" >> {self.log}\n'
            f'case "$*" in *chromium*) printf "#!/bin/sh\\n" > {self.chromium}; '
            f"{CHMOD} +x {self.chromium};; esac",
        )

    def stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)

    def run(self, *command, **env) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(c) for c in command],
            env={"PATH": str(self.bin), "KONTOR_CHROMIUM": str(self.chromium), **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines()


def test_nothing_missing_installs_nothing(tmp_path):
    box = Sandbox(tmp_path)
    for purpose in ("run", "test"):
        result = box.run(SCRIPT, purpose)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"Debian packages for {purpose}: nothing missing\n"
    assert box.run(SCRIPT, "--check", "test").returncode == 0
    assert box.calls() == []


def test_check_and_dry_run_name_what_is_missing_and_install_nothing(tmp_path):
    box = Sandbox(tmp_path, python=False, npm=False, chromium=False)
    check = box.run(SCRIPT, "--check", "test")
    assert check.returncode == 1
    assert "missing: python3 python3-venv npm chromium" in check.stdout
    dry = box.run(SCRIPT, "--dry-run", "test")
    assert dry.returncode == 0
    assert dry.stdout.splitlines()[1:] == [
        "would run: apt-get update",
        f"would run: {INSTALL} python3 python3-venv npm chromium",
    ]
    assert box.calls() == []
    assert not box.chromium.exists()


def test_make_run_does_not_ask_for_chromium(tmp_path):
    box = Sandbox(tmp_path, npm=False, chromium=False)
    result = box.run(SCRIPT, "--dry-run")
    assert result.stdout.splitlines()[-1] == f"would run: {INSTALL} npm"


def test_a_python_without_venv_asks_for_its_own_venv_package(tmp_path):
    box = Sandbox(tmp_path, python=False)
    box.stub("python3", 'case "$*" in *ensurepip*) exit 1;; *) echo 3.13;; esac')
    result = box.run(SCRIPT, "--check")
    assert result.returncode == 1
    assert "missing: python3.13-venv" in result.stdout


def test_root_installs_what_is_missing_with_apt_get(tmp_path):
    box = Sandbox(tmp_path, chromium=False)
    result = box.run(SCRIPT, "test")
    assert result.returncode == 0, result.stderr
    assert box.calls() == ["apt-get update", f"{INSTALL} chromium"]
    assert os.access(box.chromium, os.X_OK)
    assert box.run(SCRIPT, "test").returncode == 0
    assert len(box.calls()) == 2, "a second run found nothing missing"


def test_an_install_that_leaves_chromium_missing_fails(tmp_path):
    box = Sandbox(tmp_path, chromium=False)
    result = box.run(SCRIPT, "test", KONTOR_CHROMIUM=str(tmp_path / "elsewhere"))
    assert result.returncode == 1
    assert "Still missing after apt-get: chromium" in result.stderr


def test_anyone_but_root_is_told_the_exact_command(tmp_path):
    box = Sandbox(tmp_path, root=False, chromium=False)
    result = box.run(SCRIPT, "test")
    assert result.returncode == 1
    assert f"sudo apt-get update && sudo {INSTALL} chromium" in result.stderr
    assert box.calls() == []


def _make(*args) -> str:
    """`make -n`: the commands make would run, none run (the recursive ones print theirs)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.parametrize(
    ("goal", "first"),
    [("test", ["scripts/system-packages", "test"]), ("run", ["scripts/system-packages"])],
)
def test_make_installs_system_packages_before_anything_else(goal, first):
    lines = _make(goal).splitlines()
    assert lines[0].split() == first
    assert not any("system-packages" in line for line in lines[1:])
    if goal == "test":
        assert any(line.endswith("-m pytest ") for line in lines)


def test_ci_run_brings_make_and_runs_make_test_on_postgresql(tmp_path):
    box = Sandbox(tmp_path)
    box.stub("make", f'echo "make $* DATABASE_URL=$DATABASE_URL" >> {box.log}; exit 3')
    box.stub("psql", f'echo "psql" >> {box.log}')  # answers: no database kontor yet
    box.stub("createdb", f'echo "createdb $*" >> {box.log}')
    result = box.run(CI_RUN)
    assert result.returncode == 3
    assert "==> make test exited with 3 after" in result.stdout
    assert box.calls() == [
        "psql",
        "createdb -w -h 127.0.0.1 -U postgres kontor",
        "make test DATABASE_URL=postgres://postgres@127.0.0.1:5432/kontor",
    ]


def test_ci_run_installs_make_when_missing_and_nothing_else(tmp_path):
    box = Sandbox(tmp_path)
    box.stub(
        "apt-get",
        f'echo "apt-get $*" >> {box.log}\n'
        f'case "$*" in *install*) printf "#!/bin/bash\\nexit 0\\n" > {box.bin}/make; '
        f"{CHMOD} +x {box.bin}/make;; esac",
    )
    result = box.run(CI_RUN)
    assert result.returncode == 0, result.stderr
    assert box.calls() == ["apt-get update", f"{INSTALL} make"]
