"""PostgreSQL's client tools for backup and restore: the connection values of Django's settings
handed to pg_dump, pg_restore and psql through libpq's environment variables."""

import os
import subprocess

from django.utils.translation import gettext as _

from kontor.core.backup import BackupError

_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The connection values as libpq's variables: the password never shows on a command line."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for key, variable in _PG_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(key):
            env[variable] = str(settings_dict["OPTIONS"][key])
    return env


def run(command: list[str], env: dict, **kwargs) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (PostgreSQL's client tools are needed).")
            % {"program": command[0]}
        ) from error
    if done.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()[-2000:]}
        )


def start(command: list[str], env: dict, **streams) -> subprocess.Popen:
    try:
        return subprocess.Popen(command, env=env, **streams)
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed (PostgreSQL's client tools are needed).")
            % {"program": command[0]}
        ) from error
