"""The declarations of the four activity modules: Calls, Meetings, Tasks, Notes."""

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kontor.activities import dropdown_lists as lists
from kontor.activities import recurrence
from kontor.activities.forms import ActivityForm, InviteesForm
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core import dropdowns, permissions, registry
from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.records import detail
from kontor.core.registry import Module, register
from kontor.leads.models import Lead


class ActivityModule(Module):
    nav = "more"
    is_activity = True
    has_activities = False
    form_class = ActivityForm
    search_fields = ("name",)
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK, "marketing": TEAM_WORK}
    api_example = {"name": "Angebot schicken"}

    @property
    def closed_statuses(self) -> tuple:
        return self.model.CLOSED_STATUSES

    def detail_context(self, record, user) -> dict:
        """The record the activity belongs to, if the user may see it."""
        if not record.parent_type_id:
            return {}
        model = record.parent_type.model_class()
        parent = model.objects.visible_to(user, "view").filter(pk=record.parent_id).first()
        if parent is None:
            return {}
        return {"parent_record": parent, "parent_module": registry.for_model(model)}

    def timeline_queries(self, visible, parents, journey) -> list:
        """On a timeline: the activities hanging off a member, and those naming a member
        contact in their contact field (tasks, notes)."""
        contacts = journey.ids(Contact)
        if contacts and "contact" in {f.name for f in self.model._meta.concrete_fields}:
            parents = parents | Q(contact__in=contacts)
        return super().timeline_queries(visible, parents, journey)


#: The repeat rule on the form and in the API; the record page shows it as one sentence
REPEAT_PANEL = (
    _("Repeat"),
    ("repeat_type", "repeat_interval", "repeat_dow", "repeat_until", "repeat_count"),
)


class RepeatingModule(ActivityModule):
    """Calls and meetings: their record page says how they repeat and lists the series."""

    detail_template = "activities/detail_repeating.html"

    def detail_context(self, record, user) -> dict:
        context = super().detail_context(record, user)
        series_id = record.series_id
        if not series_id:
            return context
        visible = self.model.objects.visible_to(user, "view")
        rows = visible.filter(Q(pk=series_id) | Q(repeat_parent_id=series_id))
        status = self.model._meta.get_field("status").dropdown
        context["series"] = {
            "text": recurrence.describe(record),
            "rows": [
                {
                    "pk": row.pk,
                    "url": self.detail_url(row.pk),
                    "date_start": row.date_start,
                    "name": row.name,
                    "status": ""
                    if row.status == "Planned"
                    else dropdowns.label(status, row.status),
                }
                for row in rows.order_by("date_start").only("pk", "name", "date_start", "status")[
                    :SHOWN
                ]
            ],
            "count": rows.count(),
            "shown": SHOWN,
        }
        return context


#: Occurrences listed on a series member's page
SHOWN = 60


def without_repeat_panel(module, record, user) -> dict:
    """A series member's page: the rule reads as one sentence (the series card) instead of
    its five raw fields. Registered as an extension of calls and meetings (apps.py), because
    an extension's context may replace the page's panels and a module's may only add."""
    if not record.series_id:
        return {}
    can_edit = permissions.allows(user, "edit", record)
    return {
        "panels": [
            p
            for p in detail.panels(module, record, user, can_edit)
            if str(p["title"]) != str(REPEAT_PANEL[0])
        ]
    }


@register
class CallModule(RepeatingModule):
    model = Call
    slug = "calls"
    order = 60
    icon = "telephone"
    suggest_columns = ("status", "date_start", "assigned_user")
    form_class = InviteesForm
    list_columns = (
        "name",
        "direction",
        "status",
        "date_start",
        "duration_minutes",
        "assigned_user",
    )
    extra_columns = ("date_entered", "date_modified")
    filters = ("status", "direction", "assigned_user", "date_start")
    default_sort = "-date_start"
    mass_update_fields = ("assigned_user", "status")
    dropdowns = (lists.CALL_STATUS, lists.CALL_DIRECTION, lists.REPEAT_TYPE)
    demo_factory = "kontor.activities.demo.create_calls"
    add_label = _("Log call")

    def timeline_queries(self, visible, parents, journey) -> list:
        """Also the calls a member contact or lead is invited to."""
        queries = super().timeline_queries(visible, parents, journey)
        contacts, leads = journey.ids(Contact), journey.ids(Lead)
        if contacts:
            queries.append(visible.filter(contacts__in=contacts).annotate(via=F("contacts")))
        if leads:
            queries.append(visible.filter(leads__in=leads).annotate(via=F("leads")))
        return queries

    def timeline_pattern(self, status: str) -> str:
        if status == "Held":
            return gettext("Call held: %(name)s")
        if status == "Not Held":
            return gettext("Call not held: %(name)s")
        return gettext("Call planned: %(name)s")

    api_example = {
        "name": "Erstgespräch",
        "date_start": "2026-12-01T10:00:00+01:00",
        "duration_minutes": 30,
    }
    panels = (
        (
            _("Overview"),
            (
                "name",
                "direction",
                "status",
                "date_start",
                "duration_minutes",
                "assigned_user",
                "description",
            ),
        ),
        REPEAT_PANEL,
    )


@register
class MeetingModule(RepeatingModule):
    model = Meeting
    slug = "meetings"
    order = 70
    icon = "people"
    suggest_columns = ("status", "date_start", "assigned_user")
    form_class = InviteesForm
    list_columns = ("name", "status", "date_start", "duration_minutes", "location", "assigned_user")
    extra_columns = ("join_url", "date_entered", "date_modified")
    filters = ("status", "assigned_user", "date_start")
    default_sort = "-date_start"
    mass_update_fields = ("assigned_user", "status")
    dropdowns = (lists.MEETING_STATUS, lists.MEETING_ACCEPT_STATUS, lists.REPEAT_TYPE)
    demo_factory = "kontor.activities.demo.create_meetings"
    add_label = _("Schedule meeting")

    def timeline_queries(self, visible, parents, journey) -> list:
        """Also the meetings a member contact or lead is invited to."""
        queries = super().timeline_queries(visible, parents, journey)
        contacts, leads = journey.ids(Contact), journey.ids(Lead)
        if contacts or leads:
            invited = Q(invitees__contact__in=contacts) | Q(invitees__lead__in=leads)
            via = Coalesce("invitees__lead", "invitees__contact")
            queries.append(visible.filter(invited).annotate(via=via))
        return queries

    def timeline_pattern(self, status: str) -> str:
        if status == "Held":
            return gettext("Meeting held: %(name)s")
        if status == "Not Held":
            return gettext("Meeting not held: %(name)s")
        return gettext("Meeting planned: %(name)s")

    api_example = CallModule.api_example
    panels = (
        (
            _("Overview"),
            (
                "name",
                "status",
                "date_start",
                "duration_minutes",
                "location",
                "join_url",
                "assigned_user",
                "description",
            ),
        ),
        REPEAT_PANEL,
    )


@register
class TaskModule(ActivityModule):
    model = Task
    slug = "tasks"
    order = 80
    icon = "check2-square"
    suggest_columns = ("status", "date_due", "assigned_user")
    list_columns = ("name", "status", "priority", "date_due", "contact", "assigned_user")
    extra_columns = ("date_start", "date_entered", "date_modified")
    filters = ("status", "priority", "assigned_user", "date_due", "contact")
    default_sort = "todo_order"  # open first, by due date (Task.todo_order)
    mass_update_fields = ("assigned_user", "status", "priority", "date_due")
    dropdowns = (lists.TASK_STATUS, lists.TASK_PRIORITY)
    demo_factory = "kontor.activities.demo.create_tasks"
    add_label = _("Create task")

    def complete_url(self, record) -> str:
        return reverse("task-complete", args=[record.pk]) if record.is_open else ""

    def timeline_pattern(self, status: str) -> str:
        if status == "Completed":
            return gettext("Task completed: %(name)s")
        if status == "Deferred":
            return gettext("Task deferred: %(name)s")
        return gettext("Task: %(name)s")

    panels = (
        (
            _("Overview"),
            (
                "name",
                "status",
                "priority",
                "date_start",
                "date_due",
                "contact",
                "assigned_user",
                "description",
            ),
        ),
    )


@register
class NoteModule(ActivityModule):
    model = Note
    slug = "notes"
    order = 90
    icon = "sticky"
    suggest_columns = ("contact", "assigned_user")
    list_columns = ("name", "contact", "filename", "assigned_user", "date_entered")
    extra_columns = ("date_modified",)
    filters = ("assigned_user", "date_entered", "contact")
    demo_factory = "kontor.activities.demo.create_notes"
    add_label = _("Add note")

    def timeline_pattern(self, status: str) -> str:
        return gettext("Note: %(name)s")

    panels = ((_("Overview"), ("name", "contact", "filename", "assigned_user", "description")),)
