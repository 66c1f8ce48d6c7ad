"""`kontor backup` and `kontor restore`: round trips on SQLite (a file database, in a process of
its own) and PostgreSQL (the test database, overwritten), and the archives a restore refuses."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from kontor.accounts.models import Account
from kontor.activities.models import Note
from kontor.core.actions import delete_records, save_record
from kontor.core.backup import BackupError, archive
from kontor.core.backup.archive import FORMAT, FORMAT_VERSION, create_backup
from kontor.core.backup.postgres import pg_environment
from kontor.core.backup.restore import restore
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.users.actions import create_user

ATTACHMENT = b"%PDF-1.4 Angebot 4711\n" + bytes(range(256))


def seed(actor) -> None:
    """A lead with a note and its attachment, an account changed once: records and log rows."""
    lead = save_record(Lead(last_name="Gruber", email1="gruber@example.com"), actor=actor)
    account = save_record(Account(name="Gruber GmbH"), actor=actor)
    account.name = "Gruber & Söhne GmbH"
    save_record(account, actor=actor)
    upload = SimpleUploadedFile("angebot.pdf", ATTACHMENT)
    note = Note(
        name="Angebot",
        parent_type=ContentType.objects.get_for_model(Lead),
        parent_id=lead.pk,
        filename=upload,
    )
    save_record(note, actor=actor)


def mutate(actor) -> None:
    """What happens after the backup: a deletion, a change, a new record, files gone and new."""
    delete_records(Lead.objects.all(), actor=actor)
    account = Account.objects.get()
    account.name = "Umbenannt AG"
    save_record(account, actor=actor)
    save_record(Lead(last_name="Neu"), actor=actor)
    media = Path(django_settings.MEDIA_ROOT)
    for note in Note.objects.all():
        (media / note.filename.name).unlink()
    (media / "imports").mkdir(parents=True, exist_ok=True)
    (media / "imports" / "new.csv").write_bytes(b"last_name\nNeu\n")


def snapshot() -> dict:
    """Rows per table, the content of the tables the scenario writes, and every stored file."""
    counts = {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
    content = {
        model._meta.db_table: list(model._base_manager.order_by("pk").values())
        for model in (Lead, Account, Note, ChangeLog)
    }
    media = Path(django_settings.MEDIA_ROOT)
    files = {
        path.relative_to(media).as_posix(): path.read_bytes().hex()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    return json.loads(json.dumps([counts, content, files], cls=DjangoJSONEncoder))


def sqlite_scenario(folder: str) -> None:
    """The SQLite round trip, run in a process of its own on a file database (see below)."""
    actor = create_user("operator", password="pw-operator-123!", is_superuser=True)
    seed(actor)
    before = snapshot()
    archive = Path(folder) / "backup.tar.gz"
    call_command("backup", output=str(archive))
    mutate(actor)
    changed = snapshot()
    try:
        call_command("restore", str(archive))
        refused = ""
    except CommandError as error:
        refused = str(error)
    unchanged = snapshot()
    call_command("restore", str(archive), yes=True)
    after = snapshot()
    # An archive of an older Kontor: restored, then migrated.
    call_command("migrate", "sessions", "zero", verbosity=0)
    older = Path(folder) / "older.tar.gz"
    call_command("backup", output=str(older))
    call_command("migrate", verbosity=0)
    out = io.StringIO()
    call_command("restore", str(older), yes=True, stdout=out)
    result = {
        "before": before,
        "changed": changed,
        "refused": refused,
        "unchanged": unchanged,
        "after": after,
        "older": out.getvalue(),
        "sessions_table": "django_session" in connection.introspection.table_names(),
    }
    (Path(folder) / "result.json").write_text(json.dumps(result))


def test_round_trip_on_sqlite(tmp_path):
    # The test database may be PostgreSQL or SQLite in memory (and what earlier transactional
    # tests left of it); the round trip needs a SQLite file of its own, so it runs in a
    # process of its own on a freshly migrated one.
    database = tmp_path / "kontor.sqlite3"
    env = {**os.environ, "SQLITE_PATH": str(database), "MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("DATABASE_URL", None)
    kontor = Path(sys.executable).with_name("kontor")
    subprocess.run([kontor, "migrate", "-v0"], env=env, check=True, cwd=tmp_path)
    code = (
        "import django; django.setup(); "
        "from kontor.core.tests.test_backup import sqlite_scenario; "
        f"sqlite_scenario({str(tmp_path)!r})"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    result = json.loads((tmp_path / "result.json").read_text())
    before, after = result["before"], result["after"]
    assert result["changed"] != before
    assert after == before
    counts, content, files = after
    assert counts["leads_lead"] == 1 and counts["accounts_account"] == 1
    assert content["accounts_account"][0]["name"] == "Gruber & Söhne GmbH"
    assert len(content["core_changelog"]) >= 4
    assert [bytes.fromhex(data) for data in files.values()] == [ATTACHMENT]
    assert "run again with --yes" in result["refused"]
    assert "Leads: 2" in result["refused"]
    assert result["unchanged"] == result["changed"]
    assert "older Kontor" in result["older"] and "sessions.0001_initial" in result["older"]
    assert result["sessions_table"]
    assert not list(tmp_path.glob(".*"))  # no temporary file left beside the archives


# The test database on SQLite lives in memory: the SQLite round trip above uses a file of its
# own, so this one exists where the suite runs on PostgreSQL (as `make test` and CI run it).
if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_round_trip_on_postgresql(settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path / "media"
        actor = create_user("operator", password="pw-operator-123!", is_superuser=True)
        seed(actor)
        before = snapshot()
        written = create_backup(tmp_path / "backup.tar.gz")
        assert written.vendor == "postgresql" and written.files == 1
        mutate(actor)
        changed = snapshot()
        assert changed != before
        with pytest.raises(BackupError, match="run again with --yes"):
            restore(written.path)
        assert snapshot() == changed
        messages = []
        restore(written.path, yes=True, say=messages.append)
        assert snapshot() == before
        assert Lead.objects.get().last_name == "Gruber"
        note = Note.objects.get()
        assert note.filename.read() == ATTACHMENT
        assert messages == ["Database restored (PostgreSQL)."]


@pytest.mark.django_db
def test_a_backup_that_cannot_finish_leaves_no_file(settings, tmp_path, rep, monkeypatch):
    # This test's open transaction holds the database (SQLite) or a table (PostgreSQL) locked.
    settings.MEDIA_ROOT = tmp_path / "media"
    save_record(Lead(last_name="Gesperrt"), actor=rep)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE leads_lead IN ACCESS EXCLUSIVE MODE")
    monkeypatch.setattr(archive, "LOCK_WAIT_SECONDS", 1)
    folder = tmp_path / "backups"
    folder.mkdir()
    with pytest.raises(BackupError, match="locked|pg_dump failed"):
        create_backup(folder / "backup.tar.gz")
    assert list(folder.iterdir()) == []


# --- refused archives ----------------------------------------------------------------------


@pytest.fixture
def operator(transactional_db, django_db_serialized_rollback):
    # Committed rows: SQLite's backup waits for an open write transaction, pg_dump sees none.
    # The serialized rollback brings back the data migrations' rows (dropdown lists, content
    # types) that the flush after a transactional test removes, for the tests that follow.
    return create_user("operator", password="pw-operator-123!", is_superuser=True)


@pytest.fixture
def installation(settings, tmp_path, operator):
    """A database with a lead and a note attachment, and a backup of it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed(operator)
    return create_backup(tmp_path / "backup.tar.gz").path


def state() -> dict:
    media = Path(django_settings.MEDIA_ROOT)
    return {"data": snapshot(), "entries": sorted(p.name for p in media.parent.rglob("*"))}


def craft(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], **manifest) -> Path:
    """A tar.gz with these members and, last, a manifest that lists them correctly."""
    listed = {
        info.name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for info, data in members
        if info.isreg()
    }
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "vendor": connection.vendor,
        "migrations": {},
        "members": listed,
        **manifest,
    }
    members = [*members, (tarfile.TarInfo("manifest.json"), json.dumps(body).encode())]
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return path


def member(name: str, kind=tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


def database_member() -> tuple[tarfile.TarInfo, bytes]:
    name = {"sqlite": "database/kontor.sqlite3", "postgresql": "database/kontor.pgdump"}
    return member(name[connection.vendor]), b"not really a database"


def test_check_reads_the_whole_archive_and_changes_nothing(installation, operator):
    save_record(Lead(last_name="Danach"), actor=operator)
    before = state()
    out = io.StringIO()
    call_command("restore", str(installation), check=True, stdout=out)
    assert "is whole and can be restored here" in out.getvalue() and "1 file" in out.getvalue()
    assert state() == before
    data = bytearray(installation.read_bytes())
    data[len(data) // 2] ^= 0x01
    installation.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(installation), check=True)
    assert state() == before


def test_check_leaves_no_media_root_where_there_was_none(installation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "elsewhere" / "media"
    call_command("restore", str(installation), check=True, stdout=io.StringIO())
    assert not (tmp_path / "elsewhere" / "media").exists()


def test_a_damaged_archive_is_refused_and_nothing_changes(installation):
    before = state()
    data = bytearray(installation.read_bytes())
    data[len(data) // 2] ^= 0x01
    installation.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="damaged"):
        restore(installation, yes=True)
    assert state() == before


def test_a_file_that_is_no_backup_is_refused(installation, tmp_path):
    other = tmp_path / "notes.tar.gz"
    other.write_bytes(b"just some text")
    before = state()
    with pytest.raises(BackupError, match="not a Kontor backup"):
        restore(other, yes=True)
    assert state() == before


def test_another_tar_archive_is_refused(installation, tmp_path):
    archive = tmp_path / "photos.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.addfile(member("photos/summer.jpg"), io.BytesIO(b""))
    before = state()
    with pytest.raises(BackupError, match="not a Kontor backup"):
        restore(archive, yes=True)
    assert state() == before


@pytest.mark.parametrize(
    "hostile",
    [
        member("../evil"),
        member("media/../../evil"),
        member("/tmp/evil"),
        member("media/notes/link", tarfile.SYMTYPE, "../../../evil"),
        member("media/notes/hard", tarfile.LNKTYPE, "/etc/passwd"),
        member("media/.kontor-replaced-1/x"),
    ],
    ids=["dotdot", "media-dotdot", "absolute", "symlink", "hardlink", "work-folder"],
)
def test_a_hostile_member_name_is_refused_before_anything_is_written(
    installation, tmp_path, hostile
):
    harmless = (member("media/notes/ok.txt"), b"fine")
    archive = craft(tmp_path / "hostile.tar.gz", [database_member(), harmless, (hostile, b"x")])
    before = state()
    with pytest.raises(BackupError, match="may not be restored"):
        restore(archive, yes=True)
    assert state() == before
    assert not (tmp_path / "evil").exists() and not (tmp_path.parent / "evil").exists()


def test_an_archive_of_the_other_database_vendor_is_refused(installation, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    name = {"sqlite": "database/kontor.sqlite3", "postgresql": "database/kontor.pgdump"}[other]
    archive = craft(tmp_path / "other.tar.gz", [(member(name), b"dump")], vendor=other)
    before = state()
    with pytest.raises(BackupError, match="Restore it into a"):
        restore(archive, yes=True)
    assert state() == before


def test_an_archive_of_a_newer_kontor_is_refused(installation, tmp_path):
    newer = {"leads": "9999_from_the_future"}
    archive = craft(tmp_path / "newer.tar.gz", [database_member()], migrations=newer)
    before = state()
    with pytest.raises(BackupError, match="Update Kontor first") as refused:
        restore(archive, yes=True)
    assert "leads.9999_from_the_future" in str(refused.value)
    assert state() == before


def test_a_database_that_cannot_be_restored_leaves_everything_as_it_was(installation, tmp_path):
    # Checksums fine, content no database: on PostgreSQL pg_restore fails after the transaction
    # dropped Kontor's tables, which the rollback brings back.
    archive = craft(tmp_path / "broken.tar.gz", [database_member()])
    before = state()
    with pytest.raises(BackupError, match="could not be restored|SQLite database is damaged"):
        restore(archive, yes=True)
    assert state() == before


def test_without_yes_a_database_with_data_is_not_replaced(installation, operator):
    save_record(Lead(last_name="Danach"), actor=operator)
    before = state()
    with pytest.raises(BackupError, match="run again with --yes") as refused:
        restore(installation)
    assert "Leads: 2" in str(refused.value) and "files under MEDIA_ROOT: 1" in str(refused.value)
    assert state() == before


def test_the_archive_lists_every_member_with_its_checksum(installation):
    with tarfile.open(installation) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        digests = {
            name: hashlib.sha256(tar.extractfile(name).read()).hexdigest()
            for name in names
            if name != "manifest.json"
        }
    assert names[-1] == "manifest.json"
    assert {name: entry["sha256"] for name, entry in manifest["members"].items()} == digests
    assert manifest["vendor"] == connection.vendor and manifest["files"] == 1
    assert manifest["migrations"]["leads"].startswith("00")
    assert oct(os.stat(installation).st_mode & 0o777) == "0o600"


def test_the_client_tools_get_the_connection_values_from_the_environment():
    values = {
        "NAME": "kontor",
        "USER": "crm",
        "PASSWORD": "s3cret",
        "HOST": "db.example.com",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }
    env = pg_environment(values)
    assert (env["PGDATABASE"], env["PGUSER"], env["PGPASSWORD"]) == ("kontor", "crm", "s3cret")
    assert (env["PGHOST"], env["PGPORT"], env["PGSSLMODE"]) == ("db.example.com", "5433", "require")
