"""Duplicate suggestions before a conversion creates a contact or an account (DOMAIN.md §5).

Each looks records up through exact, indexed keys only (normalized e-mail, E.164 phones, last
name; the account's name key and web domain), so it stays fast against a million rows
(PERFORMANCE.md rule 9); every lookup goes through the permission filter.
"""

from django.db.models import Q

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.matching import company_key, domain_of

LIMIT = 5


def similar_contacts(lead, user, limit: int = LIMIT) -> list[Contact]:
    """Contacts with the lead's e-mail or phone, or the same first and last name."""
    match = Q()
    for email in filter(None, (lead.email1, lead.email2)):
        match |= Q(email1=email)
    for phone in filter(None, (lead.phone_work_e164, lead.phone_mobile_e164)):
        match |= Q(phone_work_e164=phone) | Q(phone_mobile_e164=phone)
    if lead.last_name:
        match |= Q(last_name=lead.last_name, first_name=lead.first_name)
    if not match:
        return []
    found = (Contact.objects.visible_to(user, "view").filter(match)
             .select_related("account").order_by("-date_modified", "pk")[:limit])
    return list(found)


def similar_accounts(lead, user, limit: int = LIMIT) -> list[Account]:
    """Accounts named like the lead's company (legal form ignored) or on its web domain."""
    match = Q()
    key = company_key(lead.account_name)
    if key:
        match |= Q(name_key=key)
    for domain in {domain_of(lead.website), domain_of(lead.email1)} - {""}:
        match |= Q(domain=domain)
    if not match:
        return []
    return list(Account.objects.visible_to(user, "view").filter(match)
                .order_by("-date_modified", "pk")[:limit])
