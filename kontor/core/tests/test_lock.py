"""The lock files cover pyproject.toml: a dependency added without `make lock` fails here,
before a fresh `make setup` or a deployment installs without it (they install only the lock)."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, re.M)
    }


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", PROJECT["dependencies"]),
        (
            "requirements-dev.lock",
            PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"],
        ),
    ],
)
def test_every_dependency_is_pinned_at_a_version_pyproject_allows(lock, requirements):
    pinned = pins(lock)
    missing, outside = [], []
    for line in requirements:
        requirement = Requirement(line)
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            missing.append(requirement.name)
        elif not requirement.specifier.contains(version, prereleases=True):
            outside.append(f"{requirement.name}=={version} ({requirement.specifier})")
    assert missing == [], "run `make lock`: not in the lock"
    assert outside == [], "run `make lock`: pinned outside pyproject.toml's range"


def test_the_deployment_and_development_locks_agree():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: development.get(name) for name in production} == production
    assert "--hash=sha256:" in (ROOT / "requirements.lock").read_text()
