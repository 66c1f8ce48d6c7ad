"""Webhook subscriptions and the log of their deliveries.

Admins subscribe a URL to record events (created, updated, deleted, restored, converted) of
some or all record types; each event becomes a Delivery, sent by the background worker, signed
with the subscription's secret, retried with back-off and kept with status and response.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return secrets.token_hex(32)  # hex: never starts with "-", safe on any command line


class Subscription(models.Model):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("Description"), max_length=200, blank=True)
    #: event kinds (kontor.core.events.KINDS); empty means all
    events = models.JSONField(_("Events"), default=list, blank=True)
    #: record type slugs ("leads"); empty means all
    record_types = models.JSONField(_("Record types"), default=list, blank=True)
    secret = models.CharField(_("Signing secret"), max_length=100, default=new_secret)
    active = models.BooleanField(_("Active"), default=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("Webhook")
        verbose_name_plural = _("Webhooks")

    def __str__(self):
        return self.url

    def clean(self):
        """Only known event kinds and record types (the admin form offers no others; the
        action refuses them for every caller)."""
        from kontor.core import registry
        from kontor.core.events import KINDS

        errors = {}
        unknown = [k for k in self.events or [] if k not in KINDS]
        if unknown or not isinstance(self.events, list):
            errors["events"] = _("Unknown event: %(names)s.") % {
                "names": ", ".join(map(str, unknown))
            }
        slugs = {m.slug for m in registry.modules()}
        unknown = [s for s in self.record_types or [] if s not in slugs]
        if unknown or not isinstance(self.record_types, list):
            errors["record_types"] = _("Unknown record type: %(names)s.") % {
                "names": ", ".join(map(str, unknown))
            }
        if errors:
            raise ValidationError(errors)

    def wants(self, kind: str, slug: str) -> bool:
        return (not self.events or kind in self.events) and (
            not self.record_types or slug in self.record_types
        )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("Event"), max_length=64)
    record_id = models.UUIDField(null=True)
    payload = models.JSONField()
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("Response status"), null=True)
    response_body = models.TextField(_("Response"), blank=True)
    error = models.TextField(_("Error"), blank=True)
    created_at = models.DateTimeField(_("Created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("Last attempt"), null=True)
    next_attempt_at = models.DateTimeField(_("Next attempt"), null=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub")
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription_id}"
