"""The fast paths of kontor.core.fast write what the ORM writes, and nothing they skip exists.

Each write runs twice on the same input, once with KONTOR_FAST_PATHS on and once off (the
plain ORM: Model.save, teams.add), and every stored column of the resulting rows is compared
as the database returns it; only the ids, which must differ, are left out (the clock is held
still, so the times match too). The guard: no model a fast path writes overrides save() or
__init__ or has a save or m2m signal receiver, and it reports one when it appears.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import signals
from django.utils import timezone

from kontor.accounts.models import Account
from kontor.activities.models import Note, Task
from kontor.core import fast, registry
from kontor.core.actions import log_event, save_record
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.studio.actions.fields import create_custom_field
from kontor.users.actions import save_team
from kontor.users.models import Team

NOW = datetime.datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=datetime.UTC)


@pytest.fixture
def still_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _rows(table: str, where: str, value) -> list[dict]:
    """The stored rows of `table` whose `where` column is `value`, as the database gives them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {connection.ops.quote_name(table)} WHERE {where} = %s", [value]
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _written(record) -> dict:
    """Every row a create of `record` wrote, without the ids that differ between two creates."""
    model = type(record)
    through = model.teams.through
    source = through._meta.get_field(model.teams.field.m2m_field_name()).column
    pk = record.pk if connection.vendor == "postgresql" else record.pk.hex  # SQLite: char(32)
    without = lambda row, *names: {k: v for k, v in row.items() if k not in names}  # noqa: E731
    # a stored file's name holds the record's id (notes/<id>/…)
    own_id = lambda row: {  # noqa: E731
        k: v.replace(str(record.pk), "<id>") if isinstance(v, str) else v for k, v in row.items()
    }
    return {
        "record": [own_id(without(row, "id")) for row in _rows(model._meta.db_table, "id", pk)],
        "log": [
            without(row, "id", "record_id")
            for row in _rows(ChangeLog._meta.db_table, "record_id", pk)
        ],
        "teams": sorted(
            (without(row, "id", source) for row in _rows(through._meta.db_table, source, pk)),
            key=lambda row: sorted(row.items()),
        ),
    }


def _both(settings, make, actor) -> tuple[dict, dict]:
    """What saving `make()` writes with the fast paths on, and with them off."""
    found = []
    for switch in (True, False):
        settings.KONTOR_FAST_PATHS = switch
        found.append(_written(save_record(make(), actor=actor)))
    return found[0], found[1]


@pytest.fixture
def teams(rep, admin):
    for name in ("Nord", "Süd"):
        save_team(Team(name=name), actor=admin, members=[rep])
    return list(Team.objects.order_by("name"))


@pytest.fixture
def custom_fields(admin):
    leads = registry.get("leads")
    for name, field_type in [
        ("budget", "currency"),
        ("visits", "integer"),
        ("met_on", "date"),
        ("vip", "boolean"),
        ("notes", "text"),
    ]:
        create_custom_field(
            leads, name=name, label_en=name, label_de=name, field_type=field_type, actor=admin
        )


@pytest.mark.django_db
def test_a_new_lead_of_every_field_type_writes_the_same_rows(
    settings, still_clock, rep, admin, teams, custom_fields
):
    account = save_record(Account(name="Müller GmbH"), actor=admin)
    values = {
        "salutation": "Mrs.",
        "first_name": "Jana",
        "last_name": "Weber-Öz",
        "title": "CFO",
        "email1": "Jana@Example.org",
        "email_opt_out": True,
        "phone_work": "+49 30 1234567",
        "phone_mobile": "0171 2345678",
        "birthdate": datetime.date(1980, 2, 29),
        "lead_source": "Web Site",
        "status": "Assigned",
        "lifecycle_stage": "MQL",
        "description": "100 % sicher; 'quoted' \"text\"\nnew line",
        "website": "https://example.org/a?b=c",
        "opportunity_amount": Decimal("12345.67"),
        "account": account,
        "assigned_user": admin,
        "custom": {
            "budget": "1500.50",
            "visits": 3,
            "met_on": "2026-01-02",
            "vip": True,
            "notes": "ä ß",
        },
    }
    on, off = _both(settings, lambda: Lead.new(dict(values)), rep)
    assert on == off
    assert len(on["record"]) == 1 and on["record"][0]["last_name"] == "Weber-Öz"
    assert on["record"][0]["phone_work_e164"] == "+49301234567"
    assert [row["action"] for row in on["log"]] == ["create"]
    assert sorted(row["team_id"] for row in on["teams"]) == [team.pk for team in teams]


@pytest.mark.django_db
def test_a_new_activity_joins_its_parents_teams_the_same_way(
    settings, still_clock, rep, admin, teams, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the note's attachment is stored under its id
    lead = save_record(Lead(last_name="Parent"), actor=rep)
    parent_type = ContentType.objects.get_for_model(Lead)

    def task():
        return Task.new(
            {
                "name": "Anrufen",
                "parent_type": parent_type,
                "parent_id": lead.pk,
                "date_due": NOW,
            }
        )

    def note():
        upload = SimpleUploadedFile("angebot.txt", b"Angebot")
        return Note(name="Notiz", parent_type=parent_type, parent_id=lead.pk, filename=upload)

    for make in (task, note):
        on, off = _both(settings, make, admin)  # in no team: the teams come from the parent
        assert on == off
        assert len(on["record"]) == 1 and len(on["log"]) == 1
        assert sorted(row["team_id"] for row in on["teams"]) == [team.pk for team in teams]
    assert on["record"][0]["filename"] == "notes/<id>/angebot.txt"


@pytest.mark.django_db
def test_a_change_log_event_writes_the_same_row(settings, still_clock, rep):
    lead = save_record(Lead(last_name="Logged"), actor=rep)
    stored = []
    for switch in (True, False):
        settings.KONTOR_FAST_PATHS = switch
        log_event(lead, ChangeLog.Action.UPDATE, actor=rep, field="teams", old="", new="Nord")
        stored.append(
            list(
                ChangeLog.objects.filter(record_id=lead.pk, field="teams")
                .order_by("-id")
                .values()[:1]
            )
        )
    [[on], [off]] = stored
    assert on.pop("id") != off.pop("id")
    assert on == off and on["new_value"] == "Nord" and on["at"] == NOW


@pytest.mark.django_db
def test_new_builds_every_record_type_as_keyword_construction_does(settings):
    for module in registry.modules():
        model = module.model
        settings.KONTOR_FAST_PATHS = True
        built = model.new({})
        settings.KONTOR_FAST_PATHS = False
        plain = model.new({})
        assert type(built) is type(plain) is model
        for field in model._meta.concrete_fields:
            if field.name not in ("id", "date_entered", "date_modified"):
                assert getattr(built, field.attname) == getattr(plain, field.attname), field
    for switch in (True, False):  # an unknown name is refused either way
        settings.KONTOR_FAST_PATHS = switch
        with pytest.raises(TypeError, match="nickname"):
            Lead.new({"last_name": "X", "nickname": "x"})


def _written_by_fast_paths() -> list:
    """Every model a fast path writes or builds: the record types of the registry (insert_new,
    Record.new), their team tables, the change log (insert_new, log_event)."""
    models = [ChangeLog]
    for module in registry.modules():
        models += [module.model, module.model.teams.through]
    return models


def test_no_model_a_fast_path_writes_has_a_hook_it_would_skip():
    names = {model.__name__ for model in _written_by_fast_paths()}
    record_types = {"Target", "Lead", "Contact", "Account", "Opportunity"}
    activities = {"Call", "Meeting", "Task", "Note"}
    assert {"ChangeLog", *record_types, *activities, "Lead_teams", "Note_teams"} <= names
    assert fast.skipped_hooks(_written_by_fast_paths()) == []


def test_the_guard_reports_receivers_and_overrides(monkeypatch):
    def receiver(**kwargs):
        pass

    through = Lead.teams.through
    for signal, sender, expected in [
        (signals.pre_save, Lead, ["pre_save receiver of Lead"]),
        (signals.post_save, ChangeLog, ["post_save receiver of ChangeLog"]),
        (signals.m2m_changed, through, [f"m2m_changed receiver of {through.__name__}"]),
    ]:
        signal.connect(receiver, sender=sender, weak=False)
        try:
            assert fast.skipped_hooks(_written_by_fast_paths()) == expected
        finally:
            signal.disconnect(receiver, sender=sender)
    signals.post_save.connect(receiver, weak=False)  # every sender
    try:
        assert len(fast.skipped_hooks(_written_by_fast_paths())) == 1 + 2 * len(registry.modules())
    finally:
        signals.post_save.disconnect(receiver)
    monkeypatch.setattr(Task, "save", lambda self, *args, **kwargs: None)
    monkeypatch.setattr(Lead, "__init__", lambda self, *args, **kwargs: None)
    assert sorted(fast.skipped_hooks(_written_by_fast_paths())) == [
        "Lead.__init__()",
        "Task.save()",
    ]
    assert fast.skipped_hooks([]) == []


@pytest.mark.django_db
def test_what_the_guard_is_for_a_receiver_runs_only_off_the_fast_path(settings, rep):
    seen = []

    def receiver(instance, **kwargs):
        seen.append(instance.last_name)

    signals.post_save.connect(receiver, sender=Lead, weak=False)
    try:
        for switch, name in ((True, "Fast"), (False, "Plain")):
            settings.KONTOR_FAST_PATHS = switch
            save_record(Lead(last_name=name), actor=rep)
    finally:
        signals.post_save.disconnect(receiver, sender=Lead)
    assert seen == ["Plain"]
