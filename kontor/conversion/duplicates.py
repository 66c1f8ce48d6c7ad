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
             .select_related("account").order_by("-date_modified", "pk")[: limit * 4])
    emails = {lead.email1, lead.email2} - {""}
    phones = {lead.phone_work_e164, lead.phone_mobile_e164} - {""}

    def strength(c):  # the same e-mail is surer than the same phone, that than the same name
        return (c.email1 in emails) * 4 + bool({c.phone_work_e164, c.phone_mobile_e164}
                                              & phones) * 2

    return sorted(found, key=strength, reverse=True)[:limit]


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
    found = (Account.objects.visible_to(user, "view").filter(match)
             .order_by("-date_modified", "pk")[: limit * 4])
    # The same name is surer than the same web domain (a group has many companies on one).
    return sorted(found, key=lambda a: bool(key) and a.name_key == key, reverse=True)[:limit]
