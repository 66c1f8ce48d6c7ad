"""The Accounts module declaration."""

from django.utils.translation import gettext_lazy as _

from kontor.accounts.dropdown_lists import ACCOUNT_TYPE, INDUSTRY
from kontor.accounts.models import Account
from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.registry import Module, Subpanel, register


@register
class AccountModule(Module):
    model = Account
    slug = "accounts"
    order = 10
    icon = "building"
    suggest_columns = ("billing_address_city", "account_type", "assigned_user")
    go_key = "a"
    list_columns = (
        "name",
        "billing_address_city",
        "account_type",
        "phone_office",
        "assigned_user",
        "date_entered",
    )
    extra_columns = (
        "industry",
        "email1",
        "website",
        "billing_address_country",
        "parent",
        "date_modified",
    )
    search_fields = ("name", "email1", "website", "phone_office", "billing_address_city")
    filters = ("account_type", "industry", "assigned_user", "date_entered", "parent")
    default_sort = "name"
    mass_update_fields = ("assigned_user", "account_type", "industry")
    panels = (
        (
            _("Overview"),
            (
                "name",
                "account_type",
                "industry",
                "website",
                "email1",
                "phone_office",
                "phone_alternate",
                "phone_fax",
                "parent",
                "assigned_user",
            ),
        ),
        (
            _("More information"),
            ("annual_revenue", "employees", "ownership", "rating", "description"),
        ),
        (
            _("Billing address"),
            (
                "billing_address_street",
                "billing_address_postalcode",
                "billing_address_city",
                "billing_address_state",
                "billing_address_country",
            ),
        ),
        (
            _("Shipping address"),
            (
                "shipping_address_street",
                "shipping_address_postalcode",
                "shipping_address_city",
                "shipping_address_state",
                "shipping_address_country",
            ),
        ),
    )
    subpanels = (
        Subpanel("contacts", "account"),
        Subpanel("leads", "account"),
        Subpanel("opportunities", "account"),
        Subpanel("accounts", "parent", _("Member organisations")),
    )
    header_fields = (
        "assigned_user",
        "account_type",
        "industry",
        "next_activity",
        "email1",
        "phone_office",
        "website",
    )
    # The calls, meetings, tasks and notes of its people and deals belong on its page too.
    activity_sources = (("contacts", "account"), ("opportunities", "account"))
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK}
    dropdowns = (ACCOUNT_TYPE, INDUSTRY)
    demo_factory = "kontor.accounts.demo.create_accounts"
    api_example = {"name": "Müller GmbH"}
