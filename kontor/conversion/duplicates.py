"""Duplicate suggestions before a conversion creates a contact or an account (docs/domain.md §5).

Each looks records up through exact, indexed keys only (normalized e-mail, E.164 phones, last
name; the account's name key and web domain), so it stays fast against a million rows
(docs/performance.md rule 9); every lookup goes through the permission filter.

The conversion form pre-selects the first suggestion, so the order matters. Contacts: the
surest kind of match first, then the most recently changed. Accounts: the surest kind of match
(same name without legal form, then same web domain); within a kind, the exact name the lead
gives first (case and surrounding spaces aside), then the account with the most history (its
contacts, opportunities and activities the user may see, trash left out), then the most
recently changed, then the id. So of "Grow-Fast Inc" with years of history and an empty
"Grow-Fast Inc." entered yesterday, the first is proposed.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core import permissions
from kontor.core.matching import company_key, domain_of
from kontor.opportunities.models import Opportunity

LIMIT = 5
#: Accounts of one kind of match whose history is weighed, at most (the most recently changed).
CANDIDATES = 20


def _strongest_first(queryset, matches: list[Q], limit: int, rank=None, fetch=None) -> list:
    """Up to `limit` records, those of the surest kind of match first: one small indexed query
    per kind, so namesakes can never crowd out the record with the same e-mail. Within a kind
    the newest come first, or the `fetch` newest are ordered by `rank(record)` (ascending)."""
    found: dict = {}
    for match in matches:
        if len(found) >= limit:
            break
        records = list(queryset.filter(match).order_by("-date_modified", "pk")[: fetch or limit])
        if rank is not None:
            records.sort(key=rank)  # stable: equal ranks stay newest first
        for record in records:
            found.setdefault(record.pk, record)
    return list(found.values())[:limit]


def _count(rows, **link) -> Coalesce:
    """The number of `rows` linked to the outer account (a subquery)."""
    rows = rows.filter(**link).order_by().values(*link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _with_history(queryset, user):
    """Accounts annotated with `history`: the contacts, opportunities and activities of each
    that `user` may see (the permission filter counts too), in the same query."""
    kind = ContentType.objects.get_for_model(Account)
    counts = [Value(0)]
    for model, link in (
        (Contact, {"account": OuterRef("pk")}),
        (Opportunity, {"account": OuterRef("pk")}),
        *(
            (m, {"parent_type": kind, "parent_id": OuterRef("pk")})
            for m in (Call, Meeting, Task, Note)
        ),
    ):
        if permissions.can(user, "view", model):
            counts.append(_count(model.objects.visible_to(user, "view"), **link))
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return queryset.annotate(history=total)


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
    exact = (lead.account_name or "").strip().casefold()

    def rank(account):
        return (account.name.strip().casefold() != exact, -account.history)

    queryset = _with_history(Account.objects.visible_to(user, "view"), user)
    return _strongest_first(queryset, matches, limit, rank=rank, fetch=CANDIDATES)
