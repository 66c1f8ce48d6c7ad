"""Calls, Meetings, Tasks and Notes: activities that hang off any record through `parent`.

Open vs history (docs/domain.md §3): calls and meetings are open until Held or Not Held, tasks
until Completed or Deferred, notes are always history.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField
from kontor.core.models import Record, record_indexes


class Activity(Record):
    """Subject and parent record, common to the four activity types."""

    name = models.CharField(_("Subject"), max_length=255)
    parent_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Related to (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent_id = models.UUIDField(_("Related to"), null=True, blank=True)
    parent = GenericForeignKey("parent_type", "parent_id")

    #: status keys that make the activity history rather than open
    CLOSED_STATUSES: tuple = ()

    class Meta(Record.Meta):
        abstract = True

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if bool(self.parent_type_id) != bool(self.parent_id):
            raise ValidationError({"parent_id": _("Choose the record this belongs to.")})

    def team_parents(self) -> list:
        parent = self.parent if self.parent_id else None
        return [parent] if parent is not None else []

    @property
    def is_open(self) -> bool:
        return getattr(self, "status", None) not in self.CLOSED_STATUSES


class Recurring(models.Model):
    """SuiteCRM's repeat fields of calls and meetings (kontor/activities/recurrence.py): the
    rule, kept on every occurrence, and `repeat_parent_id`, the first occurrence's id on every
    later one. `original_start` (iCalendar's RECURRENCE-ID) is the start the rule gave an
    occurrence, kept when it is moved, so a moved or cancelled date is never created again;
    `repeat_edited` marks an occurrence changed by itself, which series edits leave alone."""

    repeat_type = DropdownField(_("Repeat"), dropdown="repeat_type_dom", blank=True, default="")
    # Empty unless repeated (a record page's empty panel stays folded); 1 when left empty.
    repeat_interval = models.PositiveIntegerField(_("Every"), null=True, blank=True)
    repeat_dow = models.CharField(_("On weekdays"), max_length=7, blank=True)
    repeat_until = models.DateField(_("Repeat until"), null=True, blank=True)
    repeat_count = models.PositiveIntegerField(_("Number of occurrences"), null=True, blank=True)
    repeat_parent_id = models.UUIDField(_("First occurrence"), null=True, blank=True)
    recurring_source = models.CharField(_("Recurring source"), max_length=36, blank=True)
    original_start = models.DateTimeField(null=True, blank=True, editable=False)
    repeat_edited = models.BooleanField(default=False, editable=False)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        from kontor.activities.recurrence import rule_errors

        if self.repeat_type and self.repeat_interval is None:
            self.repeat_interval = 1
        if not self.repeat_type:
            self.repeat_interval = None
        errors = rule_errors(self)
        if errors:
            raise ValidationError(errors)

    @property
    def series_id(self):
        """The first occurrence's id of this record's series (None: not repeated)."""
        if self.repeat_parent_id:
            return self.repeat_parent_id
        return self.pk if self.repeat_type else None


def series_slot(prefix: str) -> models.UniqueConstraint:
    """One occurrence per start the rule gave: a rerun of the generator adds nothing."""
    return models.UniqueConstraint(
        fields=["repeat_parent_id", "original_start"],
        condition=models.Q(repeat_parent_id__isnull=False),
        name=f"{prefix}_series_slot",
    )


def activity_indexes(prefix: str, *fields: str) -> list[models.Index]:
    return [
        models.Index(fields=["parent_type", "parent_id", "date_entered"], name=f"{prefix}_parent"),
        *record_indexes(prefix, *fields),
    ]


class Call(Recurring, Activity):
    direction = DropdownField(_("Direction"), dropdown="call_direction_dom", default="Outbound")
    status = DropdownField(_("Status"), dropdown="call_status_dom", default="Planned", blank=False)
    date_start = models.DateTimeField(_("Start"))
    duration_minutes = models.PositiveIntegerField(
        _("Duration (minutes)"), default=15, validators=[MaxValueValidator(24 * 60)]
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("Invited users"),
        through="CallUser",
    )
    contacts = models.ManyToManyField(
        "contacts.Contact",
        blank=True,
        related_name="calls",
        verbose_name=_("Invited contacts"),
        through="CallContact",
    )
    leads = models.ManyToManyField(
        "leads.Lead",
        blank=True,
        related_name="calls",
        verbose_name=_("Invited leads"),
        through="CallLead",
    )

    CLOSED_STATUSES = ("Held", "Not Held")

    class Meta:
        verbose_name = _("Call")
        verbose_name_plural = _("Calls")
        indexes = activity_indexes("call", "date_start", "name", "status", "date_entered")
        constraints = [series_slot("call")]


class CallInvitee(models.Model):
    """One invitee of a call with their answer (the keys of meeting_accept_status_dom, as in
    SuiteCRM); one table per kind of invitee."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE)
    accept_status = DropdownField(
        _("Accept status"), dropdown="meeting_accept_status_dom", default="none"
    )

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.invitee)

    @property
    def invitee(self):
        return getattr(self, self.KIND)


class CallUser(CallInvitee):
    KIND = "user"
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        db_table = "activities_call_users"
        unique_together = [("call", "user")]


class CallContact(CallInvitee):
    KIND = "contact"
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE)

    class Meta:
        db_table = "activities_call_contacts"
        unique_together = [("call", "contact")]


class CallLead(CallInvitee):
    KIND = "lead"
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE)

    class Meta:
        db_table = "activities_call_leads"
        unique_together = [("call", "lead")]


class Meeting(Recurring, Activity):
    status = DropdownField(
        _("Status"), dropdown="meeting_status_dom", default="Planned", blank=False
    )
    location = models.CharField(_("Location"), max_length=255, blank=True)
    date_start = models.DateTimeField(_("Start"))
    duration_minutes = models.PositiveIntegerField(
        _("Duration (minutes)"), default=60, validators=[MaxValueValidator(14 * 24 * 60)]
    )
    join_url = models.URLField(_("Online meeting URL"), max_length=500, blank=True)

    CLOSED_STATUSES = ("Held", "Not Held")

    class Meta:
        verbose_name = _("Meeting")
        verbose_name_plural = _("Meetings")
        indexes = activity_indexes("meeting", "date_start", "name", "status", "date_entered")
        constraints = [series_slot("meeting")]

    @property
    def date_end(self):
        return self.date_start + timedelta(minutes=self.duration_minutes)


class MeetingInvitee(models.Model):
    """One invitee of a meeting — a user, a contact or a lead — with their answer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    accept_status = DropdownField(
        _("Accept status"), dropdown="meeting_accept_status_dom", default="none"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True, lead__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False, lead__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=True, lead__isnull=False)
                ),
                name="meeting_invitee_exactly_one",
            ),
        ]

    def __str__(self):
        return str(self.user or self.contact or self.lead)


class Task(Activity):
    status = DropdownField(
        _("Status"), dropdown="task_status_dom", default="Not Started", blank=False
    )
    priority = DropdownField(
        _("Priority"), dropdown="task_priority_dom", default="Medium", blank=False
    )
    date_start = models.DateTimeField(_("Start"), null=True, blank=True)
    date_due = models.DateTimeField(_("Due date"), null=True, blank=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("Contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    #: The tasks list's default order in one indexed column (keyset pages sort by one):
    #: derived in clean() from status and due date, see `todo_order_of`.
    todo_order = models.CharField(max_length=12, default="2", editable=False)

    CLOSED_STATUSES = ("Completed", "Deferred")

    class Meta:
        verbose_name = _("Task")
        verbose_name_plural = _("Tasks")
        indexes = activity_indexes(
            "task", "date_due", "name", "status", "priority", "date_entered", "todo_order"
        )

    def clean(self):
        super().clean()
        if self.date_start and self.date_due and self.date_due < self.date_start:
            raise ValidationError({"date_due": _("The due date is before the start.")})
        self.todo_order = todo_order_of(self.status, self.date_due, self.CLOSED_STATUSES)


def todo_order_of(status: str, due, closed: tuple) -> str:
    """The tasks list's order, for whoever works through it: open tasks first, soonest due
    first (those without a due date after them), then finished ones, latest due first."""
    if due is None:
        return "1~" if status in closed else "0~"
    seconds = max(0, int(due.timestamp()))
    if status in closed:
        return f"1{10**11 - seconds:011d}"
    return f"0{seconds:011d}"


def note_upload_to(note, filename: str) -> str:
    return f"notes/{note.pk}/{filename}"


class Note(Activity):
    filename = models.FileField(
        _("Attachment"),
        upload_to=note_upload_to,
        blank=True,
        max_length=255,
        validators=[
            FileExtensionValidator(
                allowed_extensions=[
                    "pdf",
                    "png",
                    "jpg",
                    "jpeg",
                    "gif",
                    "txt",
                    "csv",
                    "doc",
                    "docx",
                    "xls",
                    "xlsx",
                    "odt",
                    "ods",
                    "eml",
                    "msg",
                    "zip",
                ]
            )
        ],
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("Contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
    )

    class Meta:
        verbose_name = _("Note")
        verbose_name_plural = _("Notes")
        indexes = activity_indexes("note", "name", "date_entered")

    @property
    def is_open(self) -> bool:
        return False

    def clean(self):
        super().clean()
        upload = self.filename
        if upload and getattr(upload, "size", 0) > settings.FILE_UPLOAD_MAX_SIZE:
            raise ValidationError({"filename": _("The file is too large.")})
