"""A whole run of `kontor migrate-suitecrm` on the real SuiteCRM databases of tests/data:
SuiteCRM left byte for byte unchanged, a missing table reported and its step skipped, `--modules`,
the dry run that writes nothing, and a damaged database that migrates with report lines.

Expectations are written out from data/README.md or counted by queries against SuiteCRM's
schema, never read from the migrator.
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction

from kontor.core.models import ExternalId
from kontor.suitecrm import steps as registry
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.models import SOURCE, MigrationRun
from kontor.suitecrm.run import migrate


def kontor_row_counts():
    """Rows per table of every Kontor model: equal before and after means nothing was written."""
    return {model._meta.db_table: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_a_full_migration_leaves_suitecrm_byte_for_byte_unchanged(
    suitecrm_journey, suitecrm_uploads, admin
):
    before = suitecrm_journey.checksums()
    files_before = {p.name: p.read_bytes() for p in suitecrm_uploads.iterdir()}
    assert len(before) == 220 and None not in before.values()

    report = migrate(suitecrm_journey, actor=admin, uploads=str(suitecrm_uploads))

    assert suitecrm_journey.checksums() == before
    assert report.failed == []
    assert {p.name: p.read_bytes() for p in suitecrm_uploads.iterdir()} == files_before
    run = MigrationRun.objects.get()
    assert run.finished_at is not None and run.report == report.as_dict()
    assert run.source == f"127.0.0.1:3306/{suitecrm_journey.database}"


@pytest.mark.django_db
def test_the_demo_database_migrates_whole_and_stays_unchanged(suitecrm_demo, admin):
    before = suitecrm_demo.checksums()
    report = migrate(suitecrm_demo, actor=admin)
    assert suitecrm_demo.checksums() == before
    assert report.failed == []
    for table in ("leads", "contacts", "accounts", "opportunities", "calls", "meetings"):
        assert report.counts[table]["created"] == suitecrm_demo.scalar(
            f"SELECT COUNT(*) FROM {table}"
        ), table


# --- a missing table, the dry run, the command -----------------------------------------------


@pytest.fixture
def scratch_steps(monkeypatch):
    """Steps of the test's own, each noting its run: "breaks" writes a chunk, then fails while
    reading leads; "needs_prospects" needs `prospects`; "counts_leads" counts the leads."""
    ran = []

    def breaks(context):
        ran.append("breaks")
        with transaction.atomic():
            Group.objects.create(name="written by the step that breaks")
        for row in context.source.rows("SELECT id FROM leads"):
            raise ValueError(f"cannot handle lead {row['id']}")

    def needs_prospects(context):
        ran.append("needs_prospects")

    def counts_leads(context):
        ran.append("counts_leads")
        n = context.source.scalar("SELECT COUNT(*) FROM leads")
        context.report.count("leads", "skipped", n)

    monkeypatch.setitem(
        registry._steps,
        "needs_prospects",
        registry.Step("needs_prospects", 1, needs_prospects, ("prospects", "leads")),
    )
    monkeypatch.setitem(registry._steps, "breaks", registry.Step("breaks", 0, breaks, ("leads",)))
    monkeypatch.setitem(
        registry._steps, "counts_leads", registry.Step("counts_leads", 2, counts_leads, ("leads",))
    )
    return ran


@pytest.mark.django_db
def test_a_missing_table_is_reported_and_its_step_skipped(suitecrm_damaged, scratch_steps, admin):
    suitecrm = suitecrm_damaged("DROP TABLE prospects")
    report = migrate(suitecrm, actor=admin, modules=["needs_prospects", "counts_leads"])
    assert scratch_steps == ["counts_leads"]
    assert [(p.table, p.suitecrm_id) for p in report.problems] == [("prospects", "")]
    assert "needs_prospects" in report.problems[0].message
    assert report.counts["leads"]["skipped"] == 205


@pytest.mark.django_db
def test_a_failing_step_is_reported_and_the_next_steps_run(suitecrm_journey, scratch_steps, admin):
    report = migrate(suitecrm_journey, actor=admin, modules=["breaks", "counts_leads"])
    assert scratch_steps == ["breaks", "counts_leads"]
    assert report.failed == ["breaks"]
    ((table, suitecrm_id, message),) = report.as_dict()["problems"]
    assert (table, suitecrm_id) == ("breaks", "") and "cannot handle lead" in message
    # The chunk written before the error is kept; the next step read from the same source.
    assert Group.objects.filter(name="written by the step that breaks").count() == 1
    assert report.counts["leads"]["skipped"] == 205
    assert MigrationRun.objects.get().report["failed"] == ["breaks"]


@pytest.mark.django_db
def test_a_failing_step_in_a_dry_run_keeps_nothing_and_the_command_fails(
    suitecrm_journey, scratch_steps, admin, capsys
):
    with pytest.raises(CommandError) as failed:
        call_command(
            "migrate_suitecrm",
            "--from",
            suitecrm_journey,
            "--dry-run",
            "--modules",
            "breaks",
            "counts_leads",
        )
    assert "breaks" in str(failed.value)
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out and "cannot handle lead" in out
    assert [line.split() for line in out.splitlines() if line.startswith("leads ")] == [
        ["leads", "0", "0", "0", "205"]
    ]
    assert Group.objects.filter(name="written by the step that breaks").count() == 0
    assert MigrationRun.objects.count() == 0


@pytest.mark.django_db
def test_modules_selects_the_steps_that_run(suitecrm_journey, scratch_steps, admin):
    migrate(suitecrm_journey, actor=admin, modules=["counts_leads"])
    assert scratch_steps == ["counts_leads"]


@pytest.mark.django_db
def test_unknown_modules_are_refused_and_nothing_runs(suitecrm_journey, scratch_steps, admin):
    before = kontor_row_counts()
    with pytest.raises(CommandError) as refused:
        call_command(
            "migrate_suitecrm", "--from", suitecrm_journey, "--modules", "counts_leads", "lieds"
        )
    assert "lieds" in str(refused.value)
    assert scratch_steps == []
    assert kontor_row_counts() == before


@pytest.mark.django_db
def test_an_upload_folder_that_does_not_exist_is_refused_before_anything_runs(
    suitecrm_journey, scratch_steps, admin, tmp_path
):
    with pytest.raises(CommandError) as refused:
        call_command(
            "migrate_suitecrm", "--from", suitecrm_journey, "--uploads", str(tmp_path / "nope")
        )
    assert str(tmp_path / "nope") in str(refused.value)
    assert scratch_steps == [] and MigrationRun.objects.count() == 0


# serialized_rollback: the seeded rows (dropdown lists, content types) come back after the
# flush, as for every transactional test (a later one restores them and would clash).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dry_run_writes_nothing_yet_reports_what_the_real_run_does(suitecrm_journey, admin):
    before = kontor_row_counts()
    dry = migrate(suitecrm_journey, actor=admin, dry_run=True)
    assert kontor_row_counts() == before
    assert MigrationRun.objects.count() == 0

    # What a real run creates, counted against SuiteCRM (deleted rows go to the trash).
    for table in ("leads", "contacts", "accounts", "opportunities", "tasks", "notes"):
        assert dry.counts[table]["created"] == suitecrm_journey.scalar(
            f"SELECT COUNT(*) FROM {table}"
        ), table
    real = migrate(suitecrm_journey, actor=admin)
    assert dry.as_dict()["counts"] == real.as_dict()["counts"]
    created = sum(counts["created"] for counts in real.counts.values())
    assert created > 0
    assert sum(kontor_row_counts().values()) > sum(before.values())


@pytest.mark.django_db
def test_the_command_prints_the_dry_run_report(suitecrm_journey, scratch_steps, admin, capsys):
    call_command(
        "migrate_suitecrm", "--from", suitecrm_journey, "--dry-run", "--modules", "counts_leads"
    )
    out = capsys.readouterr().out
    assert "Dry run: nothing was written." in out
    (line,) = [line for line in out.splitlines() if line.startswith("leads ")]
    assert line.split() == ["leads", "0", "0", "0", "205"]
    assert MigrationRun.objects.count() == 0


# --- a damaged SuiteCRM database, migrated whole ------------------------------------------------

KRUEGER_CALL = "1d3f868b-ae0f-c5d9-92ec-6b15d772e1b9"
ANNUAL_MEETING = "4948a237-421c-8968-5f15-6b15d7a87728"


@pytest.mark.django_db
def test_a_damaged_database_gives_report_lines_not_a_traceback(suitecrm_damaged, admin):
    suitecrm = suitecrm_damaged(
        "DROP TABLE prospects",
        # Orphaned join rows: invitees of a meeting that does not exist, of a contact neither.
        "INSERT INTO meetings_users (id, meeting_id, user_id, required, accept_status,"
        " date_modified, deleted) VALUES ('orphan-1', 'no-such-meeting', '1', '1', 'accept',"
        " NOW(), 0)",
        "INSERT INTO meetings_contacts (id, meeting_id, contact_id, required, accept_status,"
        f" date_modified, deleted) VALUES ('orphan-2', '{ANNUAL_MEETING}', 'no-such-contact',"
        " '1', 'accept', NOW(), 0)",
        # An id an API client chose, a meeting starting on 0000-00-00, a name in bad bytes.
        f"UPDATE calls SET id = 'call_1' WHERE id = '{KRUEGER_CALL}'",
        "UPDATE meetings SET date_start = '0000-00-00 00:00:00', date_end = '0000-00-00'"
        f" WHERE id = '{ANNUAL_MEETING}'",
        "ALTER TABLE tasks MODIFY name VARBINARY(50)",
        "UPDATE tasks SET name = X'5765699DFC6C6C6572' WHERE id ="
        " '22160bac-fd72-9e4a-6f46-6b15d75f4c28'",
    )
    before = suitecrm.checksums()

    report = migrate(suitecrm, actor=admin)

    assert suitecrm.checksums() == before
    problems = {(p.table, p.suitecrm_id) for p in report.problems}
    assert ("prospects", "") in problems
    assert ("meetings_users", "orphan-1") in problems
    assert ("meetings_contacts", "orphan-2") in problems
    # The call with the id "call_1" came over under a derived id, remembered as "call_1".
    (call,) = ExternalId.objects.filter(source=SOURCE, external_id="call_1")
    assert call.record_id == kontor_id("calls", "call_1")
    assert not ExternalId.objects.filter(source=SOURCE, external_id=KRUEGER_CALL).exists()
    # The records the damage did not touch all came over, the damaged meeting too.
    meetings = suitecrm.scalar("SELECT COUNT(*) FROM meetings")
    assert (
        ExternalId.objects.filter(
            source=SOURCE,
            record_id__in=[
                kontor_id("meetings", row[0]) for row in suitecrm.rows("SELECT id FROM meetings")
            ],
        ).count()
        == meetings
    )
