"""Writes of the mailboxes app: mailbox settings, the mails a poll stores, and what people do
with received mail (create a lead from an unmatched one, dismiss it, mark it private).

Each is one transaction. A poll's batch (`store_batch`) locks its mailbox row, so two workers
polling the same mailbox store each message once; `MailboxMessage`'s unique key says so too.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.core import permissions, sealing
from kontor.core.actions import save_record
from kontor.core.admin_log import log_admin_change
from kontor.emails.models import Email, EmailAttachment, EmailLink
from kontor.leads.models import Lead
from kontor.mailboxes import imap
from kontor.mailboxes.matching import Match
from kontor.mailboxes.models import SEAL_PURPOSE, Mailbox, MailboxMessage
from kontor.mailboxes.parsing import ParsedMail

_AUDITED = ("name", "email_address", "host", "port", "security", "username", "folder", "active")


def connection_settings(mailbox: Mailbox, password: str | None = None) -> imap.Settings:
    """The IMAP settings of `mailbox`, with `password` or else its stored one unsealed."""
    if password is None:
        password = sealing.unseal(mailbox.password, purpose=SEAL_PURPOSE) or ""
    return imap.Settings(
        mailbox.host, mailbox.port, mailbox.security, mailbox.username, password, mailbox.folder
    )


#: What the stored password was given for: with any of these changed it is asked for again
_SERVER = ("host", "port", "username")


def _require_password_for_new_server(mailbox: Mailbox, password: str | None) -> None:
    """Refuse to send the stored password anywhere but the server and user it was given for
    (an administrator pointing a mailbox at another host would otherwise receive it)."""
    if password:
        return
    stored = Mailbox.objects.filter(pk=mailbox.pk).values(*_SERVER).first()
    if stored and any(stored[field] != getattr(mailbox, field) for field in _SERVER):
        raise ValidationError(
            {"password": _("Enter the password again: the server, port or user name changed.")}
        )


def check_connection(mailbox: Mailbox, password: str | None = None) -> None:
    """Sign in to `mailbox` and open its folder; ValidationError with the reason otherwise."""
    _require_password_for_new_server(mailbox, password)
    try:
        with imap.connect(connection_settings(mailbox, password)):
            pass
    except imap.MailboxError as error:
        raise ValidationError(error.message) from error


def save_mailbox(mailbox: Mailbox, *, password: str = "", actor) -> Mailbox:
    """Create or change `mailbox` after checking that it can be read; `password` empty keeps
    the stored one. Invalid settings or a failed sign-in raise ValidationError, nothing saved."""
    if not password and not mailbox.password:
        raise ValidationError({"password": _("Enter the password.")})
    _require_password_for_new_server(mailbox, password)
    mailbox.full_clean(exclude=["password", "last_error_params"])
    if mailbox.active:
        check_connection(mailbox, password or None)
    old = {}
    if not mailbox._state.adding:
        old = Mailbox.objects.filter(pk=mailbox.pk).values(*_AUDITED).first() or {}
    if password:
        mailbox.password = sealing.seal(password, purpose=SEAL_PURPOSE)
    with transaction.atomic():
        mailbox.last_error, mailbox.last_error_params = "", {}
        mailbox.save()
        changed = {f: [old.get(f, ""), getattr(mailbox, f)] for f in _AUDITED}
        changed = {f: [str(a), str(b)] for f, (a, b) in changed.items() if a != b}
        if password:
            changed["password"] = ["", "(changed)"]
        log_admin_change(
            actor=actor,
            area="mailboxes",
            target=mailbox.email_address,
            summary=gettext_noop("Mailbox saved"),
            detail={"changes": changed},
        )
    return mailbox


def delete_mailbox(mailbox: Mailbox, *, actor) -> None:
    """Remove `mailbox` and its bookkeeping; the e-mails it brought in stay on their records."""
    with transaction.atomic():
        log_admin_change(
            actor=actor,
            area="mailboxes",
            target=mailbox.email_address,
            summary=gettext_noop("Mailbox deleted"),
        )
        mailbox.delete()


#: A poll's claim lapses after this long (a worker that died mid-poll blocks nobody for longer)
POLL_LEASE = timedelta(minutes=30)


def claim_poll(mailbox: Mailbox) -> bool:
    """Claim `mailbox` for one poll; False when another poll of it is running (compare and set,
    so of two workers one gets it)."""
    now = timezone.now()
    free = Q(polling_since__isnull=True) | Q(polling_since__lt=now - POLL_LEASE)
    return bool(Mailbox.objects.filter(free, pk=mailbox.pk).update(polling_since=now))


def record_poll(mailbox: Mailbox, *, error: imap.MailboxError | None = None) -> None:
    """Remember when `mailbox` was polled and why it failed (None: it did not), the reason
    untranslated with its parameters (`Mailbox.error_message` translates it for the reader)."""
    now = timezone.now()
    values = {
        "last_polled_at": now,
        "polling_since": None,
        "last_error": "",
        "last_error_params": {},
    }
    if error is not None:
        values.update(last_error=error.text, last_error_params=error.params, last_error_at=now)
    Mailbox.objects.filter(pk=mailbox.pk).update(**values)


def store_batch(
    mailbox: Mailbox,
    mails: list[tuple[int, ParsedMail | None, Match | None]],
    *,
    uidvalidity: int,
    last_uid: int,
) -> int:
    """Store the received `mails` of one batch — (uid, parsed mail, its match), or (uid, None,
    None) for one known already — and move the mailbox's bookmark to `last_uid`. The number
    of e-mails stored."""
    stored = 0
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        keys = [mail.key for _uid, mail, _m in mails if mail is not None]
        known = set(
            MailboxMessage.objects.filter(mailbox=locked, message_key__in=keys).values_list(
                "message_key", flat=True
            )
        )
        for uid, mail, found in mails:
            if mail is None or mail.key in known:
                continue
            known.add(mail.key)
            email = _store(locked, mail, found)
            MailboxMessage.objects.create(
                mailbox=locked,
                message_key=mail.key,
                uid=uid,
                email_id=email.pk,
                state=MailboxMessage.LINKED if found.records else MailboxMessage.UNMATCHED,
            )
            stored += 1
        if locked.uidvalidity != uidvalidity:
            locked.uidvalidity, locked.last_uid = uidvalidity, last_uid
        else:
            locked.last_uid = max(locked.last_uid, last_uid)
        locked.save(update_fields=["uidvalidity", "last_uid"])
    mailbox.uidvalidity, mailbox.last_uid = locked.uidvalidity, locked.last_uid
    return stored


def _store(mailbox: Mailbox, mail: ParsedMail, found: Match) -> Email:
    notes = "\n".join(f"[{note}]" for note in mail.notes)
    email = Email(
        name=mail.subject[:255],
        date_sent=mail.date_sent or timezone.now(),
        type="inbound",
        status="unread",
        from_addr=mail.from_addr[:320],
        from_name=mail.from_name[:255],
        to_addrs=", ".join(mail.to),
        cc_addrs=", ".join(mail.cc),
        reply_to_addr=mail.reply_to,
        description=(mail.text + ("\n\n" + notes if notes else ""))[:1_000_000],
        description_html=mail.html,
        message_id=mail.message_id,
        in_reply_to=mail.in_reply_to,
        mailbox_id=mailbox.pk,
        private=mailbox.personal and mailbox.private_default,
        assigned_user_id=mailbox.owner_id,
    )
    email.thread_id = found.thread_id or email.pk
    if found.records:
        email.parent_type_id, email.parent_id = found.records[0]
    save_record(email, actor=None)
    EmailLink.objects.bulk_create(
        [EmailLink(email=email, content_type_id=ct, object_id=pk) for ct, pk in found.records],
        ignore_conflicts=True,
    )
    files = []
    for part in mail.attachments:
        attachment = EmailAttachment(
            email=email, filename=part.filename, mime_type=part.mime_type, size=len(part.content)
        )
        attachment.file.save(part.filename, ContentFile(part.content), save=False)
        files.append(attachment)
    EmailAttachment.objects.bulk_create(files)
    return email


# --- What people do with received mail ------------------------------------------------------


def may_use(user, mailbox: Mailbox) -> bool:
    """Whether `user` works the unmatched mail of `mailbox`: a personal one's owner; for a
    shared one, whoever may create leads."""
    if mailbox.personal:
        return mailbox.owner_id == user.pk
    return permissions.can(user, "create", Lead)


def usable_q(user) -> Q:
    """The `MailboxMessage`s whose mailbox `user` works (as `may_use` says)."""
    mine = Q(mailbox__owner=user)
    if permissions.can(user, "create", Lead):
        return mine | Q(mailbox__owner__isnull=True)
    return mine


def create_lead(message: MailboxMessage, *, actor) -> Lead:
    """A lead made from the sender of the unmatched `message`, with the mail linked to it."""
    if not may_use(actor, message.mailbox) or not permissions.can(actor, "create", Lead):
        raise PermissionDenied
    email = Email.objects.filter(pk=message.email_id).first()
    if email is None:  # moved to the trash since the inbox was loaded
        raise ValidationError(_("This e-mail was deleted meanwhile."))
    first, _sep, last = email.from_name.strip().rpartition(" ")
    if not last:
        last = email.from_addr.split("@")[0]
    lead = Lead(
        first_name=first[:100],
        last_name=last[:100],
        email1=email.from_addr,
        lead_source="Email",
        assigned_user=actor,
    )
    with transaction.atomic():
        locked = MailboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.state != MailboxMessage.UNMATCHED:
            raise ValidationError(_("This e-mail has been handled already."))
        save_record(lead, actor=actor)
        content_type = ContentType.objects.get_for_model(Lead)
        EmailLink.objects.get_or_create(email=email, content_type=content_type, object_id=lead.pk)
        email.parent_type, email.parent_id = content_type, lead.pk
        save_record(email, actor=actor)
        locked.state = MailboxMessage.LINKED
        locked.save(update_fields=["state"])
    return lead


def dismiss(message: MailboxMessage, *, actor) -> None:
    """Hide the unmatched `message` from the inbox (the e-mail itself stays)."""
    if not may_use(actor, message.mailbox):
        raise PermissionDenied
    MailboxMessage.objects.filter(pk=message.pk, state=MailboxMessage.UNMATCHED).update(
        state=MailboxMessage.DISMISSED
    )


def set_private(email: Email, private: bool, *, actor) -> Email:
    """Mark a received mail private (its owner alone sees it) or visible with its records;
    only its owner may."""
    if email.assigned_user_id != actor.pk:
        raise PermissionDenied
    email.private = private
    return save_record(email, actor=actor)
