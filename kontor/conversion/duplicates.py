"""Duplicate suggestions before a conversion creates a contact or an account (docs/domain.md §5).

Each looks records up through exact, indexed keys only (normalized e-mail, E.164 phones, last
name; the account's name key and web domain), so it stays fast against a million rows
(docs/performance.md rule 9); every lookup goes through the permission filter.
"""

from django.db.models import Q

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.matching import company_key, domain_of

LIMIT = 5


def _strongest_first(queryset, matches: list[Q], limit: int) -> list:
    """Up to `limit` records, those of the surest kind of match first: one small indexed query
    per kind, so namesakes can never crowd out the record with the same e-mail."""
    found: dict = {}
    for match in matches:
        if len(found) >= limit:
            break
        for record in queryset.filter(match).order_by("-date_modified", "pk")[:limit]:
            found.setdefault(record.pk, record)
    return list(found.values())[:limit]


def similar_contacts(lead, user, limit: int = LIMIT) -> list[Contact]:
    """Contacts with the lead's e-mail, then its phone, then the same first and last name."""
    matches = []
    emails = [e for e in (lead.email1, lead.email2) if e]
    if emails:
        matches.append(Q(email1__in=emails))
    phones = [p for p in (lead.phone_work_e164, lead.phone_mobile_e164) if p]
    if phones:
        matches.append(Q(phone_work_e164__in=phones) | Q(phone_mobile_e164__in=phones))
    if lead.last_name:
        matches.append(Q(last_name=lead.last_name, first_name=lead.first_name))
    queryset = Contact.objects.visible_to(user, "view").select_related("account")
    return _strongest_first(queryset, matches, limit)


def similar_accounts(lead, user, limit: int = LIMIT) -> list[Account]:
    """Accounts named like the lead's company (legal form ignored), then on its web domain."""
    matches = []
    key = company_key(lead.account_name)
    if key:
        matches.append(Q(name_key=key))
    domains = list({domain_of(lead.website), domain_of(lead.email1)} - {""})
    if domains:
        matches.append(Q(domain__in=domains))
    return _strongest_first(Account.objects.visible_to(user, "view"), matches, limit)
