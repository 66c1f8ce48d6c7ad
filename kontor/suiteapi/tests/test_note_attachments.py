"""A note's file through SuiteCRM's two APIs (kontor.suiteapi.notes): V8 writes it with
`filename` + base64 `filecontents` and reads back its name and MIME type, v4_1 writes it with
set_note_attachment and hands it out with get_note_attachment; all of it in Kontor's note file
field, under its type and size checks. A refused file changes nothing.
"""

import base64
import json

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Note
from kontor.activities.tests.factories import NoteFactory
from kontor.core.models import ChangeLog
from kontor.suiteapi.tests.conftest import person
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

OFFER = b"Angebot 4711\n\xc3\xa4\x00binary"
INVALID = {"name": "Invalid data sent", "number": 1001}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def sven(caller, media):
    team = Team.objects.create(name="A")
    return caller(person("sven", roles=["sales_rep"], teams=[team], first_name="Sven"))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def stored(media) -> dict:
    """Every file under the media root, by its path, with its bytes."""
    return {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}


def snapshot(note) -> tuple:
    row = Note.with_deleted.filter(pk=note.pk).values().get()
    log = list(ChangeLog.objects.filter(record_id=note.pk).order_by("id").values())
    return row, log


def attachment(caller, note_id) -> dict:
    return caller.v41("get_note_attachment", [caller.session, str(note_id)])["note_attachment"]


def test_v8_writes_a_file_that_both_apis_read_back(sven, media):
    body = {
        "data": {
            "type": "Notes",
            "attributes": {"name": "Angebot", "filename": "offer.txt", "filecontents": b64(OFFER)},
        }
    }
    status, created = sven.v8("POST", "V8/module", body)
    assert status == 201, created
    shown = created["data"]["attributes"]
    assert (shown["filename"], shown["file_mime_type"], shown["filecontents"]) == (
        "offer.txt",
        "text/plain",
        "",
    )
    note = Note.objects.get(pk=created["data"]["id"])
    assert note.filename.name == f"notes/{note.pk}/offer.txt"
    assert stored(media) == {f"notes/{note.pk}/offer.txt": OFFER}
    status, read = sven.v8("GET", f"V8/module/Notes/{note.pk}")
    assert status == 200 and read["data"]["attributes"]["filename"] == "offer.txt"
    assert read["data"]["attributes"]["filecontents"] == ""  # SuiteCRM's read shows no bytes
    assert attachment(sven, note.pk) == {
        "id": str(note.pk),
        "filename": "offer.txt",
        "file": b64(OFFER),
        "related_module_id": None,
        "related_module_name": None,
    }
    entry = sven.v41("get_entry", [sven.session, "Notes", str(note.pk), ["filename"]])
    assert entry["entry_list"][0]["name_value_list"]["filename"]["value"] == "offer.txt"
    # lists show and filter by the file's own name, in both APIs
    NoteFactory(name="Without a file", actor=sven.user)
    query = "V8/module/Notes?filter[filename][eq]=offer.txt&fields[Notes]=filename,file_mime_type"
    status, listed = sven.v8("GET", query)
    assert status == 200 and [row["id"] for row in listed["data"]] == [str(note.pk)]
    assert listed["data"][0]["attributes"] == {
        "filename": "offer.txt",
        "file_mime_type": "text/plain",
    }
    found = sven.v41(
        "get_entry_list", [sven.session, "Notes", "notes.filename LIKE 'off%'", "", 0, ["filename"]]
    )
    assert [e["id"] for e in found["entry_list"]] == [str(note.pk)]
    # an update replaces the file; a name alone (echoed back by a client) changes nothing
    patch = {"data": {"type": "Notes", "id": str(note.pk), "attributes": {}}}
    patch["data"]["attributes"] = {"filename": "v2.pdf", "filecontents": b64(b"%PDF-1.4")}
    status, updated = sven.v8("PATCH", "V8/module", patch)
    assert status == 201 and updated["data"]["attributes"]["file_mime_type"] == "application/pdf"
    assert attachment(sven, note.pk)["file"] == b64(b"%PDF-1.4")
    patch["data"]["attributes"] = {"filename": "v2.pdf", "filecontents": ""}
    before = snapshot(note)
    assert sven.v8("PATCH", "V8/module", patch)[0] == 201
    assert snapshot(note) == before


def test_v41_attaches_a_file_and_hangs_the_note_off_a_record(sven):
    account = AccountFactory(name="Muster GmbH", actor=sven.user)
    made = sven.v41("set_entry", [sven.session, "Notes", [{"name": "name", "value": "Scan"}]])
    note_id = made["id"]
    call = {
        "id": note_id,
        "filename": "scan.png",
        "file": b64(b"\x89PNG\r\n"),
        "related_module_id": str(account.pk),
        "related_module_name": "Accounts",
    }
    assert sven.v41("set_note_attachment", [sven.session, call]) == {"id": note_id}
    assert attachment(sven, note_id) == {
        "id": note_id,
        "filename": "scan.png",
        "file": b64(b"\x89PNG\r\n"),
        "related_module_id": str(account.pk),
        "related_module_name": "Accounts",
    }
    status, read = sven.v8("GET", f"V8/module/Notes/{note_id}")
    assert read["data"]["attributes"]["file_mime_type"] == "image/png"
    assert read["data"]["attributes"]["parent_name"] == "Muster GmbH"


def test_refused_files_change_nothing(sven, media, settings):
    note = NoteFactory(name="Kept", actor=sven.user)
    sven.v41(
        "set_note_attachment",
        [sven.session, {"id": str(note.pk), "filename": "a.txt", "file": b64(b"first")}],
    )
    note.refresh_from_db()
    before, files = snapshot(note), stored(media)
    notes_before = Note.with_deleted.count()

    def v8(attributes, create=False, language="en"):
        data = {"type": "Notes", "attributes": {"name": "New", **attributes}}
        if not create:
            data["id"] = str(note.pk)
        sven.http.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return sven.v8("POST" if create else "PATCH", "V8/module", {"data": data})

    status, body = v8({"filename": "b.txt", "filecontents": "no base64!"})
    assert status == 400 and "filecontents" in body["errors"]["detail"]
    assert body["errors"]["detail"].endswith(
        "filecontents: The file's contents are not valid base64."
    )
    status, body = v8({"filename": "b.txt", "filecontents": "no base64!"}, language="de")
    assert body["errors"]["detail"].endswith(
        "filecontents: Der Inhalt der Datei ist kein gültiges Base64."
    )
    status, body = v8({"filename": "setup.exe", "filecontents": b64(b"MZ")}, create=True)
    assert status == 400 and "File extension “exe” is not allowed" in body["errors"]["detail"]
    settings.FILE_UPLOAD_MAX_SIZE = 8
    status, body = v8({"filename": "big.txt", "filecontents": b64(b"123456789")}, create=True)
    too_large = "The record is invalid. filecontents: The file is too large."
    assert (status, body["errors"]["detail"]) == (400, too_large)
    for refused in (
        {"file": "%%%"},
        {"file": b64(b"123456789")},
        {"filename": "x.exe", "file": b64(b"MZ")},
    ):
        call = {"id": str(note.pk), "filename": "c.txt", **refused}
        answer = sven.v41("set_note_attachment", [sven.session, call])
        assert {k: answer[k] for k in INVALID} == INVALID, refused
    assert snapshot(note) == before and stored(media) == files
    assert Note.with_deleted.count() == notes_before
    assert attachment(sven, note.pk)["file"] == b64(b"first")
    status, body = v8({"filename": "fits.txt", "filecontents": b64(b"12345678")}, create=True)
    assert status == 201  # exactly the limit is kept


def test_a_hidden_note_answers_as_a_missing_one(sven):
    stan = person("stan", roles=["sales_manager"], first_name="Stan")
    hidden = NoteFactory(name="Secret", actor=stan)
    before = snapshot(hidden)
    call = {"id": str(hidden.pk), "filename": "x.txt", "file": b64(b"overwrite")}
    assert sven.v41("set_note_attachment", [sven.session, call]) == {"id": "-1"}
    missing = {**call, "id": "00000000-0000-4000-8000-000000000000"}
    assert sven.v41("set_note_attachment", [sven.session, missing]) == {"id": "-1"}
    answer = attachment(sven, hidden.pk)
    assert answer == {**attachment(sven, missing["id"]), "id": str(hidden.pk)}
    assert answer["file"] == "" and "Secret" not in json.dumps(answer)
    assert snapshot(hidden) == before


def test_a_body_over_the_request_limit_is_refused_in_suitecrm_s_shape(sven, settings):
    note = NoteFactory(name="Kept", actor=sven.user)
    before = snapshot(note)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    form = {"method": "set_note_attachment", "input_type": "JSON", "response_type": "JSON"}
    call = [sven.session, {"id": str(note.pk), "filename": "a.txt", "file": b64(b"x" * 2000)}]
    response = sven.http.post("/service/v4_1/rest.php", {**form, "rest_data": json.dumps(call)})
    assert response.status_code == 413
    assert {k: response.json()[k] for k in INVALID} == INVALID
    assert snapshot(note) == before


def test_a_user_without_notes_is_refused_both_methods(sven, caller):
    note = NoteFactory(name="Kept", actor=sven.user)
    elga = caller(person("elga", roles=["external_lead_generation"]))
    before = snapshot(note)
    answer = elga.v41("get_note_attachment", [elga.session, str(note.pk)])
    assert answer == {
        "name": "Access Denied",
        "number": 40,
        "description": "You do not have access",
    }
    call = {"id": str(note.pk), "filename": "x.txt", "file": b64(b"overwrite")}
    assert elga.v41("set_note_attachment", [elga.session, call]) == {"id": "-1"}
    assert snapshot(note) == before
