"""Sending an e-mail from Kontor: the one action the compose page, the API and any other path
call (docs/email.md).

`send_email` validates the recipients (address syntax; a person who opted out of e-mail or whose
address is marked invalid is refused, and nothing is stored or sent), then in one transaction
stores the Email (type "out", status "queued"), links it to the record written from and that
record's chain (a contact's account, an opportunity's account and contacts, a lead's account and
converted contact), keeps its attachments and hands the message to the outbox
(kontor.emails.outbox.send_once). When the outbox has sent it, or given up, `record_outcome`
sets the status to "sent" or "send_error".
"""

import html
import mimetypes
from dataclasses import dataclass, field
from email.utils import parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import registry
from kontor.core.actions import save_record
from kontor.core.admin_log import log_admin_change
from kontor.core.people import Person
from kontor.emails import outbox
from kontor.emails.models import Email, EmailAttachment, EmailLink, OutgoingMail, SenderIdentity

KEY_PREFIX = "email:"
#: The records of a record's chain an e-mail is also logged on: single links, then many
CHAIN_FIELDS = ("account", "contact")
CHAIN_MANY = ("contacts",)


@dataclass
class Attachment:
    """A file to send: its name, bytes and MIME type (from an upload or the API)."""

    filename: str
    content: bytes
    mime_type: str = ""


@dataclass
class Outgoing:
    """What the sender wrote: recipients as typed (comma-separated), subject, text, and
    optionally an HTML part (made from the text when empty) and attachments."""

    to: str
    subject: str
    body: str
    cc: str = ""
    bcc: str = ""
    body_html: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def addresses(text: str) -> list[str]:
    """The addresses of a recipients field ("a@x.de, b@y.com; c@z.org")."""
    parts = (p.strip() for p in (text or "").replace(";", ",").split(","))
    return [p for p in parts if p]


def _one_line(text: str) -> bool:
    """Whether `text` fits in a mail header: a line break there would end the header."""
    return "\n" not in text and "\r" not in text


def _validate(mail: Outgoing, parent, actor) -> dict[str, list]:
    errors: dict[str, list] = {}
    for name, text in (("to", mail.to), ("cc", mail.cc), ("bcc", mail.bcc)):
        for address in addresses(text):
            try:
                validate_email(address)
            except ValidationError:
                message = _("%(address)s is not a valid e-mail address.") % {"address": address}
                errors.setdefault(name, []).append(message)
    if not addresses(mail.to) and "to" not in errors:
        errors["to"] = [_("Enter at least one recipient.")]
    if not mail.subject.strip():
        errors["subject"] = [_("Enter a subject.")]
    elif not _one_line(mail.subject):
        errors["subject"] = [_("The subject must be on one line.")]
    limit = settings.FILE_UPLOAD_MAX_SIZE
    if sum(len(a.content) for a in mail.attachments) > limit:
        errors["attachments"] = [
            _("The attachments are too large: at most %(size)s together.")
            % {"size": filesizeformat(limit)}
        ]
    if not errors:
        for name, refusals in _refused_people(mail, parent, actor).items():
            errors.setdefault(name, []).extend(refusals)
    return errors


def _refused_people(mail: Outgoing, parent, actor) -> dict[str, list]:
    """Recipients a person record says not to write to: opted out, or address invalid. The
    reason is named only for a person `actor` may see; for a hidden one the refusal says
    nothing about them."""
    by_field = {
        name: {a.lower() for a in addresses(text)}
        for name, text in (("to", mail.to), ("cc", mail.cc), ("bcc", mail.bcc))
    }
    wanted = set().union(*by_field.values())
    refused: dict[str, tuple[int, str]] = {}  # address: (rank, message); the lowest rank wins

    def refuse(address: str, rank: int, message: str) -> None:
        if address not in refused or rank < refused[address][0]:
            refused[address] = (rank, message % {"address": address})

    for module in registry.modules():
        if not issubclass(module.model, Person):
            continue
        rows = list(
            module.model.objects.filter(Q(email1__in=wanted) | Q(email2__in=wanted))
            .filter(Q(email_opt_out=True) | Q(invalid_email=True))
            .values_list("pk", "email1", "email2", "email_opt_out")
        )
        if not rows:
            continue
        visible = set(
            module.model.objects.visible_to(actor, "view")
            .filter(pk__in=[row[0] for row in rows])
            .values_list("pk", flat=True)
        )
        for pk, email1, email2, opted_out in rows:
            for address in {email1, email2} & wanted:
                if pk not in visible:
                    refuse(address, 2, _("E-mail to %(address)s is not possible."))
                elif opted_out:
                    refuse(address, 0, _("%(address)s has opted out of e-mail."))
                else:
                    refuse(address, 1, _("%(address)s is marked as an invalid address."))
    if isinstance(parent, Person) and parent.email_opt_out:
        for address in {a for a in (parent.email1, parent.email2) if a} & wanted:
            refuse(address, 0, _("%(address)s has opted out of e-mail."))
    out: dict[str, list] = {}
    for name, found in by_field.items():
        for address in sorted(found & refused.keys()):
            out.setdefault(name, []).append(refused[address][1])
    return out


def sender_allowed(actor, address: str) -> bool:
    """Whether `actor` may send as `address`: their own e-mail address, or one in the domain
    of Kontor's address (DEFAULT_FROM_EMAIL), which the installation's SPF and DKIM cover.
    Any other address would be a forged From and envelope sender."""
    address = address.strip().lower()
    if not address:
        return True
    if actor.email and address == actor.email.strip().lower():
        return True
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()
    return bool(domain) and address.rpartition("@")[2] == domain


def save_sender(identity: SenderIdentity, *, actor) -> SenderIdentity:
    """Save `actor`'s own sender settings (`identity.user` is `actor`), logged in the
    change log. ValidationError on the field when the address is not theirs to send as or
    the name has a line break; then nothing is saved."""
    errors: dict[str, list] = {}
    if not _one_line(identity.from_name):
        errors["from_name"] = [_("The sender name must be on one line.")]
    if not sender_allowed(actor, identity.from_address):
        errors["from_address"] = [
            _("Use your own address (%(own)s) or one at %(domain)s.")
            % {
                "own": actor.email or "-",
                "domain": parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2],
            }
        ]
    if errors:
        raise ValidationError(errors)
    identity.full_clean()
    fields = ("from_name", "from_address", "signature")
    old = {}
    if identity.pk:
        old = SenderIdentity.objects.filter(pk=identity.pk).values(*fields).first() or {}
    with transaction.atomic():
        identity.save()
        changed = {f: [old.get(f, ""), getattr(identity, f)] for f in fields}
        log_admin_change(
            actor=actor,
            area="email_sender",
            target=actor.get_username(),
            summary=gettext_noop("E-mail sender saved"),
            detail={"changes": {f: v for f, v in changed.items() if v[0] != v[1]}},
        )
    return identity


def sender_of(actor) -> tuple[str, list[str], str]:
    """(From, Reply-To, signature) of `actor`'s mail: their own sender address when set,
    else Kontor's (DEFAULT_FROM_EMAIL) in their name, with their address as Reply-To."""
    identity = SenderIdentity.objects.filter(user=actor).first()
    name = (identity and identity.from_name) or actor.get_full_name() or actor.username
    signature = identity.signature if identity else ""
    name = " ".join(name.replace('"', "").split())  # one line: a break would end the header
    if identity and identity.from_address and sender_allowed(actor, identity.from_address):
        return f'"{name}" <{identity.from_address}>', [], signature
    reply_to = [actor.email] if actor.email else []
    return f'"{name}" <{settings.DEFAULT_FROM_EMAIL}>', reply_to, signature


def text_to_html(text: str) -> str:
    """The HTML part made from a plain text: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n")]
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!DOCTYPE html><html><body style="font-family:sans-serif">{body}</body></html>'


def chain_of(record) -> list:
    """(model, id) of the records an e-mail to `record` is also logged on."""
    found = []
    for name in CHAIN_FIELDS:
        try:
            link = record._meta.get_field(name)
        except Exception:  # noqa: BLE001 - this record type has no such link
            continue
        pk = getattr(record, link.attname, None)
        if link.many_to_one and pk is not None:
            found.append((link.related_model, pk))
    for name in CHAIN_MANY:
        relation = getattr(record, name, None)
        if relation is not None and hasattr(relation, "values_list"):
            model = relation.model
            found += [(model, pk) for pk in relation.values_list("pk", flat=True)]
    return found


def send_email(mail: Outgoing, *, parent=None, actor) -> Email:
    """Store and send `mail` from `actor`, logged on `parent` (a record the caller checked
    `actor` may see) and its chain. ValidationError ({"to": […], "subject": […]}) when refused:
    then nothing is stored and nothing sent."""
    errors = _validate(mail, parent, actor)
    if errors:
        raise ValidationError(errors)
    from_addr, reply_to, signature = sender_of(actor)
    text = mail.body.rstrip()
    if signature.strip():
        text = f"{text}\n\n-- \n{signature.strip()}"
    body_html = mail.body_html or text_to_html(text)
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "kontor.localhost"
    message_id = make_msgid(domain=domain)
    email = Email(
        name=mail.subject.strip()[:255],
        type="out",
        status="queued",
        date_sent=timezone.now(),
        from_addr=from_addr.rpartition("<")[2].rstrip(">"),
        from_name=from_addr.partition('" <')[0].strip('"'),
        to_addrs=", ".join(addresses(mail.to)),
        cc_addrs=", ".join(addresses(mail.cc)),
        bcc_addrs=", ".join(addresses(mail.bcc)),
        reply_to_addr=", ".join(reply_to),
        description=text,
        description_html=body_html,
        message_id=message_id.strip("<>"),
        assigned_user=actor,
    )
    email.thread_id = email.pk
    email.outgoing_key = f"{KEY_PREFIX}{email.pk}"
    if parent is not None:
        email.parent_type = ContentType.objects.get_for_model(parent)
        email.parent_id = parent.pk
    message = EmailMultiAlternatives(
        subject=email.name,
        body=text,
        from_email=from_addr,
        to=addresses(mail.to),
        cc=addresses(mail.cc),
        bcc=addresses(mail.bcc),
        reply_to=reply_to,
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(body_html, "text/html")
    for item in mail.attachments:
        kind = item.mime_type or mimetypes.guess_type(item.filename)[0]
        message.attach(item.filename, item.content, kind or "application/octet-stream")
    with transaction.atomic():
        save_record(email, actor=actor)
        targets = [(type(parent), parent.pk), *chain_of(parent)] if parent is not None else []
        EmailLink.objects.bulk_create(
            [
                EmailLink(
                    email=email,
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=pk,
                )
                for model, pk in dict.fromkeys(targets)
            ]
        )
        for item in mail.attachments:
            stored = EmailAttachment(
                email=email,
                filename=item.filename[:255],
                mime_type=(item.mime_type or "")[:255],
                size=len(item.content),
            )
            stored.file.save(item.filename, ContentFile(item.content), save=False)
            stored.save()
        outbox.send_once(email.outgoing_key, message)
    return email


def record_outcome(mail: OutgoingMail) -> None:
    """The outbox's answer for an e-mail sent from Kontor: "sent", or "send_error" when it
    gave up (the reason stays on the outbox row, shown on the mail's page)."""
    status = "sent" if mail.status == OutgoingMail.Status.SENT else "send_error"
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(outgoing_key=mail.key).first()
        if email is None or email.status == status:
            return
        email.status = status
        if mail.sent_at:
            email.date_sent = mail.sent_at
        save_record(email, actor=None, validate=False)
