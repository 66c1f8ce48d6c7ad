"""Restoring an archive of `kontor backup` over the configured database and MEDIA_ROOT, for the
operator (`kontor restore FILE`; docs/operations.md).

Order: unpack and check the whole archive (`archive.stage`), refuse what does not fit (another
database vendor, migrations newer than the code, a database with data and no --yes), replace
the database (PostgreSQL in one transaction; SQLite by renaming a copy into place), then move
the old files aside, the restored ones in, and remove the old ones. Migrations the archive
lacks are applied last.
"""

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core.backup import BackupError
from kontor.core.backup.archive import (
    VENDOR_NAMES,
    WORK_PREFIX,
    Staged,
    media_files,
    stage,
    vendor_of,
)
from kontor.core.backup.postgres import pg_environment, start
from kontor.core.models import Record


@dataclass
class Restored:
    manifest: dict
    files: int
    migrated: list[str] = field(default_factory=list)


def newer_migrations(archived: dict, connection) -> list[str]:
    """The archive's latest migrations this code does not know (the archive is newer)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True, load=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    return [f"{app}.{name}" for app, name in sorted(archived.items()) if (app, name) not in known]


def contents(connection, media_root: Path) -> list[str]:
    """What a restore would replace: users, records per type (the trash included), files."""
    tables = set(connection.introspection.table_names())
    found = []
    user_model = get_user_model()
    for model in apps.get_models():
        if model._meta.db_table not in tables:
            continue
        if model is user_model or (issubclass(model, Record) and not model._meta.abstract):
            count = model._base_manager.using(connection.alias).count()
            if count:
                found.append(f"{model._meta.verbose_name_plural}: {count}")
    files = sum(1 for _path in media_files(media_root))
    if files:
        found.append(_("files under MEDIA_ROOT: %(count)s") % {"count": files})
    return found


def restore(
    archive: str | Path,
    *,
    yes: bool = False,
    check: bool = False,
    using: str = "default",
    say: Callable[[str], None] = lambda message: None,
) -> Restored:
    """Replace the database and the files with the archive's; see the module docstring. With
    `check`, only the checks run: whether the archive is whole and fits this installation."""
    connection = connections[using]
    vendor = vendor_of(connection)
    media_root = Path(settings.MEDIA_ROOT)
    staged = stage(archive, media_root)
    try:
        manifest = staged.manifest
        if manifest["vendor"] != vendor:
            raise BackupError(
                _(
                    "The archive holds a %(archived)s database; Kontor is configured for "
                    "%(configured)s. Restore it into a %(archived)s database."
                )
                % {
                    "archived": VENDOR_NAMES[manifest["vendor"]],
                    "configured": VENDOR_NAMES[vendor],
                }
            )
        newer = newer_migrations(manifest["migrations"], connection)
        if newer:
            raise BackupError(
                _(
                    "The archive was made by a newer Kontor (%(version)s; migrations this "
                    "version does not know: %(migrations)s). Update Kontor first."
                )
                % {"version": manifest.get("kontor_version"), "migrations": ", ".join(newer)}
            )
        if check:
            files = sum(1 for name in manifest["members"] if name.startswith("media/"))
            return Restored(manifest, files)
        present = contents(connection, media_root)
        if present and not yes:
            raise BackupError(
                _(
                    "The database and MEDIA_ROOT hold data the restore would replace "
                    "(%(contents)s). Nothing was changed; run again with --yes to replace it."
                )
                % {"contents": "; ".join(present)}
            )
        if vendor == "postgresql":
            _restore_postgresql(connection, staged)
        else:
            _restore_sqlite(connection, staged)
        say(_("Database restored (%(vendor)s).") % {"vendor": VENDOR_NAMES[vendor]})
        _replace_media(media_root, staged)
        restored = Restored(manifest, sum(1 for _path in media_files(media_root)))
    finally:
        staged.remove()
    restored.migrated = _migrate(connection, say)
    return restored


def _restore_postgresql(connection, staged: Staged) -> None:
    # pg_restore's SQL goes through one psql transaction, committed only after pg_restore has
    # finished without an error: any failure leaves the database as it was. Kontor's tables are
    # dropped first, so that tables of migrations newer than the archive do not stay behind
    # (and block the drops of --clean).
    tables = connection.introspection.django_table_names(only_existing=True)
    if "django_migrations" in connection.introspection.table_names():
        tables.append("django_migrations")
    quote = connection.ops.quote_name
    prelude = "BEGIN;\nSET LOCAL lock_timeout = '60s';\n"
    if tables:
        prelude += f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in sorted(tables))} CASCADE;\n"
    connections.close_all()
    env = pg_environment(connection.settings_dict)
    with open(staged.folder / "restore-errors.txt", "w+") as errors:
        reader = start(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--file=-"]
            + [str(staged.database)],
            env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            writer = start(
                ["psql", "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
                env,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        except BackupError:
            reader.kill()
            reader.wait()
            raise
        try:
            writer.stdin.write(prelude.encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, 1024 * 1024)
            reader.stdout.close()
            read = reader.wait()
            if read == 0:
                writer.stdin.write(b"COMMIT;\n")
            # else: psql reaches the end of its input inside the transaction, which the
            # server then rolls back
        except BrokenPipeError:
            pass  # psql stopped at an error; its message is in the log
        finally:
            with contextlib.suppress(BrokenPipeError):
                writer.stdin.close()
            reader.stdout.close()
        read, written = reader.wait(), writer.wait()
        if read or written:
            errors.seek(0)
            raise BackupError(
                _("The database could not be restored; it is unchanged. %(error)s")
                % {"error": errors.read().strip()[-2000:]}
            )


def _restore_sqlite(connection, staged: Staged) -> None:
    check = sqlite3.connect(staged.database)
    try:
        result = check.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        check.close()
    if result != "ok":
        raise BackupError(
            _("The archive's SQLite database is damaged: %(error)s") % {"error": result}
        )
    if connection.is_in_memory_db():
        raise BackupError(_("The configured SQLite database is in memory, not a file."))
    live = Path(connection.settings_dict["NAME"]).absolute()
    connections.close_all()
    # The copy goes next to the database and is renamed over it: never a half-written file.
    copy = live.with_name(f".{live.name}.restore-{secrets.token_hex(6)}")
    try:
        shutil.copyfile(staged.database, copy)
        with open(copy, "rb+") as file:
            os.fsync(file.fileno())
        if live.exists():
            # The write-ahead log belongs to the old file and must not be replayed into the new
            # one: fold it in; SQLite removes it when the last connection closes.
            current = sqlite3.connect(live)
            try:
                current.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                current.close()
            if any(Path(f"{live}{suffix}").exists() for suffix in ("-wal", "-shm")):
                raise BackupError(
                    _(
                        "Another program has the SQLite database open. Stop Kontor (web "
                        "server and workers) and run the restore again; nothing was changed."
                    )
                )
        os.replace(copy, live)
    finally:
        copy.unlink(missing_ok=True)
    descriptor = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _replace_media(media_root: Path, staged: Staged) -> None:
    # Entry by entry inside MEDIA_ROOT (never MEDIA_ROOT itself, which may be a mount point):
    # the old files move aside and are removed once the new ones are in place; a failed move
    # puts everything back.
    aside = media_root / f"{WORK_PREFIX}replaced-{secrets.token_hex(6)}"
    aside.mkdir()
    old = [e for e in sorted(media_root.iterdir()) if not e.name.startswith(WORK_PREFIX)]
    new = sorted(staged.media.iterdir()) if staged.media.is_dir() else []
    moved: list[tuple[Path, Path]] = []
    try:
        for source, target in [(e, aside / e.name) for e in old] + [
            (e, media_root / e.name) for e in new
        ]:
            os.rename(source, target)
            moved.append((source, target))
    except OSError as error:
        for source, target in reversed(moved):
            os.rename(target, source)
        aside.rmdir()
        raise BackupError(
            _("The database was restored, but the files could not be replaced (%(error)s).")
            % {"error": error}
        ) from error
    shutil.rmtree(aside)


def _migrate(connection, say: Callable[[str], None]) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return []
    names = [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    say(
        ngettext(
            "The archive was made by an older Kontor: applying %(count)s migration.",
            "The archive was made by an older Kontor: applying %(count)s migrations.",
            len(names),
        )
        % {"count": len(names)}
    )
    call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
    return names
