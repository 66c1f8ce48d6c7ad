"""The Leads module declaration."""

from django.utils.translation import gettext_lazy as _

from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.people import PERSON_PANELS, PERSON_SEARCH_FIELDS
from kontor.core.registry import Module, register
from kontor.leads.dropdown_lists import LEAD_STAGE, LEAD_STATUS
from kontor.leads.lifecycle import stage_history
from kontor.leads.models import Lead


@register
class LeadModule(Module):
    model = Lead
    slug = "leads"
    order = 40
    icon = "person-plus"
    suggest_columns = ("account_name", "email1", "lifecycle_stage", "assigned_user")
    go_key = "l"
    list_columns = (
        "last_name",
        "first_name",
        "account_name",
        "email1",
        "status",
        "lifecycle_stage",
        "assigned_user",
        "date_entered",
    )
    extra_columns = (
        "title",
        "phone_work",
        "phone_mobile",
        "primary_address_city",
        "lead_source",
        "opportunity_amount",
        "date_modified",
    )
    search_fields = PERSON_SEARCH_FIELDS
    filters = (
        "status",
        "lifecycle_stage",
        "lead_source",
        "assigned_user",
        "date_entered",
        "account",
    )
    mass_update_fields = ("assigned_user", "status", "lifecycle_stage", "lead_source")
    panels = (
        (PERSON_PANELS[0][0], PERSON_PANELS[0][1] + ("account_name", "website")),
        (
            _("Qualification"),
            (
                "status",
                "status_description",
                "lifecycle_stage",
                "lead_source_description",
                "refered_by",
                "opportunity_name",
                "opportunity_amount",
                "account_description",
            ),
        ),
        *PERSON_PANELS[1:],
    )
    header_fields = (
        "assigned_user",
        "status",
        "opportunity_amount",
        "next_activity",
        "email1",
        "phone_work",
        "phone_mobile",
    )
    path_field = "lifecycle_stage"
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK, "marketing": EVERYTHING}
    dropdowns = (LEAD_STATUS, LEAD_STAGE)
    demo_factory = "kontor.leads.demo.create_leads"
    # After the contacts (a lead may be referred by one), before the deals.
    demo_order = 25
    api_example = {"last_name": "Schmidt", "first_name": "Anna", "email1": "anna-leads@web.de"}

    def path_entered(self, record) -> dict:
        """When the lead last entered each lifecycle stage (from the change log)."""
        return {s["key"]: s["entered"] for s in stage_history(record) if s["entered"]}
