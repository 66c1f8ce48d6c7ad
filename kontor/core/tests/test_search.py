"""Record search through the search index, on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).

For developers touching kontor/core/search.py or search_index.py: what a term matches, the cap,
short terms, and that the index follows inserts, updates and deletes of the record table.
"""

from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.accounts.models import Account
from kontor.core import registry, search, search_index
from kontor.core.actions import delete_records, save_record
from kontor.core.fields import normalize_phone
from kontor.demo.management.commands.generate import Generator
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db


def make_lead(actor, last_name, first_name="", email="", **fields) -> Lead:
    lead = Lead(last_name=last_name, first_name=first_name, email1=email, **fields)
    return save_record(lead, actor=actor)


def found(term, queryset=None, cap=None) -> set[str]:
    queryset = Lead.objects.all() if queryset is None else queryset
    return {lead.last_name for lead in search.search(queryset, term, cap)}


@pytest.fixture
def people(admin):
    make_lead(admin, "Schmidt", "Anna", "anna.schmidt@web.de", phone_work="+49 30 1234567")
    make_lead(admin, "Müller", "Jürgen", "j.mueller@example.de")
    make_lead(admin, "Smith", "John", "john.smith@example.com", account_name="Acme Ltd")
    make_lead(admin, "Schneider", "Petra", "petra@schneider-bau.de")


def test_substring_matches_and_non_matches(people):
    assert found("schm") == {"Schmidt"}
    assert found("midt") == {"Schmidt"}
    assert found("anna.schmidt@web.de") == {"Schmidt"}
    assert found("@example") == {"Müller", "Smith"}
    assert found("acme") == {"Smith"}
    assert found("+49 30 123") == {"Schmidt"}
    assert found("anna   schmidt") == {"Schmidt"}  # whitespace is normalized
    assert found("schmidtx") == set()
    assert found("zzq") == set()


def test_search_is_case_insensitive(people):
    assert found("SCHMIDT") == {"Schmidt"}
    assert found("Anna.Schmidt@WEB.de") == {"Schmidt"}
    assert found("  sChNeIdEr ") == {"Schneider"}


def test_umlauts(people):
    assert found("Müller") == {"Müller"}
    assert found("MÜLLER") == {"Müller"}
    assert found("üll") == {"Müller"}
    assert found("jürgen müller") == {"Müller"}
    assert found("muller") == set()  # no folding of umlauts: "ü" is not "u"


def test_like_wildcards_are_literal(people):
    assert found("s_hmidt") == set()
    assert found("sch%dt") == set()


def test_blank_term_leaves_the_queryset_alone(people):
    assert found("") == found("   ") == {"Schmidt", "Müller", "Smith", "Schneider"}


def test_term_without_letters_or_digits_matches_nothing(people):
    assert found("...") == set()
    assert found("@") == set()


def test_short_terms_match_words_starting_with_them(people):
    assert found("sc") == {"Schmidt", "Schneider"}
    assert found("s") == {"Schmidt", "Smith", "Schneider"}
    assert found("JÜ") == {"Müller"}
    assert found("+4") == {"Schmidt"}
    assert found("dt") == set()  # inside a word: too short for a substring match
    assert len(search.search(Lead.objects.all(), "s", cap=2)) == 2


def test_the_cap_limits_the_matches(admin):
    for i in range(5):
        make_lead(admin, f"Meyer{i}")
    make_lead(admin, "Other")
    assert len(search.search(Lead.objects.all(), "meyer", cap=3)) == 3
    assert len(list(search.matching_ids(Lead.objects.all(), "meyer", cap=4))) == 4
    assert len(search.search(Lead.objects.all(), "meyer")) == 5


def test_long_terms_with_digits_ask_the_index_for_a_window_only():
    assert search.index_window("maria.herrmann267@gmail.com") == "nn267@g"
    assert search.index_window("+49 30 1234567") == "1234567"  # inside one word
    assert search.index_window("anna.schmidt@web.de") == "anna.schmidt@web.de"  # no digit
    assert search.index_window("ab12@cd") == "ab12@cd"  # not longer than the window
    assert search.index_window("a1 b2 c3 d4") == "a1 b2 c3 d4"  # no word long enough


def test_a_term_searched_through_its_window_matches_exactly_as_a_whole(admin):
    make_lead(admin, "Exact", email="maria.herrmann267@gmail.com")
    make_lead(admin, "Inside", email="joanna.herrmann267@gmail.com.example")
    # Share the window "nn267@g" (and the digits) but not the whole address.
    make_lead(admin, "Window", email="lena.bergmann267@gmx.de")
    make_lead(admin, "Digits", email="maria.herrmann26@gmail.com")
    term = "Maria.Herrmann267@GMAIL.com"
    assert search.index_window(search.normalize(term)) == "nn267@g"
    assert found(term) == {"Exact"}
    assert found("a.herrmann267@gmail.com") == {"Exact", "Inside"}
    ids = search.matching_ids(Lead.objects.all(), "a.herrmann267@gmail.com")
    assert {lead.last_name for lead in Lead.objects.filter(pk__in=ids)} == {"Exact", "Inside"}
    assert found("+49 30 1234567") == set()
    make_lead(admin, "Phone", phone_work="+49 30 1234567")
    make_lead(admin, "Other phone", phone_work="+49 40 1234567")
    assert found("+49 30 1234567") == {"Phone"}
    assert found("30 1234567") == {"Phone"}


def test_the_window_is_what_the_index_is_asked_for(admin):
    make_lead(admin, "Exact", email="maria.herrmann267@gmail.com")
    with CaptureQueriesContext(connection) as queries:
        assert found("maria.herrmann267@gmail.com") == {"Exact"}
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    asked = '"nn267@g"' if connection.vendor == "sqlite" else "%nn267Xg%"
    assert asked in sql
    assert "maria.herrmann267@gmail.com" in sql  # the whole term, tested on the rows
    assert "mariaQherrmann267XgmailQcom" not in sql and '"maria.herrmann267' not in sql


def test_the_cap_counts_within_the_callers_queryset(admin):
    for i in range(4):
        make_lead(admin, f"Weber{i}", status="New")
    dead = make_lead(admin, "Weber-Dead", status="Dead")
    assert list(search.search(Lead.objects.filter(status="Dead"), "weber", cap=2)) == [dead]


def test_the_callers_ordering_does_not_pick_the_capped_rows(admin):
    for name in ("Bauer-a", "Bauer-b", "Bauer-c"):
        make_lead(admin, name)
    result = search.search(Lead.objects.order_by("-last_name"), "bauer", cap=3)
    assert [lead.last_name for lead in result] == ["Bauer-c", "Bauer-b", "Bauer-a"]


def test_soft_deleted_records_are_left_out_by_the_callers_queryset(admin):
    kept = make_lead(admin, "Hoffmann", "Kai")
    trashed = make_lead(admin, "Hoffmann", "Lea")
    delete_records([trashed], actor=admin)
    assert list(search.search(Lead.objects.all(), "hoffmann")) == [kept]
    assert set(search.search(Lead.with_deleted.all(), "hoffmann")) == {kept, trashed}
    # Trashed matches do not use up the cap of the live list.
    assert list(search.search(Lead.objects.all(), "hoffmann", cap=1)) == [kept]


def test_updated_records_are_found_by_their_new_text(admin):
    lead = make_lead(admin, "Krause", "Tim", "tim@krause.example")
    lead.last_name = "Lehmann"
    lead.email1 = "tim@lehmann.example"
    save_record(lead, actor=admin)
    assert found("lehmann") == {"Lehmann"}
    assert found("krause") == set()
    Lead.objects.filter(pk=lead.pk).update(search_text="tim zimmermann")  # a bulk write
    assert found("zimmer") == {"Lehmann"}
    assert found("lehmann") == set()


def test_rows_deleted_from_the_table_leave_the_index(admin):
    gone = make_lead(admin, "Wolf", "Ina")
    Lead.with_deleted.filter(pk=gone.pk).delete()
    # SQLite hands the freed rowid to the next row: the old text must not point at it.
    make_lead(admin, "Neumann", "Ida")
    assert found("wolf") == set()
    assert found("neumann") == {"Neumann"}


def test_searching_another_module_and_the_lookup_cap(admin):
    save_record(Account(name="Fjord Maschinenbau GmbH", email1="info@fjord.example"), actor=admin)
    save_record(Account(name="Nordlicht AG"), actor=admin)
    names = {a.name for a in search.search(Account.objects.all(), "maschinen")}
    assert names == {"Fjord Maschinenbau GmbH"}
    assert {a.name for a in search.search(Account.objects.all(), "no")} == {"Nordlicht AG"}


def test_search_costs_the_same_few_queries_for_any_number_of_matches(
    admin, django_assert_max_num_queries
):
    for i in range(12):
        make_lead(admin, f"Vogel{i}")
    # One query on PostgreSQL; SQLite looks the capped matches up first (see search.search).
    with django_assert_max_num_queries(2):
        assert len(search.search(Lead.objects.all(), "vogel")) == 12
    with django_assert_max_num_queries(2):
        assert len(search.search(Lead.objects.all(), "vogel", cap=5)) == 5


def test_every_record_module_has_a_search_index():
    models = [m.model for m in registry.modules()]
    assert search_index.stale_tables(models) == []


def test_a_broken_index_is_reported_and_rebuilt(people):
    with connection.cursor() as cursor:
        for sql in search_index.drop_sql(connection.vendor, Lead._meta.db_table):
            cursor.execute(sql)
    assert search_index.stale_tables([Lead]) == [Lead._meta.db_table]
    search_index.rebuild(Lead)
    assert search_index.stale_tables([Lead]) == []
    assert found("schm") == {"Schmidt"}


def _break_the_index_as_an_upgrade_would():
    """SQLite: Django's schema editor copies a table for most ALTERs, dropping its triggers.
    PostgreSQL: an index from an older Kontor version (plain trigrams, no punctuation map)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in ("leads_lead_fts_ai", "leads_lead_fts_ad", "leads_lead_fts_au"):
                cursor.execute(f'DROP TRIGGER "{name}"')
            return
        name = search_index.trigram_index(Lead._meta.db_table)
        connection.check_constraints()  # CREATE INDEX waits for no deferred foreign key check
        cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f'CREATE INDEX "{name}" ON leads_lead USING gin (search_text gin_trgm_ops)')


def test_an_outdated_index_is_rebuilt_after_migrate(people, admin):
    _break_the_index_as_an_upgrade_would()
    assert search_index.stale_tables([Lead]) == [Lead._meta.db_table]
    search_index.heal_after_migrate(
        sender=django_apps.get_app_config("leads"), apps=django_apps, verbosity=0
    )
    assert search_index.stale_tables([Lead]) == []
    make_lead(admin, "Zander")
    assert found("zander") == {"Zander"}
    assert found("schm") == {"Schmidt"}


def test_the_search_index_command_checks_and_rebuilds(people, capsys):
    call_command("search_index", "check")
    assert "search indexes ok" in capsys.readouterr().out
    with connection.cursor() as cursor:
        for sql in search_index.drop_sql(connection.vendor, Lead._meta.db_table):
            cursor.execute(sql)
    with pytest.raises(CommandError):
        call_command("search_index", "check", "leads")
    call_command("search_index", "rebuild", "leads")
    assert search_index.stale_tables([Lead]) == []
    assert found("schm") == {"Schmidt"}


def test_bulk_loads_rebuild_the_index_at_the_end(admin):
    with search_index.suspended([Lead]):
        make_lead(admin, "Richter", "Uwe")
    assert found("richter") == {"Richter"}
    assert search_index.stale_tables([Lead]) == []


def test_generated_records_are_searchable(admin):
    call_command(
        "generate", leads=40, accounts=5, contacts=10, opportunities=5, seed=7, verbosity=0
    )
    module = registry.for_model(Lead)
    lead = Lead.objects.order_by("email1").exclude(email1="").first()
    assert lead.search_text == module.search_text_for(lead)
    assert lead in search.search(Lead.objects.all(), lead.email1)
    assert lead in search.search(Lead.objects.all(), lead.last_name[:4])
    for row in Lead.objects.values(
        "phone_work", "phone_work_e164", "phone_mobile", "phone_mobile_e164"
    ):
        assert row["phone_work_e164"] == normalize_phone(row["phone_work"])
        assert row["phone_mobile_e164"] == normalize_phone(row["phone_mobile"])
    account = Account.objects.first()
    account.clean()  # derives the match keys from the name and website
    assert Account.objects.filter(
        pk=account.pk, name_key=account.name_key, domain=account.domain
    ).exists()
    assert search_index.stale_tables([Lead, Account]) == []


def test_generated_rows_depend_only_on_the_seed():
    def rows(seed):
        gen = Generator(seed, users=[1, 2], until=datetime(2026, 1, 1, tzinfo=UTC), years=3)
        return list(gen.account_rows(3)) + list(gen.lead_rows(20))

    assert rows(5) == rows(5)
    assert rows(5) != rows(6)


if connection.vendor == "postgresql":

    @pytest.mark.django_db
    def test_every_connection_scans_tables_from_their_start():
        # A capped search takes the first matches in table order: the same ones every time.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronize_seqscans")
            assert cursor.fetchone()[0] == "off"
