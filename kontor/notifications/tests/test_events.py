"""Notifications made from record events: assigned, invited, mentioned; one for the right
user, none for the actor, none about a record the user may not see; preferences respected."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.actions import save_with_invitees
from kontor.activities.models import Meeting, Note
from kontor.activities.tests.factories import this_minute
from kontor.core.actions import save_record
from kontor.core.smtp_testing import body_of
from kontor.notifications import actions
from kontor.notifications.models import Kind, Notification
from kontor.users.actions import create_user


def notes_of(user):
    return list(Notification.objects.filter(user=user).values_list("kind", "subject"))


def test_assigning_a_record_to_someone_else_tells_them_once(rep, nina, after_commit):
    account = after_commit(AccountFactory, name="Brandt GmbH", actor=rep)
    assert Notification.objects.count() == 0  # Rolf's own record: nobody told
    account.assigned_user = nina
    after_commit(save_record, account, actor=rep)
    assert notes_of(nina) == [(Kind.ASSIGNED, "Brandt GmbH")]
    (n,) = Notification.objects.all()
    assert n.actor == rep and n.url == f"/accounts/{account.pk}/"
    # The same event heard again (a retried task) adds nothing.
    from kontor.notifications.produce import produce

    entry = {"what": "assigned", "kind": "updated", "model": "accounts.account"}
    produce([{**entry, "pk": str(account.pk), "actor": rep.pk, "fields": ["assigned_user_id"]}])
    assert Notification.objects.count() == 1


def test_taking_a_record_oneself_tells_nobody(rep, nina, after_commit):
    account = after_commit(AccountFactory, name="Selbst AG", actor=rep)
    account = Account.objects.get(pk=account.pk)
    account.assigned_user = nina
    after_commit(save_record, account, actor=nina)
    assert Notification.objects.count() == 0


def test_no_notification_about_a_record_the_user_may_not_see(rep, after_commit):
    nobody = create_user("otto", password="pw-otto-123!", roles=[])  # no role: sees nothing
    account = after_commit(AccountFactory, name="Geheim KG", actor=rep)
    account.assigned_user = nobody
    after_commit(save_record, account, actor=rep)
    assert Notification.objects.count() == 0


def test_invitees_of_a_meeting_are_told_but_not_its_organiser(rep, nina, sam, after_commit):
    meeting = Meeting(name="Planung", date_start=this_minute(), duration_minutes=30)
    after_commit(save_with_invitees, meeting, users=[rep, nina], actor=rep)
    assert notes_of(nina) == [(Kind.INVITED, "Planung")]
    assert notes_of(rep) == []
    # Saved again with one more invitee: Nina is not told twice; Sam, a sales rep in no team,
    # may not see Rolf's meeting and is not told.
    meeting = Meeting.objects.get(pk=meeting.pk)
    meeting.name = "Planung 2027"
    after_commit(save_with_invitees, meeting, users=[rep, nina, sam], actor=rep)
    assert notes_of(nina) == [(Kind.INVITED, "Planung")]
    assert notes_of(sam) == []


def test_a_mention_in_a_note_tells_the_mentioned_who_see_its_parent(rep, nina, sam, after_commit):
    account = after_commit(AccountFactory, name="Kessler OHG", actor=rep)
    note = Note(
        name="Anruf",
        description="@nina bitte zurückrufen, @sam auch, @rolf weiß Bescheid, @niemand",
        parent_type=ContentType.objects.get_for_model(Account),
        parent_id=account.pk,
    )
    after_commit(save_record, note, actor=rep)
    assert notes_of(nina) == [(Kind.MENTION, "Anruf")]
    assert notes_of(sam) == []  # may not see Kessler OHG
    assert notes_of(rep) == []  # wrote it himself
    assert Notification.objects.count() == 1


def test_preferences_choose_app_mail_or_neither(rep, nina, sam, smtp_server, after_commit):
    actions.save_preferences({Kind.ASSIGNED: (False, True)}, {}, actor=nina)
    account = after_commit(AccountFactory, name="Mail GmbH", actor=rep)
    account.assigned_user = nina
    after_commit(save_record, account, actor=rep)
    assert Notification.objects.count() == 0
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "nina@kontor.example"
    assert "Mail GmbH" in mail["Subject"] and "zugewiesen" in mail["Subject"]  # her German
    assert f"/accounts/{account.pk}/" in body_of(mail)
    actions.save_preferences({Kind.ASSIGNED: (False, False)}, {}, actor=sam)
    other = after_commit(AccountFactory, name="Still GmbH", actor=sam)
    other = Account.objects.get(pk=other.pk)
    other.assigned_user = nina
    other.name = "Still GmbH 2"
    after_commit(save_record, other, actor=sam)
    assert len(smtp_server.messages) == 2  # Nina still wants mail of assignments
    actions.save_preferences({Kind.ASSIGNED: (False, False)}, {}, actor=nina)
    third = after_commit(AccountFactory, name="Ruhe AG", actor=rep)
    third.assigned_user = nina
    after_commit(save_record, third, actor=rep)
    assert len(smtp_server.messages) == 2 and Notification.objects.count() == 0


def test_a_note_that_mentions_and_assigns_tells_both(rep, nina, sam, after_commit):
    note = Note(name="Übergabe", description="@sam übernimmt", assigned_user=nina)
    after_commit(save_record, note, actor=rep)
    assert notes_of(nina) == [(Kind.ASSIGNED, "Übergabe")]
    assert notes_of(sam) == []  # a note without parent that Sam may not see


def test_an_invitee_added_without_other_changes_is_told(rep, nina, after_commit):
    meeting = Meeting(name="Nur Einladung", date_start=this_minute(), duration_minutes=30)
    after_commit(save_with_invitees, meeting, users=[rep], actor=rep)
    meeting = Meeting.objects.get(pk=meeting.pk)
    after_commit(save_with_invitees, meeting, users=[rep, nina], actor=rep)
    assert notes_of(nina) == [(Kind.INVITED, "Nur Einladung")]
    assert Notification.objects.get().actor == rep


def test_the_later_occurrences_of_a_series_tell_nobody_again(rep, nina, after_commit):
    first = Meeting(name="Jour fixe", date_start=this_minute(), duration_minutes=30)
    after_commit(save_with_invitees, first, users=[nina], actor=rep)
    later = Meeting(
        name="Jour fixe",
        date_start=this_minute() + timedelta(days=7),
        duration_minutes=30,
        repeat_parent_id=first.pk,
        assigned_user=nina,
    )
    after_commit(save_with_invitees, later, users=[nina], actor=rep)
    assert notes_of(nina) == [(Kind.INVITED, "Jour fixe")]


def test_a_system_write_assigns_nobody_anything(rep, nina, after_commit):
    """A record written without an actor (a mail the poll stores for its mailbox's owner, a
    job) is not "assigned to" its owner: nothing to hear of, and by e-mail a loop."""
    account = Account(name="Eingang GmbH", assigned_user=nina)
    after_commit(save_record, account, actor=None)
    assert Notification.objects.count() == 0
    from kontor.notifications.produce import produce

    entry = {"what": "assigned", "kind": "created", "model": "accounts.account", "fields": []}
    produce([{**entry, "pk": str(account.pk), "actor": None}])
    assert Notification.objects.count() == 0


def test_a_mention_in_a_note_the_mentioned_may_not_see_tells_nothing(rep, sam, after_commit):
    account = after_commit(AccountFactory, name="Sams Kunde", assigned_user=sam, actor=rep)
    note = Note(
        name="Vertraulich",
        description="@sam darf das nicht lesen",
        parent_type=ContentType.objects.get_for_model(Account),
        parent_id=account.pk,
        assigned_user=rep,
    )
    after_commit(save_record, note, actor=rep)
    assert Account.objects.visible_to(sam, "view").filter(pk=account.pk).exists()
    assert not Note.objects.visible_to(sam, "view").filter(pk=note.pk).exists()
    assert notes_of(sam) == [(Kind.ASSIGNED, "Sams Kunde")]  # the account, not the note
