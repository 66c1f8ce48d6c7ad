"""E-mail's tables: the outbox every mail Kontor sends goes through (kontor.emails.outbox), and
the e-mails logged on records (SuiteCRM's Emails module), with their links and attachments."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField
from kontor.core.models import AliveManager, Record, RecordQuerySet, record_indexes


class OutgoingMail(models.Model):
    """One message to send, under the key that identifies it to its sender (an invitation's
    meeting, invitee and version; a reminder and its user). The key is unique, so whatever
    asks twice for the same message stores, and sends, one."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=255, unique=True)
    sender = models.CharField(max_length=320)
    recipients = models.JSONField(default=list)
    subject = models.CharField(_("Subject"), max_length=255, blank=True)
    #: The message as the SMTP server receives it, Message-ID and Date included, so a retry
    #: sends the same bytes.
    content = models.BinaryField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Outgoing e-mail")
        verbose_name_plural = _("Outgoing e-mails")
        indexes = [
            # the periodic job's scan: due mail still to send
            models.Index(
                fields=["next_attempt_at"],
                name="outgoingmail_due",
                condition=models.Q(status="queued"),
            ),
        ]

    def __str__(self):
        return f"{self.key} ({self.status})"


# --- The e-mails logged on records (SuiteCRM's Emails module, names kept) -----------------------
# Helper modules (kontor.emails.actions, kontor.mailboxes) write them; the timeline, the e-mail
# pages and the API read them through `Email.objects.visible_to(user)`.


class EmailQuerySet(RecordQuerySet):
    def visible_to(self, user, action: str = "view"):
        """The e-mails `user` may `action`: those the role's scope on E-mails reaches, and for
        reading also those logged on a record the user may see; a private mail only its
        owner's."""
        from kontor.core import permissions

        own = Q(assigned_user=user) if user is not None and user.is_authenticated else Q(pk=None)
        reached = permissions.restrict(self, user, action)
        if action in ("view", "list", "access") and user is not None and user.is_authenticated:
            via = Q(pk=None)
            for model in LINKABLE_MODELS():
                if permissions.scope(user, "view", model) == "none":
                    continue
                records = model.objects.visible_to(user, "view").values("pk")
                ct = ContentType.objects.get_for_model(model)
                via |= Q(
                    Exists(
                        EmailLink.objects.filter(
                            email=OuterRef("pk"), content_type=ct, object_id__in=records
                        )
                    )
                )
            reached = self.filter(Q(pk__in=reached.values("pk")) | via)
        return reached.filter(Q(private=False) | own)


class EmailManager(AliveManager.from_queryset(EmailQuerySet)):
    pass


def LINKABLE_MODELS() -> list:  # noqa: N802 - read like a constant, computed once the registry is full
    """The record types an e-mail may be logged on: those with activities."""
    from kontor.core import catalog

    return [m.model for m in catalog.modules() if m.has_activities and not m.is_activity]


class Email(Record):
    """One e-mail sent from Kontor, received into a mailbox or archived by hand.

    Addresses are kept as written in the message (comma-separated); `description` is the
    plain-text part, `description_html` the HTML part as sent or received (sanitised with nh3
    only when shown). `message_id`, `in_reply_to` and `thread_id` thread replies; `parent_*`
    is the primary record, `EmailLink` every record the mail is logged on."""

    objects = EmailManager()

    #: Every status: an e-mail is never an open activity, it happened when it was sent
    CLOSED_STATUSES = ("sent", "send_error", "queued", "read", "unread", "archived", "draft")

    name = models.CharField(_("Subject"), max_length=255, blank=True)
    date_sent = models.DateTimeField(_("Date sent"), null=True, blank=True)
    type = DropdownField(_("Type"), dropdown="dom_email_types", default="out", blank=False)
    status = DropdownField(_("Status"), dropdown="dom_email_status", default="draft", blank=False)
    from_addr = models.CharField(_("From"), max_length=320, blank=True)
    from_name = models.CharField(_("From (name)"), max_length=255, blank=True)
    to_addrs = models.TextField(pgettext_lazy("email", "To"), blank=True)
    cc_addrs = models.TextField(_("Cc"), blank=True)
    bcc_addrs = models.TextField(_("Bcc"), blank=True)
    reply_to_addr = models.TextField(_("Reply-To"), blank=True)
    description_html = models.TextField(_("HTML body"), blank=True)
    #: The RFC 5322 Message-ID without the angle brackets
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    in_reply_to = models.CharField(_("In reply to"), max_length=998, blank=True)
    #: The id of the thread's first mail (its own id for a first mail)
    thread_id = models.UUIDField(_("Thread"), null=True, blank=True)
    parent_type = models.ForeignKey(
        ContentType,
        verbose_name=_("Related to (type)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    parent_id = models.UUIDField(_("Related to"), null=True, blank=True)
    parent = GenericForeignKey("parent_type", "parent_id")
    #: The inbound mailbox (kontor.mailboxes) it was fetched from; no foreign key, so the
    #: mailboxes app stays separate
    mailbox_id = models.UUIDField(_("Mailbox"), null=True, blank=True)
    private = models.BooleanField(_("Private"), default=False)
    #: The outbox key (OutgoingMail.key) of a mail sent from Kontor
    outgoing_key = models.CharField(max_length=255, blank=True, editable=False)

    # Record.description (20,000 characters) is too short for a received mail's text part.
    description = models.TextField(_("Text"), blank=True, max_length=1_000_000)

    class Meta(Record.Meta):
        verbose_name = _("E-mail")
        verbose_name_plural = _("E-mails")
        indexes = [
            models.Index(fields=["parent_type", "parent_id", "date_entered"], name="email_parent"),
            models.Index(fields=["message_id"], name="email_message_id"),
            models.Index(fields=["thread_id", "date_entered"], name="email_thread"),
            models.Index(fields=["outgoing_key"], name="email_outgoing_key"),
            *record_indexes("email", "date_sent", "name", "status", "date_entered"),
        ]

    def __str__(self):
        return self.name or gettext("(no subject)")

    def team_parents(self) -> list:
        parent = self.parent if self.parent_id else None
        return [parent] if parent is not None else []


class EmailLink(models.Model):
    """A record an e-mail is logged on (SuiteCRM's emails_beans): the primary record and its
    chain (a contact's account, an opportunity's account and contacts …)."""

    email = models.ForeignKey(Email, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.UUIDField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "content_type", "object_id"], name="emaillink_unique"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "email"], name="emaillink_record")
        ]

    def __str__(self):
        return f"{self.email_id} → {self.content_type_id}:{self.object_id}"


def attachment_upload_to(attachment, filename: str) -> str:
    return f"emails/{attachment.email_id}/{filename}"


class EmailAttachment(models.Model):
    """A file attached to an e-mail, sent or received."""

    email = models.ForeignKey(Email, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("File"), upload_to=attachment_upload_to, max_length=255)
    filename = models.CharField(_("File name"), max_length=255)
    mime_type = models.CharField(_("Type"), max_length=255, blank=True)
    size = models.PositiveIntegerField(_("Size"), default=0)

    class Meta:
        verbose_name = _("Attachment")
        verbose_name_plural = _("Attachments")

    def __str__(self):
        return self.filename


class EmailTemplate(models.Model):
    """A reusable e-mail (SuiteCRM's email_templates): subject and body with merge fields
    ("$contact_first_name", kontor.emails.merge), one row per language of a template name, so
    compose picks the recipient's language. Admins keep them under Administration."""

    class Type(models.TextChoices):
        EMAIL = "email", _("E-mail")
        CAMPAIGN = "campaign", _("Campaign")
        SYSTEM = "system", _("System")

    name = models.CharField(_("Name"), max_length=255)
    language = models.CharField(_("Language"), max_length=8, choices=settings.LANGUAGES)
    type = models.CharField(_("Type"), max_length=16, choices=Type.choices, default=Type.EMAIL)
    subject = models.CharField(_("Subject"), max_length=255)
    body = models.TextField(_("Text"), max_length=100_000)
    #: HTML part; when empty, the HTML part is made from the text
    body_html = models.TextField(_("HTML body"), blank=True, max_length=200_000)
    description = models.CharField(_("Description"), max_length=255, blank=True)
    date_modified = models.DateTimeField(_("Date modified"), auto_now=True)

    class Meta:
        verbose_name = _("E-mail template")
        verbose_name_plural = _("E-mail templates")
        ordering = ["name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="emailtemplate_name_lang")
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class SenderIdentity(models.Model):
    """How a user's e-mails are signed and who they come from: a name and address of their
    own, or Kontor's address (DEFAULT_FROM_EMAIL) with the user as Reply-To, and a signature."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_sender"
    )
    from_name = models.CharField(_("Sender name"), max_length=255, blank=True)
    from_address = models.EmailField(_("Sender address"), blank=True)
    signature = models.TextField(_("Signature"), blank=True, max_length=5_000)

    class Meta:
        verbose_name = _("E-mail sender")

    def __str__(self):
        return f"{self.from_name} <{self.from_address}>"
