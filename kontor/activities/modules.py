"""The declarations of the four activity modules: Calls, Meetings, Tasks, Notes."""

from django.utils.translation import gettext_lazy as _

from kontor.activities import dropdown_lists as lists
from kontor.activities.forms import ActivityForm, InviteesForm
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.core import registry
from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.registry import Module, register


class ActivityModule(Module):
    nav = "more"
    is_activity = True
    has_activities = False
    form_class = ActivityForm
    search_fields = ("name",)
    default_sort = "-date_entered"
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK, "marketing": TEAM_WORK}
    api_example = {"name": "Angebot schicken"}

    def detail_context(self, record, user) -> dict:
        """The record the activity belongs to, if the user may see it."""
        if not record.parent_type_id:
            return {}
        model = record.parent_type.model_class()
        parent = model.objects.visible_to(user, "view").filter(pk=record.parent_id).first()
        if parent is None:
            return {}
        return {"parent_record": parent, "parent_module": registry.for_model(model)}


@register
class CallModule(ActivityModule):
    model = Call
    slug = "calls"
    order = 60
    icon = "telephone"
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
    dropdowns = (lists.CALL_STATUS, lists.CALL_DIRECTION)
    demo_factory = "kontor.activities.demo.create_calls"
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
    )


@register
class MeetingModule(ActivityModule):
    model = Meeting
    slug = "meetings"
    order = 70
    icon = "people"
    form_class = InviteesForm
    list_columns = ("name", "status", "date_start", "duration_minutes", "location", "assigned_user")
    extra_columns = ("join_url", "date_entered", "date_modified")
    filters = ("status", "assigned_user", "date_start")
    default_sort = "-date_start"
    mass_update_fields = ("assigned_user", "status")
    dropdowns = (lists.MEETING_STATUS, lists.MEETING_ACCEPT_STATUS)
    demo_factory = "kontor.activities.demo.create_meetings"
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
    )


@register
class TaskModule(ActivityModule):
    model = Task
    slug = "tasks"
    order = 80
    icon = "check2-square"
    list_columns = ("name", "status", "priority", "date_due", "contact", "assigned_user")
    extra_columns = ("date_start", "date_entered", "date_modified")
    filters = ("status", "priority", "assigned_user", "date_due", "contact")
    default_sort = "date_due"
    mass_update_fields = ("assigned_user", "status", "priority", "date_due")
    dropdowns = (lists.TASK_STATUS, lists.TASK_PRIORITY)
    demo_factory = "kontor.activities.demo.create_tasks"
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
    list_columns = ("name", "contact", "filename", "assigned_user", "date_entered")
    extra_columns = ("date_modified",)
    filters = ("assigned_user", "date_entered", "contact")
    demo_factory = "kontor.activities.demo.create_notes"
    panels = ((_("Overview"), ("name", "contact", "filename", "assigned_user", "description")),)
