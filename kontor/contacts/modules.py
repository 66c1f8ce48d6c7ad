"""The Contacts module declaration."""

from django.utils.translation import gettext_lazy as _

from kontor.contacts.models import Contact
from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.people import PERSON_PANELS
from kontor.core.registry import Module, Subpanel, register


@register
class ContactModule(Module):
    model = Contact
    slug = "contacts"
    order = 20
    icon = "person"
    suggest_columns = ("account", "email1", "assigned_user")
    suggest_via = ("account",)  # "Brennholz" finds the contacts of Brennholz AG
    go_key = "c"
    list_columns = ("last_name", "first_name", "account", "email1", "phone_work", "assigned_user")
    extra_columns = (
        "title",
        "phone_mobile",
        "primary_address_city",
        "lead_source",
        "date_entered",
        "date_modified",
    )
    search_fields = ("first_name", "last_name", "email1", "phone_work", "phone_mobile")
    filters = ("lead_source", "assigned_user", "date_entered", "account")
    default_sort = "last_name"
    mass_update_fields = ("assigned_user", "lead_source", "email_opt_out", "do_not_call")
    panels = (
        (PERSON_PANELS[0][0], PERSON_PANELS[0][1] + ("account", "reports_to")),
        *PERSON_PANELS[1:],
    )
    subpanels = (
        Subpanel("opportunities", "contacts"),
        Subpanel("contacts", "reports_to", _("Direct reports")),
    )
    header_fields = (
        "assigned_user",
        "account",
        "title",
        "next_activity",
        "email1",
        "phone_work",
        "phone_mobile",
    )
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK}
    demo_factory = "kontor.contacts.demo.create_contacts"
    api_example = {"last_name": "Schmidt", "first_name": "Anna", "email1": "anna-contacts@web.de"}
