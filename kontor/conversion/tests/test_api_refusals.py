"""The conversion API's refusal of a second conversion: the 409 names the earlier result only
when the caller may see it, as the conversion page links it only then."""

from kontor.api.tests.conftest import token_client
from kontor.contacts.models import Contact
from kontor.conversion.actions import convert_lead
from kontor.conversion.tests.helpers import snapshot
from kontor.core.actions import save_record
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user


def test_a_second_conversion_does_not_name_a_contact_the_caller_may_not_see(rep, admin):
    sam = create_user("sam", password="pw-sam-123!", roles=["sales_rep"])
    lead = LeadFactory(actor=sam, last_name="Lorenz")
    contact = convert_lead(lead, actor=sam, new_contact={}, new_account={}).contact
    contact = Contact.objects.get(pk=contact.pk)
    contact.assigned_user = admin
    save_record(contact, actor=admin)
    assert not Contact.objects.visible_to(sam, "view").filter(pk=contact.pk).exists()
    sam_api, rep_api = token_client(sam), token_client(rep)  # tokens are audited: before
    before = snapshot(lead, contact)

    hidden = sam_api.post(f"/api/v1/leads/{lead.pk}/convert/", {}, format="json")
    shown = rep_api.post(f"/api/v1/leads/{lead.pk}/convert/", {}, format="json")

    assert (hidden.status_code, hidden.json()["existing"]) == (409, None)
    assert (shown.status_code, shown.json()["existing"]) == (409, str(contact.pk))
    assert snapshot(lead, contact) == before
