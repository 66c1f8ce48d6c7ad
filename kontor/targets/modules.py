"""The Targets module declaration."""

from kontor.core.grants import EVERYTHING, TEAM_WORK, grant
from kontor.core.people import PERSON_PANELS, PERSON_SEARCH_FIELDS
from kontor.core.registry import Module, register
from kontor.targets.dropdown_lists import TARGET_STATUS
from kontor.targets.models import Target


@register
class TargetModule(Module):
    model = Target
    slug = "targets"
    nav = "more"
    order = 50
    icon = "bullseye"
    suggest_columns = ("account_name", "email1", "assigned_user")
    go_key = "t"
    list_columns = (
        "last_name",
        "first_name",
        "account_name",
        "email1",
        "status",
        "assigned_user",
        "date_entered",
    )
    extra_columns = (
        "title",
        "phone_work",
        "phone_mobile",
        "primary_address_city",
        "lead_source",
        "date_modified",
    )
    search_fields = PERSON_SEARCH_FIELDS
    filters = ("status", "lead_source", "assigned_user", "date_entered")
    mass_update_fields = ("assigned_user", "status", "lead_source")
    panels = (
        (PERSON_PANELS[0][0], PERSON_PANELS[0][1] + ("account_name", "status")),
        *PERSON_PANELS[1:],
    )
    grants = {
        "sales_manager": EVERYTHING,
        "sales_rep": TEAM_WORK,
        "marketing": EVERYTHING,
        # Creates, imports and edits the team's targets; no deleting, no exporting.
        "external_lead_generation": grant(
            access="all", view="team", list="team", edit="team", **{"import": "all"}
        ),
    }
    dropdowns = (TARGET_STATUS,)
    # External lead generators open Targets only ("nothing else visible"): not the staff list.
    shows_other_users = False
    demo_factory = "kontor.targets.demo.create_targets"
    demo_order = 24
    api_example = {"last_name": "Schmidt", "first_name": "Anna", "email1": "anna-targets@web.de"}
