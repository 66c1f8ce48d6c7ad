"""Opportunities (Verkaufschancen): possible sales, with stage, amount and close date."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.core import config, dropdowns
from kontor.core.fields import DropdownField, amount_in
from kontor.core.models import Record, record_indexes
from kontor.currencies import rates

NEEDS_ACCOUNT = _("An opportunity needs an account (B2B mode).")
NEGATIVE_AMOUNT = _("The amount cannot be negative.")

#: An ISO 4217 code: three letters (the form, the API and the import refuse "e1"). Lower case
#: passes: `CurrencyField` stores the code upper-case when the record is validated, and the
#: API's serializer checks the value with this validator before that.
validate_currency = RegexValidator(
    r"^[A-Za-z]{3}\Z", _("Enter a three-letter currency code such as EUR."), code="currency"
)


class CurrencyField(models.CharField):
    """A currency code, stored upper-case: " eur " is EUR wherever the record is validated
    (`full_clean` of the form and the API, the import's cell check)."""

    default_validators = [validate_currency]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().upper() if isinstance(value, str) else value


#: Stages after which an opportunity is no longer open.
CLOSED_STAGES = ("Closed Won", "Closed Lost")


class Opportunity(Record):
    name = models.CharField(_("Opportunity name"), max_length=150)
    amount = amount_in(
        "currency",
        models.DecimalField(_("Amount"), max_digits=18, decimal_places=2),
        base_field="amount_base",
    )
    currency = CurrencyField(_("Currency"), default="EUR")
    date_closed = models.DateField(_("Expected close date"))
    sales_stage = DropdownField(_("Sales stage"), dropdown="sales_stage_dom", blank=False)
    #: When the opportunity entered its current stage (the board's "days in stage").
    stage_entered = models.DateTimeField(_("In this stage since"), null=True, editable=False)
    #: The amount in the organisation's base currency, at the rate of the close date (today's
    #: while open); kept by the currencies app, so every sum adds one currency.
    amount_base = models.DecimalField(
        _("Amount in base currency"), max_digits=18, decimal_places=2, null=True, editable=False
    )
    forecast_category = DropdownField(_("Forecast category"), dropdown="forecast_category_dom")
    probability = models.PositiveSmallIntegerField(
        _("Probability (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opportunity_type = DropdownField(_("Type"), dropdown="opportunity_type_dom")
    lead_source = DropdownField(_("Lead source"), dropdown="lead_source_dom")
    next_step = models.CharField(_("Next step"), max_length=100, blank=True)
    campaign_name = models.CharField(_("Campaign"), max_length=200, blank=True)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("Account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
    )
    contacts = models.ManyToManyField(
        "contacts.Contact",
        through="OpportunityContact",
        verbose_name=_("Contacts"),
        blank=True,
        related_name="opportunities",
    )

    class Meta:
        verbose_name = _("Opportunity")
        verbose_name_plural = _("Opportunities")
        indexes = [
            *record_indexes(
                "opportunity", "name", "date_entered", "date_closed", "sales_stage", "amount"
            ),
            # The pipeline board: a column's cards in close-date order, one keyset page each.
            models.Index(
                fields=["sales_stage", "date_closed", "id"],
                condition=models.Q(deleted=False),
                name="opportunity_board",
            ),
            # The board's figures (kontor.pipeline.figures.by_stage: count, count with a base
            # amount and sum of base amounts per stage and probability) read from this index
            # alone, already in group order. Key columns rather than included ones, so SQLite
            # covers the query too; the query counts rows (COUNT(*)), not ids, which this
            # index does not carry.
            models.Index(
                fields=["sales_stage", "probability", "amount_base"],
                condition=models.Q(deleted=False),
                name="opportunity_figures",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if config.mode() == "b2b" and not self.account_id:
            errors["account"] = NEEDS_ACCOUNT
        # In clean(), not as a field validator: the form, the API and the import all call it,
        # and a validator on the field would need a migration for no change of the column.
        if isinstance(self.amount, Decimal | int | float) and self.amount < 0:
            errors["amount"] = NEGATIVE_AMOUNT
        if errors:
            raise ValidationError(errors)
        self.follow_stage()
        self.fill_base_amount()

    def follow_stage(self) -> None:
        """Changing the stage fills the probability and the forecast category from the stage
        (each unless the user set it in the same edit) and restarts the time in stage."""
        loaded = getattr(self, "_loaded", None)
        stage_changed = loaded is None or loaded.get("sales_stage") != self.sales_stage
        if stage_changed and (loaded is not None or self.stage_entered is None):
            self.stage_entered = timezone.now()
        stage = dropdowns.option("sales_stage_dom", self.sales_stage)
        extra = stage.extra if stage else {}
        for field, empty in (("probability", None), ("forecast_category", "")):
            value = getattr(self, field)
            edited = loaded is not None and loaded.get(field) != value
            fill = value == empty or (loaded is not None and stage_changed and not edited)
            if fill and field in extra:
                setattr(self, field, extra[field])

    def fill_base_amount(self) -> None:
        """The amount in the base currency: at the rate of the close date once closed, at
        today's while open (`base_amounts` keeps it current as rates change); empty when no
        rate is known, so a sum never adds a foreign amount as if it were the base's."""
        day = self.base_amount_day()
        amount = self.amount if isinstance(self.amount, Decimal | int) else None
        self.amount_base = rates.to_base(amount, self.currency, day) if day else None

    def base_amount_day(self) -> date | None:
        if not self.is_open:
            return self.date_closed if isinstance(self.date_closed, date) else None
        return rates.today()

    @property
    def is_open(self) -> bool:
        return self.sales_stage not in CLOSED_STAGES


class OpportunityContact(models.Model):
    """A contact's role in an opportunity (opportunity_relationship_type_dom)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE)
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE)
    contact_role = DropdownField(_("Role"), dropdown="opportunity_relationship_type_dom")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "contact"], name="opportunity_contact_unique"
            )
        ]

    def __str__(self):
        return f"{self.contact} ({self.contact_role or '-'})"
