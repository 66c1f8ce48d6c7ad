"""The notification centre's rows, for every signed-in user: their notifications (the bell),
what they want to hear of and how (preferences), and their reminders of calls, meetings and
tasks.

A notification's text is not stored: `kontor.notifications.texts` words it from its kind, the
record's name and the actor when it is shown or mailed, in the reader's language.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned to you")
    INVITED = "invited", _("Invited to a call or meeting")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Task overdue")
    FINISHED = "finished", _("Import or migration finished")
    MENTION = "mention", _("Mentioned in a note")


class Notification(models.Model):
    """One thing `user` should know of. `key` names what it is about (kind, record, user), so
    an event heard twice or a job run twice adds no second row."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    #: the record's name when it happened (a file name for an import)
    subject = models.CharField(max_length=255)
    #: where opening it leads (a path of this site)
    url = models.CharField(max_length=500, blank=True)
    #: the time it is about: a reminder's start, an overdue task's due date
    when = models.DateTimeField(null=True, blank=True)
    #: a word more for the text ("failed" for an import that stopped)
    detail = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    #: a reminder's pop-up was shown (the page polls for those not shown yet)
    popup_shown = models.BooleanField(default=True)

    class Meta:
        indexes = [
            # The list, newest first, in keyset pages.
            models.Index(fields=["user", "-id"], name="notif_user_newest"),
            # The bell's count and the pop-ups: only the unread rows are in it.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notif_unread"),
        ]

    def __str__(self):
        return f"{self.kind} {self.subject} → {self.user}"


class Preference(models.Model):
    """How `user` hears of notifications of `kind`: in the app, by e-mail, both or neither.
    No row: in the app only (`DEFAULTS`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    in_app = models.BooleanField(_("In the app"), default=True)
    email = models.BooleanField(_("By e-mail"), default=False)

    DEFAULTS = {"in_app": True, "email": False}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notif_pref_user_kind")
        ]

    def __str__(self):
        return f"{self.user} {self.kind}"


class Settings(models.Model):
    """A user's notification settings beside the per-kind preferences: the daily digest and
    the reminder every new call and meeting of theirs gets."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    digest = models.BooleanField(_("Daily digest by e-mail"), default=False)
    #: minutes before the start; None: no reminder of its own
    reminder_minutes = models.PositiveIntegerField(_("Default reminder"), null=True, blank=True)
    reminder_popup = models.BooleanField(_("As a pop-up"), default=True)
    reminder_email = models.BooleanField(_("By e-mail"), default=False)

    def __str__(self):
        return f"{self.user}"


class Reminder(models.Model):
    """A reminder of `user` about a call, meeting or task, as SuiteCRM's `reminders` table
    has it: a pop-up and/or an e-mail, each some seconds (`timer_*`) before the event.

    `event_start` is the activity's start (a task's due date), kept in step when it moves;
    `date_willexecute` is when the next channel not yet sent is due (None: nothing left),
    the one indexed column the job selects by.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    popup = models.BooleanField(_("Pop-up"), default=True)
    email = models.BooleanField(_("E-mail"), default=False)
    timer_popup = models.PositiveIntegerField(default=0)
    timer_email = models.PositiveIntegerField(default=0)
    #: the activity's module slug ("calls", "meetings", "tasks") and id
    related_event_module = models.CharField(max_length=32)
    related_event_module_id = models.UUIDField()
    event_start = models.DateTimeField()
    popup_sent_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    date_willexecute = models.DateTimeField(null=True, blank=True)
    date_entered = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["date_willexecute"],
                condition=Q(date_willexecute__isnull=False),
                name="reminder_due",
            ),
            models.Index(fields=["related_event_module_id", "user"], name="reminder_event"),
        ]

    def __str__(self):
        return f"{self.related_event_module} {self.related_event_module_id} → {self.user}"

    def channel_due(self, channel: str):
        """When `channel` ("popup", "email") is due, or None when it is off or sent."""
        if not getattr(self, channel) or getattr(self, f"{channel}_sent_at") is not None:
            return None
        return self.event_start - timezone.timedelta(seconds=getattr(self, f"timer_{channel}"))

    def schedule(self) -> None:
        """Set `date_willexecute` to the next channel still to send."""
        due = [d for d in (self.channel_due("popup"), self.channel_due("email")) if d]
        self.date_willexecute = min(due) if due else None

    @property
    def minutes(self) -> int:
        return (
            max(self.timer_popup if self.popup else 0, self.timer_email if self.email else 0) // 60
        )
