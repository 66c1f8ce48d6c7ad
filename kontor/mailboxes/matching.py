"""Which records a batch of received mails belongs to: by address and by thread.

By address: every address of From, To and Cc (minus the mailbox's own) against the e-mail
fields of leads, contacts and accounts, one query per record type for the whole batch, on
indexed columns only (`LowerEmailField`s are stored lower-cased, so the match is exact). A
person's `email2` is matched where its table indexes it; without an index a batch would scan
the whole table.

By thread: a reply names earlier mails in In-Reply-To and References; one query finds the
stored ones, whose thread the reply joins and whose records it is linked to as well (a reply
to a mail sent from a lead's page lands on that lead even from a new address).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.emails.models import Email, EmailLink
from kontor.leads.models import Lead
from kontor.mailboxes.parsing import ParsedMail

#: The record types matched by address, the surest first (the first match is the mail's parent)
MATCHED_MODELS = (Contact, Lead, Account)


def indexed_email_fields(model) -> tuple[str, ...]:
    """The e-mail columns of `model` that an index leads with."""
    indexed = {index.fields[0] for index in model._meta.indexes if index.fields}
    return tuple(f for f in ("email1", "email2") if f in indexed)


@dataclass
class Match:
    """What one mail was matched to: (content type id, record id) pairs, in order, and the
    thread it joins (None: it starts one)."""

    records: list[tuple[int, object]] = field(default_factory=list)
    thread_id: object = None
    #: the owner of the first matched record (used for personal-mailbox-less matches)
    primary: tuple[int, object] | None = None

    def add(self, pair) -> None:
        if pair not in self.records:
            self.records.append(pair)


def match(mails: list[ParsedMail], *, own_addresses=()) -> list[Match]:
    """A Match per mail of `mails`, in their order (one query per record type plus two for
    threads, whatever the batch size)."""
    own = {a.lower() for a in own_addresses if a}
    wanted = {a for mail in mails for a in mail.addresses} - own
    by_address: dict[str, list[tuple[int, object]]] = defaultdict(list)
    for model in MATCHED_MODELS:
        content_type = ContentType.objects.get_for_model(model)
        for field_name in indexed_email_fields(model):
            rows = model.objects.filter(**{f"{field_name}__in": wanted}).values_list(
                "id", field_name
            )
            for pk, address in rows.order_by("date_entered", "id"):
                pair = (content_type.pk, pk)
                if pair not in by_address[address]:
                    by_address[address].append(pair)
    threads = _threads(mails)
    matches = []
    for mail in mails:
        result = Match()
        for address in sorted(mail.addresses - own):
            for pair in by_address.get(address, ()):
                result.add(pair)
        for reference in (mail.in_reply_to, *mail.references):
            if reference in threads:
                thread_id, links = threads[reference]
                result.thread_id = result.thread_id or thread_id
                for pair in links:
                    result.add(pair)
        result.records.sort(key=lambda pair: _rank(pair[0]))
        result.primary = result.records[0] if result.records else None
        matches.append(result)
    return matches


def _rank(content_type_id: int) -> int:
    for position, model in enumerate(MATCHED_MODELS):
        if ContentType.objects.get_for_model(model).pk == content_type_id:
            return position
    return len(MATCHED_MODELS)


def _threads(mails: list[ParsedMail]) -> dict[str, tuple[object, list[tuple[int, object]]]]:
    """Message-ID → (thread id, linked records) of the stored mails the batch refers to."""
    referenced = {r for mail in mails for r in (mail.in_reply_to, *mail.references) if r}
    if not referenced:
        return {}
    found = {}
    for pk, message_id, thread_id in Email.objects.filter(message_id__in=referenced).values_list(
        "id", "message_id", "thread_id"
    ):
        found.setdefault(message_id, (pk, thread_id or pk))
    links = defaultdict(list)
    for email_id, content_type_id, object_id in EmailLink.objects.filter(
        email_id__in=[pk for pk, _t in found.values()]
    ).values_list("email_id", "content_type_id", "object_id"):
        links[email_id].append((content_type_id, object_id))
    return {mid: (thread_id, links[pk]) for mid, (pk, thread_id) in found.items()}
