"""Series of meetings and calls as rows (save_series, kontor/activities/series.py): creation
with invitees and teams, refusals, the horizon and the daily job, single-occurrence edits and
cancellations kept when the series changes, a changed rule, "this and following"."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from kontor.activities import series
from kontor.activities.actions import invited, save_series
from kontor.activities.models import Call, Meeting
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records, save_record
from kontor.core.models import ChangeLog
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=BERLIN)


def at(y, m, d, h=10):
    return datetime.datetime(y, m, d, h, 0, tzinfo=BERLIN)


def weekly(owner, guests=None, **rule):
    rule = {"repeat_dow": "13", "repeat_until": datetime.date(2027, 3, 31), **rule}
    meeting = Meeting(
        name="Jour fixe",
        date_start=at(2027, 3, 1),
        duration_minutes=45,
        location="Raum 1",
        assigned_user=owner,
        repeat_type="Weekly",
        **rule,
    )
    return save_series(meeting, **(guests or {}), actor=owner, now=NOW)


def series_rows(master, **filters):
    rows = Meeting.with_deleted.filter(repeat_parent_id=master.pk, **filters)
    return list(rows.order_by("original_start"))


def days(rows):
    return [r.date_start.astimezone(BERLIN).strftime("%d.%m") for r in rows]


@pytest.fixture
def guests(rep, admin):
    third = create_user("bruno", password="pw-bruno-123!", roles=["sales_rep"])
    return {
        "users": [rep, admin, third],
        "contacts": [ContactFactory(last_name="Kunde")],
        "leads": [LeadFactory(last_name="Interessent")],
    }


def test_a_weekly_series_becomes_rows_with_invitees_owner_and_teams(rep, guests):
    master = weekly(rep, guests)
    later = series_rows(master)
    assert days([master, *later]) == [
        "01.03", "03.03", "08.03", "10.03", "15.03", "17.03", "22.03", "24.03", "29.03", "31.03"
    ]  # fmt: skip
    # 10:00 in Berlin before and after the change to summer time on 28 March
    assert {r.date_start.astimezone(BERLIN).hour for r in later} == {10}
    teams = set(master.teams.values_list("pk", flat=True))
    for row in later:
        assert (row.repeat_parent_id, row.name, row.location) == (master.pk, "Jour fixe", "Raum 1")
        assert (row.duration_minutes, row.assigned_user, row.recurring_source) == (
            45,
            rep,
            "Kontor",
        )
        assert (row.repeat_type, row.repeat_dow) == ("Weekly", "13")
        assert {k: {o.pk for o in v} for k, v in invited(row).items()} == {
            k: {o.pk for o in v} for k, v in guests.items()
        }
        assert set(row.teams.values_list("pk", flat=True)) == teams
    created = ChangeLog.objects.filter(action="create", record_id__in=[r.pk for r in later])
    assert created.count() == 9


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"repeat_until": None}, "repeat_until"),
        ({"repeat_until": datetime.date(2027, 2, 1)}, "repeat_until"),
        ({"repeat_until": None, "repeat_count": 501}, "repeat_count"),
        ({"repeat_interval": 0}, "repeat_interval"),
    ],
)
def test_a_refused_rule_writes_nothing(rep, rule, field):
    logged = ChangeLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        weekly(rep, **rule)
    assert field in refused.value.message_dict
    assert Meeting.with_deleted.count() == 0 and ChangeLog.objects.count() == logged


def test_occurrences_up_to_the_horizon_and_the_job_extends_once(rep):
    call = Call(
        name="Wochenanruf",
        date_start=at(2027, 1, 5),
        assigned_user=rep,
        repeat_type="Weekly",
        repeat_count=100,
    )
    save_series(call, actor=rep, now=NOW)
    first = Call.objects.filter(repeat_parent_id=call.pk).count() + 1
    assert first == 52  # a year ahead of NOW, not the whole hundred
    later = NOW + datetime.timedelta(days=28)
    assert series.extend_all(now=later) == 4
    assert series.extend_all(now=later) == 0  # a rerun adds nothing
    assert Call.objects.filter(repeat_parent_id=call.pk).count() + 1 == 56
    # a year on, the rest of the hundred is within the horizon
    assert series.extend_all(now=NOW + datetime.timedelta(days=365)) == 44
    assert series.extend_all(now=NOW + datetime.timedelta(days=900)) == 0


def test_an_occurrence_changed_alone_keeps_its_change_when_the_series_changes(rep):
    master = weekly(rep)
    third = series_rows(master)[2]
    third.name = "Jour fixe mit Vorstand"
    save_series(third, actor=rep, scope="this", now=NOW)
    third.refresh_from_db()
    assert third.repeat_edited and third.repeat_parent_id == master.pk

    master.name, master.duration_minutes = "Team-Runde", 30
    save_series(master, actor=rep, scope="all", now=NOW)
    rows = series_rows(master)
    assert [r.name for r in rows].count("Team-Runde") == 8
    kept = Meeting.objects.get(pk=third.pk)
    assert (kept.name, kept.duration_minutes, kept.deleted) == ("Jour fixe mit Vorstand", 45, False)


def test_cancelled_occurrences_are_never_created_again(rep):
    master = weekly(rep)
    second, third = series_rows(master)[:2]
    second.status = "Not Held"
    save_series(second, actor=rep, scope="this", now=NOW)
    delete_records([third], actor=rep)

    # the series moves to 11:00: every occurrence still planned moves, the cancelled stay
    master.date_start = at(2027, 3, 1, 11)
    save_series(master, actor=rep, scope="all", now=NOW)
    assert series.extend_all(now=NOW) == 0
    rows = series_rows(master)
    assert len(rows) == 9  # nothing re-created beside the cancelled two
    assert Meeting.objects.get(pk=second.pk).status == "Not Held"
    assert Meeting.with_deleted.get(pk=third.pk).deleted
    live = [r for r in rows if not r.deleted and r.status == "Planned"]
    assert len(live) == 7 and {r.date_start.astimezone(BERLIN).hour for r in live} == {11}


def test_a_changed_rule_trashes_the_dates_it_no_longer_gives(rep):
    master = weekly(rep)
    wednesdays = [r.pk for r in series_rows(master) if r.date_start.weekday() == 2]
    master.repeat_dow = "1"
    save_series(master, actor=rep, scope="all", now=NOW)
    assert days(series_rows(master, deleted=False)) == ["08.03", "15.03", "22.03", "29.03"]
    trashed = Meeting.with_deleted.filter(pk__in=wednesdays, deleted=True)
    assert trashed.count() == len(wednesdays) == 5
    logged = ChangeLog.objects.filter(action="delete", record_id__in=wednesdays)
    assert logged.count() == 5


def test_this_and_following_splits_the_series(rep):
    master = weekly(rep)
    fifth = series_rows(master)[2]  # Wednesday 10 March, the fourth
    fifth.name = "Neue Runde"
    save_series(fifth, actor=rep, scope="following", now=NOW)
    master.refresh_from_db()
    assert master.repeat_until == datetime.date(2027, 3, 9) and master.repeat_count is None
    assert days(series_rows(master, deleted=False)) == ["03.03", "08.03"]
    fifth.refresh_from_db()
    assert fifth.repeat_parent_id is None and fifth.repeat_type == "Weekly"
    new = series_rows(fifth, deleted=False)
    assert days(new) == ["15.03", "17.03", "22.03", "24.03", "29.03", "31.03"]
    assert {r.name for r in new} == {"Neue Runde"}


def test_switching_the_repeats_off_trashes_the_later_occurrences(rep):
    master = weekly(rep)
    master.repeat_type, master.repeat_dow, master.repeat_until = "", "", None
    save_series(master, actor=rep, scope="all", now=NOW)
    assert series_rows(master, deleted=False) == []
    assert len(series_rows(master, deleted=True)) == 9


def test_an_occurrence_changed_without_a_scope_is_kept_too(rep):
    """The inline editor and the APIs save one row through save_record, without a mark."""
    master = weekly(rep)
    second, third = series_rows(master)[1:3]
    second.location = "Raum 7"
    save_record(second, actor=rep)
    third.date_start += datetime.timedelta(hours=2)
    save_record(third, actor=rep)
    master.location = "Raum 2"
    save_series(master, actor=rep, scope="all", now=NOW)
    assert Meeting.objects.get(pk=second.pk).location == "Raum 7"
    moved = Meeting.objects.get(pk=third.pk)
    assert (moved.location, moved.date_start) == ("Raum 1", third.date_start)
    assert [r.location for r in series_rows(master)].count("Raum 2") == 7


def test_a_rule_changed_for_one_occurrence_alone_is_refused(rep):
    master = weekly(rep)
    third = series_rows(master)[2]
    third.repeat_dow = "1"
    logged = ChangeLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        save_series(third, actor=rep, scope="this", now=NOW)
    assert "repeat_scope" in refused.value.message_dict
    assert ChangeLog.objects.count() == logged
    assert Meeting.objects.get(pk=third.pk).repeat_dow == "13"


def _state(master):
    rows = Meeting.with_deleted.filter(pk=master.pk) | Meeting.with_deleted.filter(
        repeat_parent_id=master.pk
    )
    fields = ("pk", "name", "location", "date_start", "deleted", "repeat_until", "repeat_dow")
    return sorted(rows.values_list(*fields))


@pytest.mark.parametrize("scope", ["following", "all"])
def test_a_series_reaches_only_who_may_edit_its_first_occurrence(rep, scope):
    """A rep who owns one occurrence of a colleague's series may change that one alone."""
    bruno = create_user("bruno", password="pw-bruno-123!", roles=["sales_rep"])
    master = weekly(rep)
    third = series_rows(master)[2]
    third.assigned_user = bruno
    save_record(third, actor=rep)
    before, logged = _state(master), ChangeLog.objects.count()

    mine = Meeting.objects.get(pk=third.pk)
    mine.name, mine.repeat_dow = "Übernommen", "1"
    with pytest.raises(ValidationError) as refused:
        save_series(mine, actor=bruno, scope=scope, now=NOW)
    assert "repeat_scope" in refused.value.message_dict
    assert _state(master) == before and ChangeLog.objects.count() == logged

    mine = Meeting.objects.get(pk=third.pk)
    mine.name = "Übernommen"
    save_series(mine, actor=bruno, scope="this", now=NOW)
    assert Meeting.objects.get(pk=third.pk).name == "Übernommen"
    assert {r.name for r in series_rows(master) if r.pk != third.pk} == {"Jour fixe"}


def test_a_series_change_leaves_the_occurrences_the_actor_may_not_edit(rep):
    bruno = create_user("bruno", password="pw-bruno-123!", roles=["sales_rep"])
    master = weekly(bruno)
    wednesday = next(r for r in series_rows(master) if r.date_start.weekday() == 2)
    wednesday.assigned_user = rep  # handed to a colleague: no longer bruno's to edit
    save_record(wednesday, actor=bruno)
    master.repeat_dow = "1"
    save_series(master, actor=bruno, scope="all", now=NOW)
    assert not Meeting.with_deleted.get(pk=wednesday.pk).deleted
    trashed = [r for r in series_rows(master, deleted=True)]
    assert len(trashed) == 4 and wednesday.pk not in {r.pk for r in trashed}


@pytest.mark.parametrize("scope", ["following", "all"])
def test_an_occurrence_whose_first_is_gone_is_saved_alone(rep, scope):
    master = weekly(rep)
    second, third = series_rows(master)[:2]
    Meeting.with_deleted.filter(pk=master.pk).delete()  # purged: no longer in the database
    third.name = "Ohne Serie"
    save_series(third, actor=rep, scope=scope, now=NOW)
    assert Meeting.objects.get(pk=third.pk).name == "Ohne Serie"
    assert Meeting.objects.get(pk=second.pk).name == "Jour fixe"
    assert Meeting.with_deleted.filter(repeat_parent_id=master.pk).count() == 9
