"""Web forms: forms that admins build for Leads or Targets and visitors fill in without login.

`WebForm` holds the definition (fields, labels de/en, source, campaign, assignment, thank-you
text or redirect, consent text); `UsedToken` remembers each per-render token that a submission
consumed, so a double submit of the same page creates one record.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MODULES = (("leads", _("Leads")), ("targets", _("Targets")))
LANGUAGE_CHOICES = (("de", _("German")), ("en", _("English")))


def new_key() -> str:
    """The form's public id in URLs: random, so forms cannot be enumerated."""
    return secrets.token_urlsafe(12)


class WebForm(models.Model):
    """One form definition; `fields` is [{"name", "required", "label_en", "label_de"}, …]."""

    class Assignment(models.TextChoices):
        USER = "user", _("A fixed user")
        ROUND_ROBIN = "round_robin", _("Round robin within a team")

    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    name = models.CharField(_("Name"), max_length=100)
    module = models.CharField(_("Creates"), max_length=16, choices=MODULES, default="leads")
    language = models.CharField(
        _("Language of the form"), max_length=8, choices=LANGUAGE_CHOICES, default="de"
    )
    active = models.BooleanField(_("Active"), default=True)
    fields = models.JSONField(default=list, blank=True)
    lead_source = models.CharField(_("Lead source"), max_length=100, blank=True, default="Web Site")
    campaign_name = models.CharField(_("Campaign"), max_length=200, blank=True)
    assignment = models.CharField(
        _("Assignment"), max_length=16, choices=Assignment.choices, default=Assignment.USER
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The team that takes turns (round robin) and that new records join.
    team = models.ForeignKey(
        "users.Team",
        verbose_name=_("Team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Position of the round robin: the next submission goes to the member after this one.
    round_robin_last = models.PositiveIntegerField(default=0, editable=False)
    thank_you_en = models.TextField(_("Thank-you text (English)"), blank=True, max_length=2000)
    thank_you_de = models.TextField(_("Thank-you text (German)"), blank=True, max_length=2000)
    redirect_url = models.URLField(_("Redirect after submitting"), blank=True, max_length=500)
    consent_text_en = models.TextField(
        _("Consent checkbox text (English)"), blank=True, max_length=2000
    )
    consent_text_de = models.TextField(
        _("Consent checkbox text (German)"), blank=True, max_length=2000
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    date_entered = models.DateTimeField(default=timezone.now, editable=False)
    date_modified = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Web form")
        verbose_name_plural = _("Web forms")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        from kontor.webforms.validation import check_webform

        check_webform(self)

    def text(self, name: str) -> str:
        """`thank_you` or `consent_text` in the form's language, else the other one."""
        first, second = ("de", "en") if self.language == "de" else ("en", "de")
        return getattr(self, f"{name}_{first}") or getattr(self, f"{name}_{second}")

    @property
    def origin(self) -> str:
        """How the change log names a submission's writes: "webform:<name>"."""
        return f"webform:{self.name}"[:64]


class UsedToken(models.Model):
    """A per-render token that a submission consumed (the primary key makes it one-time)."""

    nonce = models.CharField(max_length=64, primary_key=True)
    form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(default=timezone.now, db_index=True)
    # What the first submit created or updated, so the double submit can say the same thanks.
    record_id = models.UUIDField(null=True, blank=True)

    def __str__(self):
        return self.nonce
