"""Inbound mailboxes: the IMAP folders Kontor reads mail from, and what it took from each.

A mailbox is shared (no owner; administrators keep it) or personal (one per user, kept by its
owner). Its password is sealed at rest (kontor/core/sealing.py). `uidvalidity` and `last_uid`
are the poll's bookmark: only UIDs above `last_uid` are fetched while the folder keeps its
UIDVALIDITY. `MailboxMessage` remembers every message taken, keyed by its Message-ID, so a
folder that was rebuilt (new UIDVALIDITY) or a message delivered twice is never stored twice.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import LowerEmailField

#: The purpose the password is sealed for (kontor.core.sealing)
SEAL_PURPOSE = "mailboxes.password"


class Mailbox(models.Model):
    SECURITY_CHOICES = (
        ("ssl", _("SSL/TLS")),
        ("starttls", _("STARTTLS")),
        ("none", _("None (trusted network only)")),
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Name"), max_length=100)
    email_address = LowerEmailField(
        _("Address"),
        help_text=_("The mailbox's own address; it links no record."),
    )
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(
        _("Port"), default=993, validators=[MinValueValidator(1), MaxValueValidator(65535)]
    )
    security = models.CharField(
        _("Encryption"), max_length=10, choices=SECURITY_CHOICES, default="ssl"
    )
    username = models.CharField(_("User name"), max_length=255)
    password = models.TextField(_("Password"), blank=True)
    folder = models.CharField(_("Folder"), max_length=255, default="INBOX")
    active = models.BooleanField(_("Active"), default=True)
    private_default = models.BooleanField(
        _("Private by default"),
        default=False,
        help_text=_("New mail is visible to the owner only until marked otherwise."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Owner"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mailboxes",
    )
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    #: When the poll running now began (None: none runs); a poll that outlives the interval
    #: is not joined by the next one (`actions.claim_poll`)
    polling_since = models.DateTimeField(null=True, blank=True, editable=False)
    #: The last poll's failure, in English as marked for translation, and its parameters
    last_error = models.TextField(blank=True, editable=False)
    last_error_params = models.JSONField(default=dict, blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mailbox")
        verbose_name_plural = _("Mailboxes")
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(owner__isnull=False),
                name="mailbox_one_per_user",
            )
        ]

    def __str__(self):
        return self.name or self.email_address

    @property
    def personal(self) -> bool:
        return self.owner_id is not None

    @property
    def error_message(self) -> str:
        """The last poll's failure in the active language ("" when it did not fail)."""
        if not self.last_error:
            return ""
        text = gettext(self.last_error)
        return text % self.last_error_params if self.last_error_params else text


class MailboxMessage(models.Model):
    """One message taken from a mailbox: its key, its UID then, the e-mail stored for it and
    whether it waits in the unmatched inbox."""

    LINKED, UNMATCHED, DISMISSED = "linked", "unmatched", "dismissed"
    STATES = ((LINKED, _("Linked")), (UNMATCHED, _("Unmatched")), (DISMISSED, _("Dismissed")))

    mailbox = models.ForeignKey(Mailbox, on_delete=models.CASCADE, related_name="messages")
    #: The Message-ID without <>, or "sha256:…" of the header when the message has none
    message_key = models.CharField(max_length=255)
    uid = models.BigIntegerField()
    email_id = models.UUIDField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "message_key"], name="mailbox_message_once")
        ]
        indexes = [
            models.Index(fields=["mailbox", "state", "received_at"], name="mailbox_msg_state")
        ]

    def __str__(self):
        return f"{self.message_key} ({self.state})"
