"""The outbox: every e-mail Kontor sends, stored before it is sent (kontor.emails.outbox)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
