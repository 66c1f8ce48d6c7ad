"""The Opportunities module declaration."""

from django.utils.translation import gettext_lazy as _

from kontor.core import dropdowns
from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.records.tables import link_texts
from kontor.core.registry import Module, register
from kontor.opportunities.dropdown_lists import (
    FORECAST_CATEGORY,
    OPPORTUNITY_RELATIONSHIP_TYPE,
    OPPORTUNITY_TYPE,
    SALES_STAGE,
)
from kontor.opportunities.forms import OpportunityForm
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.opportunities.views import ContactLinkView


@register
class OpportunityModule(Module):
    model = Opportunity
    slug = "opportunities"
    order = 30
    icon = "graph-up-arrow"
    suggest_columns = ("account", "sales_stage", "assigned_user")
    suggest_via = ("account",)
    go_key = "o"
    list_columns = ("name", "account", "sales_stage", "amount", "date_closed", "assigned_user")
    extra_columns = (
        "probability",
        "forecast_category",
        "opportunity_type",
        "lead_source",
        "next_step",
        "date_entered",
        "date_modified",
    )
    search_fields = ("name", "next_step")
    filters = (
        "sales_stage",
        "forecast_category",
        "opportunity_type",
        "lead_source",
        "assigned_user",
        "date_closed",
        "date_entered",
        "account",
    )
    default_sort = "date_closed"
    mass_update_fields = ("assigned_user", "sales_stage", "date_closed", "opportunity_type")
    panels = (
        (
            _("Overview"),
            (
                "name",
                "account",
                "amount",
                "currency",
                "date_closed",
                "sales_stage",
                "probability",
                "forecast_category",
                "opportunity_type",
                "assigned_user",
            ),
        ),
        (_("More information"), ("lead_source", "campaign_name", "next_step", "description")),
    )
    form_class = OpportunityForm
    detail_template = "opportunities/detail.html"
    header_fields = ("assigned_user", "sales_stage", "amount", "date_closed", "next_activity")
    path_field = "sales_stage"
    path_terminal = ("Closed Won", "Closed Lost")
    extra_urls = (("<uuid:pk>/contacts/", ContactLinkView, "contacts"),)
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK}
    dropdowns = (SALES_STAGE, FORECAST_CATEGORY, OPPORTUNITY_TYPE, OPPORTUNITY_RELATIONSHIP_TYPE)
    demo_factory = "kontor.opportunities.demo.create_opportunities"
    api_example = {
        "name": "Lizenzen",
        "amount": "1200.00",
        "date_closed": "2027-03-01",
        "sales_stage": "Prospecting",
    }

    def get_api_example(self, actor) -> dict:
        """The example with the account an opportunity needs, created as `actor`."""
        from kontor.core.actions import save_record

        Account = self.model._meta.get_field("account").related_model  # noqa: N806
        account = save_record(Account(name="Käufer AG"), actor=actor)
        return {**self.api_example, "account": str(account.pk)}

    def detail_context(self, record, user) -> dict:
        from kontor.contacts.models import Contact

        visible = Contact.objects.visible_to(user, "view")
        links = list(
            OpportunityContact.objects.filter(opportunity=record, contact__in=visible)
            .select_related("contact", "contact__account")
            .order_by("contact__last_name")
        )
        contacts = link_texts(user, [link.contact for link in links], "account")
        return {
            "contact_links": [
                {
                    "contact": contact,
                    "role": dropdowns.label("opportunity_relationship_type_dom", link.contact_role),
                }
                for link, contact in zip(links, contacts, strict=True)
            ],
            "contact_roles": dropdowns.choices("opportunity_relationship_type_dom"),
        }
