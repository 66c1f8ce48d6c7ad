"""The bell, the list, opening and marking read, the API, the preferences page, the digest
and the finished import: pages and mails as a user meets them."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kontor.activities.tests.factories import CallFactory, this_minute
from kontor.core.smtp_testing import body_of
from kontor.imports.models import ImportBatch
from kontor.notifications import actions, tasks
from kontor.notifications.models import Kind, Notification, Preference, Settings


def notification(user, n: int, **extra) -> Notification:
    values = {"kind": Kind.MENTION, "key": f"test:{user.pk}:{n}", "subject": f"Notiz {n}"}
    return Notification.objects.create(user=user, url="/accounts/", **{**values, **extra})


@pytest.fixture
def many(nina, rep):
    for n in range(35):
        notification(nina, n, actor=rep)
    notification(rep, 99)
    return Notification.objects.filter(user=nina)


def test_the_bell_counts_the_unread_and_hands_out_popups_once(
    nina, nina_client, many, django_assert_max_num_queries
):
    notification(nina, 50, kind=Kind.REMINDER, popup_shown=False)
    nina_client.get("/notifications/bell/?warm")  # the session's first read
    Notification.objects.filter(user=nina, kind=Kind.REMINDER).update(popup_shown=False)
    with django_assert_max_num_queries(5):  # session, user, pop-ups, marked shown, count
        first = json.loads(nina_client.get("/notifications/bell/").content)
    assert first["unread"] == 36 and [p["text"] for p in first["popups"]] == [
        "Erinnerung: „Notiz 50“ am "
    ]
    with django_assert_max_num_queries(4):  # no pop-up: nothing written
        assert json.loads(nina_client.get("/notifications/bell/").content)["popups"] == []


def test_the_list_pages_newest_first_and_opening_marks_read(
    nina, nina_client, many, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = nina_client.get("/notifications/").content.decode()
    assert page.count("data-notification=") == 30 and "Notiz 34" in page and "Notiz 4<" not in page
    assert "Rolf Rep hat Sie in „Notiz 34“ erwähnt" in page
    newest = many.order_by("-id")
    older = nina_client.get(f"/notifications/?before={newest[29].pk}").content.decode()
    assert older.count("data-notification=") == 5 and "Notiz 0" in older
    answer = nina_client.get(f"/notifications/{newest[0].pk}/open/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/"
    assert many.filter(read_at__isnull=True).count() == 34
    theirs = Notification.objects.exclude(user=nina).get()
    assert nina_client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert theirs.read_at is None
    nina_client.post("/notifications/read-all/")
    assert not many.filter(read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_api_lists_ones_own_and_marks_read(nina, nina_client, many):
    body = nina_client.get("/api/v1/notifications/").json()
    assert len(body["results"]) == 35 and body["unread"] == 35 and body["next"] is None
    top = body["results"][0]
    assert top["subject"] == "Notiz 34" and top["actor"] == "rolf"
    assert top["url"].endswith("/accounts/") and top["url"].startswith("http")
    theirs = Notification.objects.exclude(user=nina).get()
    ids = [top["id"], theirs.pk]
    answer = nina_client.post("/api/v1/notifications/read/", {"ids": ids}, "application/json")
    assert answer.json() == {"marked": 1, "unread": 34}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    unread = nina_client.get("/api/v1/notifications/?unread=1").json()
    assert len(unread["results"]) == 34
    answer = nina_client.post("/api/v1/notifications/read/", {"all": True}, "application/json")
    assert answer.json() == {"marked": 34, "unread": 0}


def test_the_preferences_page_saves_per_kind_and_the_defaults(nina, nina_client):
    page = nina_client.get("/settings/notifications/").content.decode()
    assert "Worüber Sie benachrichtigt werden" in page and 'name="mention-in_app"' in page
    assert "/settings/notifications/" in nina_client.get("/settings/").content.decode()
    data = {"mention-email": "on", "assigned-in_app": "on", "digest": "on"}
    answer = nina_client.post("/settings/notifications/", {**data, "reminder_minutes": "15"})
    assert answer.status_code == 302
    prefs = {p.kind: (p.in_app, p.email) for p in Preference.objects.filter(user=nina)}
    assert prefs[Kind.MENTION] == (False, True) and prefs[Kind.ASSIGNED] == (True, False)
    saved = Settings.objects.get(user=nina)
    assert (saved.digest, saved.reminder_minutes, saved.reminder_popup) == (True, 15, False)
    answer = nina_client.post("/settings/notifications/", {"reminder_minutes": "7"})
    assert answer.status_code == 200 and Settings.objects.get(user=nina).digest is True


def test_the_digest_mails_unread_and_the_agenda_once_a_day(rep, nina, smtp_server, after_commit):
    actions.save_preferences({}, {"digest": True}, actor=nina)
    actions.save_preferences({}, {"digest": True}, actor=rep)  # nothing for him today
    notification(nina, 1, actor=rep)
    start = timezone.localtime(timezone.now()).replace(hour=23, minute=0, second=0)
    CallFactory(name="Rückruf Brandt", date_start=start, actor=nina)
    after_commit(tasks.send_digests.call)
    after_commit(tasks.send_digests.call)
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "nina@kontor.example" and "Ihr Tag in Kontor" in mail["Subject"]
    body = body_of(mail)
    assert "23:00 Rückruf Brandt" in body and "„Notiz 1“" in body
    assert len(smtp_server.messages) == 1


def test_a_finished_import_is_told_to_who_started_it_once(nina, after_commit):
    from django.contrib.contenttypes.models import ContentType

    from kontor.accounts.models import Account

    batch = ImportBatch.objects.create(
        record_type=ContentType.objects.get_for_model(Account),
        created_by=nina,
        filename="kunden.csv",
        status=ImportBatch.Status.DONE,
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    after_commit(tasks.send_due_reminders.call)
    after_commit(tasks.send_due_reminders.call)
    (told,) = Notification.objects.all()
    assert (told.user, told.kind, told.url) == (nina, Kind.FINISHED, f"/imports/batch/{batch.pk}/")


def test_a_call_page_has_the_reminders_button_and_the_bell(rep, rep_client):
    call = CallFactory(name="Zählen", date_start=this_minute(), actor=rep)
    page = rep_client.get(f"/calls/{call.pk}/").content.decode()
    assert f"/calls/{call.pk}/reminders/" in page and 'id="notification-bell"' in page


def test_a_finished_migration_is_told_to_the_administrators_once(admin, rep, after_commit):
    from kontor.suitecrm.models import MigrationRun

    MigrationRun.objects.create(source="suitecrm.example/crm", finished_at=timezone.now())
    MigrationRun.objects.create(source="probe", finished_at=timezone.now(), dry_run=True)
    after_commit(tasks.send_due_reminders.call)
    after_commit(tasks.send_due_reminders.call)
    (told,) = Notification.objects.all()
    assert (told.user, told.kind, told.subject) == (admin, Kind.FINISHED, "suitecrm.example/crm")
