"""The production settings of deploy/kontor.env.example: `kontor check --deploy` passes with
them (in a subprocess, after migrate and collectstatic, as deploy/README.md runs them), and
the collected static files are served hashed, gzipped and cached for a year."""

import gzip
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client, override_settings

from kontor.core import checks

ROOT = Path(__file__).resolve().parents[3]
ENV_EXAMPLE = ROOT / "deploy" / "kontor.env.example"
# The `kontor` command (kontor.cli) of this tree, whichever tree the virtualenv installed.
KONTOR = [sys.executable, "-c", "from kontor.cli import main; main()"]
PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kontor.core.staticfiles.CompressedManifestStorage"},
}


def example_values() -> dict[str, str]:
    """KEY=value lines of the env example, as systemd's EnvironmentFile reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def production_env(folder: Path) -> dict[str, str]:
    """The example's settings, with what a test cannot use replaced: a real secret instead of
    the placeholders, a fresh SQLite file instead of its PostgreSQL server, folders of the
    test, and no Redis (the cache has no deploy checks)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE"))}
    env.pop("TEST_DATABASE_NAME", None)
    env.update(example_values())
    del env["DATABASE_URL"], env["REDIS_URL"]
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        SQLITE_PATH=str(folder / "kontor.sqlite3"),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        EMAIL_HOST_PASSWORD="a-real-password",
    )
    return env


def kontor(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KONTOR, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A migrated database and collected static files with the production settings."""
    folder = tmp_path_factory.mktemp("production")
    env = production_env(folder)
    for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        done = kontor(env, *step)
        assert done.returncode == 0, done.stderr
    return folder, env


def test_the_env_example_names_every_setting_kontor_reads():
    source = (ROOT / "kontor" / "settings.py").read_text()
    read = set(re.findall(r'(?:environ\.get|env_bool)\(\s*"([A-Z0-9_]+)"', source))
    read |= set(re.findall(r'"([A-Z0-9_]+)"\s+(?:not\s+)?in\s+os\.environ', source))
    read |= {"PROMETHEUS_MULTIPROC_DIR"}  # read by kontor.ops.metrics
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r'environ\.get\(\s*"([A-Z0-9_]+)"', gunicorn))
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M))
    assert len(read) > 50
    assert read - named == set()
    assert named - read == set()


def test_check_deploy_passes_with_the_production_settings(installation):
    folder, env = installation
    done = kontor(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert (folder / "static" / "staticfiles.json").is_file()


def test_check_deploy_fails_before_collectstatic_and_with_a_placeholder(tmp_path):
    env = production_env(tmp_path)
    env["SECRET_KEY"] = example_values()["SECRET_KEY"]
    # --database is not given: only the checks of the settings themselves run.
    done = kontor(env, "check", "--deploy", "--tag", "security", "--tag", "staticfiles")
    assert done.returncode == 1
    assert "kontor.E001" in done.stderr and "SECRET_KEY still has the placeholder" in done.stderr
    assert "kontor.W001" in done.stderr


def test_debug_off_without_a_secret_key_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    env["DEBUG"] = "0"
    done = kontor(env, "check")
    assert done.returncode == 1
    assert "SECRET_KEY must be set when DEBUG is off" in done.stderr


def test_no_placeholder_passes_the_check():
    with override_settings(SECRET_KEY="x" * 60, EMAIL_HOST_PASSWORD="secret"):
        assert checks.no_placeholders_left(None) == []
    with override_settings(EMAIL_HOST_PASSWORD="CHANGE-ME"):
        [error] = checks.no_placeholders_left(None)
    assert error.id == "kontor.E001" and error.msg.startswith("EMAIL_HOST_PASSWORD")


@pytest.mark.django_db
def test_collected_static_files_are_hashed_gzipped_and_cached_for_a_year(installation):
    folder, _env = installation
    with override_settings(
        STATIC_ROOT=folder / "static", STORAGES=PRODUCTION_STORAGES, WHITENOISE_USE_FINDERS=False
    ):
        hashed = staticfiles_storage.url("kontor/app.css")
        assert re.fullmatch(r"/static/kontor/app\.[0-9a-f]{12}\.css", hashed)
        page = Client().get("/login/")
        assert hashed in page.content.decode()  # pages link the hashed name

        response = Client().get(hashed, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        body = gzip.decompress(b"".join(response.streaming_content))
        assert body == (ROOT / "kontor" / "static" / "kontor" / "app.css").read_bytes()

        plain = Client().get("/static/kontor/app.css")
        assert plain.status_code == 200
        assert plain["Cache-Control"] == "max-age=60, public"  # may change: not cached long
        assert "Content-Encoding" not in plain


def test_before_collectstatic_pages_link_plain_names(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        assert staticfiles_storage.url("kontor/app.css") == "/static/kontor/app.css"
        [warning] = checks.static_files_collected(None)
    assert warning.id == "kontor.W001"
