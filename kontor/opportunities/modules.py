"""The Opportunities module declaration."""

from django.utils.translation import gettext_lazy as _

from kontor.core.registry import Module, register
from kontor.opportunities.models import Opportunity


@register
class OpportunityModule(Module):
    model = Opportunity
    slug = "opportunities"
    order = 30
    icon = "graph-up-arrow"
    list_columns = ("name", "account", "sales_stage", "amount", "date_closed",
                    "assigned_user")
    extra_columns = ("probability", "opportunity_type", "lead_source", "next_step",
                     "date_entered", "date_modified")
    search_fields = ("name", "next_step")
    filters = ("sales_stage", "opportunity_type", "lead_source", "assigned_user",
               "date_closed", "date_entered", "account")
    default_sort = "date_closed"
    mass_update_fields = ("assigned_user", "sales_stage", "date_closed", "opportunity_type")
    panels = (
        (_("Overview"), ("name", "account", "amount", "currency", "date_closed",
                         "sales_stage", "probability", "opportunity_type", "assigned_user")),
        (_("More information"), ("lead_source", "campaign_name", "next_step", "description")),
    )
