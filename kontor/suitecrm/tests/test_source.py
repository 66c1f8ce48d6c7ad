"""Reading SuiteCRM for `kontor migrate-suitecrm`, on the real databases of tests/data: the
fixtures, read-only access in one snapshot, the connection URL and its password, the value
helpers on real values, and the Kontor ids of SuiteCRM ids. A whole run: test_run.py.

Expectations are written out from data/README.md or counted by queries against SuiteCRM's
schema, never read from the migrator.
"""

import datetime
import uuid

import pymysql
import pytest
from django.core.management import CommandError, call_command

from kontor.suitecrm.ids import is_uuid_shaped, kontor_id
from kontor.suitecrm.models import MigrationRun
from kontor.suitecrm.source import (
    Source,
    SourceError,
    day,
    flag,
    multienum,
    parse_url,
    redacted,
    text,
    when,
)

UTC = datetime.UTC
GROSS_ACCOUNT = "8dc10ff2-e7c7-a525-4315-6b15d735be45"
GROSS_OPPORTUNITY = "95e80eb7-7c75-700b-1dd7-6b15d70a0f69"
WEISSMUELLER_LEAD = "7455b3ec-ccf8-6014-3e91-6b15d7ddd5a1"
LENA = "44cd0328-def3-9e06-2cda-6b15d75757d1"


def read(url, sql, params=None):
    """The rows of `sql` read through the migration's own Source (dicts)."""
    source = Source.open(url)
    try:
        return list(source.rows(sql, params))
    finally:
        source.close()


def test_the_fixtures_load_the_dumps_as_suitecrm_made_them(suitecrm_journey, suitecrm_demo):
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM leads") == 205
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM prospects") == 20
    assert suitecrm_journey.scalar("SELECT COUNT(*) FROM leads WHERE converted = 1") == 3
    assert suitecrm_demo.scalar("SELECT COUNT(*) FROM leads") == 200
    assert len(suitecrm_demo.tables()) == len(suitecrm_journey.tables()) == 220
    assert suitecrm_journey.scalar("SELECT @@character_set_database") == "utf8mb3"


def test_the_upload_folder_holds_the_two_note_files(suitecrm_uploads):
    assert sorted(p.name for p in suitecrm_uploads.iterdir()) == [
        "1688f0b7-52d4-221a-e07f-6b15d734be39",
        "2b256060-e031-e0b0-8b57-6b15d7bfeeae",
    ]
    assert (suitecrm_uploads / "1688f0b7-52d4-221a-e07f-6b15d734be39").stat().st_size == 660
    assert (suitecrm_uploads / "2b256060-e031-e0b0-8b57-6b15d7bfeeae").stat().st_size == 106


# --- read-only, one snapshot ---------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE leads SET last_name = 'X'",
        "INSERT INTO config (category, name, value) VALUES ('kontor', 'x', 'y')",
        "DELETE FROM accounts",
        "DROP TABLE prospects",
        "CREATE TABLE kontor_was_here (a int)",
    ],
)
def test_a_write_through_the_source_connection_fails(suitecrm_damaged, statement):
    suitecrm = suitecrm_damaged()  # a copy of its own: should the write pass, no test suffers
    before = suitecrm.checksums()
    source = Source.open(suitecrm)
    try:
        with (
            pytest.raises(pymysql.err.OperationalError) as refused,
            source.connection.cursor() as cursor,
        ):
            cursor.execute(statement)
        assert (
            refused.value.args[0] == 1792
        )  # "Cannot execute statement in a READ ONLY transaction"
        source.connection.commit()
    finally:
        source.close()
    assert suitecrm.checksums() == before


def test_the_source_reads_one_snapshot_while_suitecrm_goes_on(suitecrm_damaged):
    suitecrm = suitecrm_damaged()
    source = Source.open(suitecrm)
    try:
        assert source.scalar("SELECT COUNT(*) FROM leads WHERE deleted = 0") == 203
        # SuiteCRM goes on working: a lead is deleted, another renamed.
        suitecrm.execute(
            f"UPDATE leads SET deleted = 1 WHERE id = '{WEISSMUELLER_LEAD}'",
            f"UPDATE accounts SET name = 'Renamed' WHERE id = '{GROSS_ACCOUNT}'",
        )
        assert source.scalar("SELECT COUNT(*) FROM leads WHERE deleted = 0") == 203
        assert (
            source.scalar("SELECT name FROM accounts WHERE id = %s", [GROSS_ACCOUNT])
            == "Groß & Söhne Metallbau GmbH"
        )
        assert source.scalar("SELECT @@tx_isolation") == "REPEATABLE-READ"
    finally:
        source.close()
    assert read(suitecrm, "SELECT COUNT(*) AS n FROM leads WHERE deleted = 0") == [{"n": 202}]


def test_a_query_while_rows_stream_is_refused_instead_of_cutting_the_stream(suitecrm_journey):
    source = Source.open(suitecrm_journey)
    try:
        seen = 0
        with pytest.raises(RuntimeError):
            for _row in source.rows("SELECT id FROM leads", batch=10):
                seen += 1
                source.scalar("SELECT COUNT(*) FROM users")
        assert seen == 1
        # Read to the end, the stream has every row, and the source takes queries again.
        assert len(list(source.rows("SELECT id FROM leads", batch=10))) == 205
        assert source.scalar("SELECT COUNT(*) FROM users") == 9
    finally:
        source.close()


# --- the URL and the password ----------------------------------------------------------------


def test_urls_are_parsed_with_percent_encoded_passwords():
    assert parse_url("mysql://crm_ro:p%40ss%2Fw%23rd@db.example:3307/suitecrm") == {
        "host": "db.example",
        "port": 3307,
        "user": "crm_ro",
        "password": "p@ss/w#rd",
        "database": "suitecrm",
    }
    assert parse_url("mariadb://db.example/suitecrm") == {
        "host": "db.example",
        "port": 3306,
        "user": "root",
        "password": "",
        "database": "suitecrm",
    }


@pytest.mark.parametrize(
    "url",
    [
        "postgres://crm:Geheim-42@db/suitecrm",
        "mysql://crm:Geheim-42@db:3306/",
        "mysql://crm:Geheim/42@db:3306/suitecrm",  # "/" in the password, not percent-encoded
        "mysql://crm:Geheim#42@db:3306/suitecrm",
    ],
)
def test_a_url_that_does_not_parse_is_refused_without_its_password(url):
    with pytest.raises(SourceError) as refused:
        parse_url(url)
    assert "Geheim" not in str(refused.value)
    assert "crm:***@" in str(refused.value)


def test_redacted_hides_the_password_only():
    assert redacted("mysql://crm:s3cr@t@db:3306/x") == "mysql://crm:***@db:3306/x"
    assert redacted("mysql://crm@db:3306/x") == "mysql://crm@db:3306/x"
    assert redacted("mysql://db/x") == "mysql://db/x"


@pytest.mark.django_db
def test_a_wrong_password_is_a_command_error_without_the_password(suitecrm_journey, admin):
    url = f"mysql://root:Geheim-42@127.0.0.1:3306/{suitecrm_journey.database}"
    with pytest.raises(CommandError) as refused:
        call_command("migrate_suitecrm", "--from", url)
    message = str(refused.value)
    assert "Geheim-42" not in message
    assert "root:***@127.0.0.1" in message and "Access denied" in message
    assert MigrationRun.objects.count() == 0


@pytest.mark.django_db
def test_an_unparsable_url_is_a_command_error_not_a_traceback(admin):
    with pytest.raises(CommandError) as refused:
        call_command("migrate_suitecrm", "--from", "mysql://root:Ge/heim@127.0.0.1/suitecrm")
    assert "Ge/heim" not in str(refused.value) and "heim" not in str(refused.value)
    assert MigrationRun.objects.count() == 0


# --- values as Kontor stores them ------------------------------------------------------------


def test_text_decodes_the_entities_suitecrm_wrote_into_an_audit_row(suitecrm_journey):
    (audit,) = read(
        suitecrm_journey,
        "SELECT before_value_string, after_value_string, date_created FROM accounts_audit"
        " WHERE parent_id = %s AND field_name = 'name' ORDER BY date_created LIMIT 1",
        [GROSS_ACCOUNT],
    )
    assert audit["after_value_string"] == "Groß &amp; Söhne Metallbau GmbH"  # as SuiteCRM stored it
    assert text(audit["after_value_string"]) == "Groß & Söhne Metallbau GmbH"
    name = suitecrm_journey.scalar("SELECT name FROM accounts WHERE id = %s", [GROSS_ACCOUNT])
    assert text(audit["after_value_string"]) == text(name)
    assert when(audit["date_created"]) == datetime.datetime(2026, 12, 6, 21, 45, 17, tzinfo=UTC)


def test_values_of_the_journey_as_kontor_stores_them(suitecrm_journey):
    (opportunity,) = read(
        suitecrm_journey,
        "SELECT o.date_closed, o.opportunity_type, o.campaign_id, o.next_step, o.deleted,"
        " a.branchen_tags_c FROM opportunities o JOIN accounts_cstm a ON a.id_c = %s"
        " WHERE o.id = %s",
        [GROSS_ACCOUNT, GROSS_OPPORTUNITY],
    )
    assert day(opportunity["date_closed"]) == datetime.date(2026, 9, 30)
    # NULL and "" alike
    assert opportunity["opportunity_type"] is None and text(opportunity["opportunity_type"]) == ""
    assert opportunity["campaign_id"] == "" and text(opportunity["campaign_id"]) == ""
    assert text(opportunity["next_step"]) == "Angebot bis KW 51"
    assert flag(opportunity["deleted"]) is False and flag(None) is False and flag(1) is True
    assert multienum(opportunity["branchen_tags_c"]) == ["maschinenbau", "handel", "logistik"]
    assert multienum(None) == [] and multienum("") == []
    (lead,) = read(
        suitecrm_journey,
        "SELECT last_name, birthdate, date_entered FROM leads WHERE id = %s",
        [WEISSMUELLER_LEAD],
    )
    assert text(lead["last_name"]) == "Weißmüller" and day(lead["birthdate"]) is None
    assert when(lead["date_entered"]) == datetime.datetime(2026, 12, 6, 21, 44, 58, tzinfo=UTC)
    assert text("  Groß  ") == "Groß"
    # A date where a datetime is read and the other way round (custom fields can be either).
    assert when(opportunity["date_closed"]) == datetime.datetime(2026, 9, 30, tzinfo=UTC)
    assert day(lead["date_entered"]) == datetime.date(2026, 12, 6)


def test_dates_0000_00_00_and_invalid_utf8_after_damage(suitecrm_damaged):
    suitecrm = suitecrm_damaged(
        "UPDATE leads SET date_entered = '0000-00-00 00:00:00', birthdate = '0000-00-00'"
        f" WHERE id = '{WEISSMUELLER_LEAD}'",
        # A column that holds bytes, as a hand-altered or badly converted table can.
        "ALTER TABLE leads MODIFY last_name VARBINARY(100)",
        f"UPDATE leads SET last_name = X'5765699DFC6C6C6572' WHERE id = '{WEISSMUELLER_LEAD}'",
    )
    (lead,) = read(
        suitecrm,
        "SELECT last_name, birthdate, date_entered FROM leads WHERE id = %s",
        [WEISSMUELLER_LEAD],
    )
    assert when(lead["date_entered"]) is None
    assert day(lead["birthdate"]) is None
    assert text(lead["last_name"]) == "Wei\ufffd\ufffdller"


# --- ids ----------------------------------------------------------------------------------------


def test_kontor_ids_keep_uuid_shaped_ids_and_derive_the_others():
    lena = kontor_id("users", LENA)
    assert lena == uuid.UUID(LENA) and str(lena) == LENA
    assert kontor_id("users", LENA.upper()) == lena
    # Derived ids are fixed forever: a second run, or a later version, must find the record.
    assert kontor_id("users", "1") == uuid.UUID("d9796e1d-d417-5d76-a835-2452a1c91e7e")
    assert kontor_id("users", "seed_jim_id") == uuid.UUID("c2ee2084-6ed4-5b36-9a5b-ee4a77db2c10")
    assert kontor_id("leads", "1") == uuid.UUID("4c6ff82a-596a-551b-ba1d-46ef196d9947")
    assert [is_uuid_shaped(i) for i in (LENA, "1", "seed_jim_id", "", None)] == [
        True,
        False,
        False,
        False,
        False,
    ]


def test_every_user_id_of_the_journey_maps_to_a_distinct_kontor_id(suitecrm_journey):
    ids = [row[0] for row in suitecrm_journey.rows("SELECT id FROM users")]
    assert len(ids) == 9 and "1" in ids and "seed_jim_id" in ids
    assert len({kontor_id("users", i) for i in ids}) == 9
