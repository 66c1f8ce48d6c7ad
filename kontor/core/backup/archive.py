"""The backup archive: writing it (`create_backup`) and unpacking and checking it (`stage`).

The archive holds `database/kontor.pgdump` (pg_dump's custom format) or
`database/kontor.sqlite3` (a copy made with SQLite's online backup API), the files as
`media/<path>`, and last `manifest.json`: the format, Kontor's version, the latest applied
migration per app, the database vendor, the time, the file count and the size and sha256 of
every other member. A restore stages and checks the whole archive inside MEDIA_ROOT before it
touches the database or a file.
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from kontor.core.backup import BackupError
from kontor.core.backup.postgres import pg_environment, run

FORMAT = "kontor-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: About a million files; a larger manifest is refused rather than read into memory.
MANIFEST_MAX_BYTES = 256 * 1024 * 1024
DATABASE_MEMBERS = {"postgresql": "database/kontor.pgdump", "sqlite": "database/kontor.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
#: Top-level entries of MEDIA_ROOT that belong to a running restore, never to the files.
WORK_PREFIX = ".kontor-"
CHUNK = 1024 * 1024
#: How long a backup waits for a table or database another program has locked.
LOCK_WAIT_SECONDS = 60


@dataclass
class Written:
    path: Path
    size: int
    database_size: int
    files: int
    vendor: str


def default_name(now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.UTC)
    return f"kontor-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"


def kontor_version() -> str:
    try:
        return metadata.version("kontor")
    except metadata.PackageNotFoundError:
        return "unknown"


def vendor_of(connection) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def migration_state(connection) -> dict[str, str]:
    """The latest applied migration of each app (the deepest in the migration graph)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    latest: dict[str, tuple[int, str]] = {}
    for app, name in loader.applied_migrations:
        node = (app, name)
        depth = len(loader.graph.forwards_plan(node)) if node in loader.graph.nodes else 0
        if app not in latest or (depth, name) > latest[app]:
            latest[app] = (depth, name)
    return {app: name for app, (_depth, name) in sorted(latest.items())}


def media_files(media_root: Path):
    """(path, member name) of every regular file under MEDIA_ROOT, a restore's work aside."""
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        here = Path(folder)
        if here == media_root:
            dirs[:] = [d for d in dirs if not d.startswith(WORK_PREFIX)]
            files = [f for f in files if not f.startswith(WORK_PREFIX)]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path, "media/" + path.relative_to(media_root).as_posix()


# --- backup ------------------------------------------------------------------------------------


class _Hashing:
    """A file read by tarfile, counted and hashed on the way."""

    def __init__(self, file):
        self.file, self.sha256, self.size = file, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.file.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    with open(path, "rb") as file:
        status = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = status.st_size, int(status.st_mtime), 0o644
        hashing = _Hashing(file)
        # tarfile reads exactly info.size bytes: a file that grows meanwhile is cut at the size
        # it had when opened, one that shrinks fails the backup.
        tar.addfile(info, hashing)
    return {"size": hashing.size, "sha256": hashing.sha256.hexdigest()}


def _dump_database(connection, vendor: str, target: Path) -> None:
    if vendor == "postgresql":
        # One snapshot for the whole dump: consistent while the app keeps writing. The archive
        # compresses, so pg_dump does not.
        command = ["pg_dump", "--format=custom", "--compress=0", "--no-password"]
        wait = f"--lock-wait-timeout={LOCK_WAIT_SECONDS * 1000}"
        run([*command, wait, f"--file={target}"], pg_environment(connection.settings_dict))
        return
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    deadline = time.monotonic() + LOCK_WAIT_SECONDS

    def give_up_when_locked(status, remaining, total):
        # sqlite3 retries a locked database for ever; this ends the wait.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(_("The SQLite database stayed locked; no backup was written."))

    try:
        # All pages in one step, inside one read transaction: a consistent copy, and in WAL mode
        # the app's writers are not blocked meanwhile.
        connection.connection.backup(copy, progress=give_up_when_locked)
    finally:
        copy.close()


def create_backup(output: str | Path | None = None, *, using: str = "default") -> Written:
    """Write the archive to `output` (default: kontor-backup-<UTC time>.tar.gz here) through a
    temporary file that is renamed only once complete."""
    connection = connections[using]
    vendor = vendor_of(connection)
    output = Path(output or default_name()).absolute()
    if output.is_dir():
        output = output / default_name()
    if not output.parent.is_dir():
        raise BackupError(_("There is no folder %(folder)s.") % {"folder": output.parent})
    started = datetime.datetime.now(datetime.UTC)
    media_root = Path(settings.MEDIA_ROOT)
    handle, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                members = {}
                with tempfile.TemporaryDirectory(dir=output.parent, prefix=".kontor-") as work:
                    dump = Path(work) / "database"
                    _dump_database(connection, vendor, dump)
                    members[DATABASE_MEMBERS[vendor]] = _add_file(
                        tar, DATABASE_MEMBERS[vendor], dump
                    )
                # The files after the database: a file a dumped row names was stored before its
                # row was committed, so it is in the archive.
                for path, name in media_files(media_root):
                    try:
                        members[name] = _add_file(tar, name, path)
                    except FileNotFoundError:
                        continue  # deleted since the folder was listed
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "kontor_version": kontor_version(),
                    "created_at": started.isoformat(timespec="seconds"),
                    "vendor": vendor,
                    "migrations": migration_state(connection),
                    "files": len(members) - 1,
                    "members": members,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(started.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
        _sync_folder(output.parent)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    database_size = members[DATABASE_MEMBERS[vendor]]["size"]
    return Written(output, output.stat().st_size, database_size, manifest["files"], vendor)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- reading an archive ------------------------------------------------------------------------


@dataclass
class Staged:
    """A checked archive, unpacked into a work folder inside MEDIA_ROOT."""

    manifest: dict
    folder: Path
    #: MEDIA_ROOT did not exist before: removed again with the work folder if left empty.
    created_root: bool = False

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_MEMBERS[self.manifest["vendor"]]

    @property
    def media(self) -> Path:
        return self.folder / "media"

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.created_root:
            with contextlib.suppress(OSError):
                self.folder.parent.rmdir()


def member_path(member: tarfile.TarInfo) -> PurePosixPath:
    """The member's checked relative path; a link, an absolute path, `..` or a name outside the
    archive's layout is refused before anything of it is written."""
    name = member.name
    path = PurePosixPath(name)
    allowed = (
        member.isreg()
        and "\x00" not in name
        and "\\" not in name
        and not path.is_absolute()
        and str(path) == name
        and not any(part in ("", ".", "..") for part in path.parts)
        and (
            name == MANIFEST
            or name in DATABASE_MEMBERS.values()
            or (
                len(path.parts) >= 2
                and path.parts[0] == "media"
                and not path.parts[1].startswith(WORK_PREFIX)
            )
        )
    )
    if not allowed:
        raise BackupError(
            _("The archive holds a member that may not be restored: %(name)s") % {"name": name}
        )
    return path


def _unpack(archive: Path, folder: Path) -> tuple[dict, dict]:
    """Write every member under `folder`, hashing it; return (manifest, found members)."""
    found: dict[str, dict] = {}
    manifest = None
    with tarfile.open(archive, mode="r|gz") as tar:
        for member in tar:
            if not found and member.name not in DATABASE_MEMBERS.values():
                # A backup starts with its database: anything else is some other archive.
                raise BackupError(_("The archive is not a Kontor backup."))
            path = member_path(member)
            if member.name in found or (member.name == MANIFEST and manifest is not None):
                raise BackupError(_("The archive holds %(name)s twice.") % {"name": member.name})
            source = tar.extractfile(member)
            if member.name == MANIFEST:
                if member.size > MANIFEST_MAX_BYTES:
                    raise BackupError(_("The archive's manifest is too large."))
                manifest = json.loads(source.read().decode())
                continue
            target = folder.joinpath(*path.parts)
            if not target.resolve().is_relative_to(folder.resolve()):
                raise BackupError(
                    _("The archive holds a member that may not be restored: %(name)s")
                    % {"name": member.name}
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            sha256, size = hashlib.sha256(), 0
            with open(target, "xb") as out:
                while data := source.read(CHUNK):
                    sha256.update(data)
                    size += len(data)
                    out.write(data)
            found[member.name] = {"size": size, "sha256": sha256.hexdigest()}
    if not isinstance(manifest, dict):
        raise BackupError(_("The archive has no manifest: it is damaged or not a Kontor backup."))
    return manifest, found


def stage(archive: str | Path, media_root: Path) -> Staged:
    """Unpack and check the archive: its manifest, the layout and every member's checksum.
    Refused: a damaged or foreign archive, with the work folder removed again."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("There is no file %(file)s.") % {"file": archive})
    created_root = not media_root.exists()
    media_root.mkdir(parents=True, exist_ok=True)
    folder = media_root / f"{WORK_PREFIX}restore-{secrets.token_hex(6)}"
    folder.mkdir()
    staged = Staged({}, folder, created_root)
    try:
        try:
            manifest, found = _unpack(archive, folder)
        except (tarfile.TarError, EOFError, zlib.error, ValueError) as error:
            raise BackupError(
                _("%(file)s is damaged or not a Kontor backup (%(error)s).")
                % {"file": archive.name, "error": error}
            ) from error
        except OSError as error:
            if error.errno is not None:  # the disk, not the archive (gzip's errors have none)
                raise BackupError(
                    _("The archive could not be unpacked into MEDIA_ROOT (%(error)s).")
                    % {"error": error}
                ) from error
            raise BackupError(
                _("%(file)s is damaged or not a Kontor backup (%(error)s).")
                % {"file": archive.name, "error": error}
            ) from error
        _check_manifest(manifest, found)
        staged.manifest = manifest
        return staged
    except BaseException:
        staged.remove()
        raise


def _check_manifest(manifest: dict, found: dict) -> None:
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("members"), dict):
        raise BackupError(_("The archive is not a Kontor backup."))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("The archive has format version %(version)s; this Kontor reads version %(ours)s.")
            % {"version": manifest.get("format_version"), "ours": FORMAT_VERSION}
        )
    if manifest.get("vendor") not in DATABASE_MEMBERS or not isinstance(
        manifest.get("migrations"), dict
    ):
        raise BackupError(_("The archive's manifest is incomplete."))
    listed = manifest["members"]
    if DATABASE_MEMBERS[manifest["vendor"]] not in listed:
        raise BackupError(_("The archive's manifest is incomplete."))
    for name in sorted(set(listed) | set(found)):
        if listed.get(name) != found.get(name):
            raise BackupError(
                _("The archive is damaged: %(name)s does not match its checksum.") % {"name": name}
            )
