"""Reminders: the user's default on new calls and meetings, the job that sends them (once,
however often it runs), the due time following a moved meeting, the panel on the page."""

from datetime import timedelta

from django.utils import timezone

from kontor.activities.actions import save_with_invitees
from kontor.activities.models import Meeting
from kontor.activities.tests.factories import CallFactory, TaskFactory, this_minute
from kontor.core.actions import delete_records, save_record
from kontor.core.smtp_testing import body_of
from kontor.emails.models import OutgoingMail
from kontor.notifications import actions, tasks
from kontor.notifications.models import Kind, Notification, Reminder


def meeting_in(minutes: int, *, actor, users=()) -> Meeting:
    meeting = Meeting(name="Jahresgespräch", date_start=this_minute() + timedelta(minutes=minutes))
    return save_with_invitees(meeting, users=list(users), actor=actor)


def test_a_new_meeting_gets_its_peoples_default_reminders(rep, nina, sam, after_commit):
    actions.save_preferences({}, {"reminder_minutes": 30, "reminder_email": True}, actor=nina)
    actions.save_preferences({}, {"reminder_minutes": None}, actor=sam)
    meeting = after_commit(meeting_in, 120, actor=rep, users=[nina, sam])
    (reminder,) = Reminder.objects.all()
    assert (reminder.user, reminder.related_event_module) == (nina, "meetings")
    assert reminder.popup and reminder.email and reminder.timer_popup == 30 * 60
    assert reminder.date_willexecute == meeting.date_start - timedelta(minutes=30)


def test_the_job_sends_a_due_reminder_once(rep, nina, smtp_server, after_commit):
    meeting = after_commit(meeting_in, 10, actor=rep, users=[nina])
    actions.add_reminder(meeting, nina, 15, popup=True, email=True, actor=nina)
    actions.add_reminder(meeting, rep, 5, popup=True, email=False, actor=rep)  # not due yet
    after_commit(tasks.send_due_reminders.call)
    after_commit(tasks.send_due_reminders.call)  # a second run (or a second worker)
    (popup,) = Notification.objects.filter(kind=Kind.REMINDER)
    assert (popup.user, popup.subject, popup.popup_shown) == (nina, "Jahresgespräch", False)
    # The outbox holds one reminder mail (beside the invitations another app sends).
    assert OutgoingMail.objects.filter(key__startswith="notification:reminder:").count() == 1
    received = smtp_server.wait_for(OutgoingMail.objects.count())
    (mail,) = [m for m in received if "Erinnerung:" in m["Subject"]]
    assert mail["To"] == "nina@kontor.example" and "Jahresgespräch" in mail["Subject"]
    assert f"/meetings/{meeting.pk}/" in body_of(mail)
    assert len(received) == OutgoingMail.objects.count()
    sent = Reminder.objects.get(user=nina)
    assert sent.popup_sent_at and sent.email_sent_at and sent.date_willexecute is None
    assert Reminder.objects.get(user=rep).date_willexecute is not None


def test_a_moved_meeting_moves_its_reminder(rep, nina, after_commit):
    meeting = after_commit(meeting_in, 10, actor=rep, users=[nina])
    actions.add_reminder(meeting, nina, 15, popup=True, email=False, actor=nina)
    after_commit(tasks.send_due_reminders.call)
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.date_start = meeting.date_start + timedelta(days=1)
    after_commit(save_with_invitees, meeting, users=[nina], actor=rep)
    reminder = Reminder.objects.get()
    assert reminder.event_start == meeting.date_start
    assert reminder.date_willexecute == meeting.date_start - timedelta(minutes=15)
    assert reminder.popup_sent_at is None  # sent again before the new time, not now
    after_commit(tasks.send_due_reminders.call)
    assert Notification.objects.filter(kind=Kind.REMINDER).count() == 1


def test_no_reminder_of_a_closed_or_deleted_call(rep, after_commit):
    held = CallFactory(name="Gehalten", date_start=this_minute() + timedelta(minutes=5), actor=rep)
    gone = CallFactory(name="Gelöscht", date_start=this_minute() + timedelta(minutes=5), actor=rep)
    for call in (held, gone):
        actions.add_reminder(call, rep, 10, popup=True, email=False, actor=rep)
    held.status = "Held"
    save_record(held, actor=rep)
    delete_records([gone], actor=rep)
    after_commit(tasks.send_due_reminders.call)
    assert Notification.objects.count() == 0
    assert not Reminder.objects.filter(date_willexecute__isnull=False).exists()


def test_overdue_tasks_are_told_to_their_owner_once(rep, nina, after_commit):
    late = TaskFactory(name="Angebot", date_due=timezone.now() - timedelta(hours=2), actor=rep)
    late.assigned_user = nina
    after_commit(save_record, late, actor=rep)
    TaskFactory(name="Später", date_due=timezone.now() + timedelta(hours=2), actor=nina)
    TaskFactory(name="Erledigt", status="Completed", date_due=timezone.now(), actor=nina)
    Notification.objects.all().delete()  # the assignment's
    after_commit(tasks.notify_overdue_tasks.call)
    after_commit(tasks.notify_overdue_tasks.call)
    assert list(Notification.objects.values_list("user__username", "kind", "subject")) == [
        ("nina", Kind.OVERDUE, "Angebot")
    ]


def test_the_reminders_panel_adds_and_removes_ones_own(rep, nina, nina_client, after_commit):
    meeting = after_commit(meeting_in, 600, actor=rep, users=[nina])
    url = f"/meetings/{meeting.pk}/reminders/"
    page = nina_client.get(f"/meetings/{meeting.pk}/")
    assert url in page.content.decode()
    answer = nina_client.post(url, {"minutes": "60", "email": "on"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "1 Stunde" in answer.content.decode()
    (mine,) = Reminder.objects.all()
    assert (mine.user, mine.timer_email, mine.popup, mine.email) == (nina, 3600, False, True)
    assert nina_client.post(url, {"minutes": "60"}).status_code == 302  # neither channel
    assert Reminder.objects.count() == 1
    Reminder.objects.create(
        user=rep,
        related_event_module="meetings",
        related_event_module_id=meeting.pk,
        event_start=meeting.date_start,
    )
    theirs = Reminder.objects.get(user=rep)
    assert nina_client.post(f"{url}{theirs.pk}/delete/").status_code == 404
    assert nina_client.post(f"{url}{mine.pk}/delete/").status_code == 302
    assert list(Reminder.objects.all()) == [theirs]


def test_a_cleared_due_date_unschedules_the_tasks_reminder(rep, after_commit):
    task = TaskFactory(name="Angebot", date_due=this_minute() + timedelta(hours=2), actor=rep)
    actions.add_reminder(task, rep, 30, popup=True, email=False, actor=rep)
    due = task.date_due
    assert Reminder.objects.get().date_willexecute == due - timedelta(minutes=30)

    task.date_due = None
    after_commit(save_record, task, actor=rep)
    assert Reminder.objects.get().date_willexecute is None

    task.date_due = due  # the same date set again: reminded again
    after_commit(save_record, task, actor=rep)
    assert Reminder.objects.get().date_willexecute == due - timedelta(minutes=30)


def test_a_refused_reminder_without_htmx_says_why_on_the_page(rep, nina, nina_client, after_commit):
    meeting = after_commit(meeting_in, 600, actor=rep, users=[nina])

    answer = nina_client.post(
        f"/meetings/{meeting.pk}/reminders/", {"minutes": "60"}, follow=True
    )  # neither channel

    assert answer.redirect_chain[-1][0] == f"/meetings/{meeting.pk}/"
    assert "Wählen Sie ein Pop-up, eine E-Mail oder beides." in answer.content.decode()
    assert not Reminder.objects.exists()
