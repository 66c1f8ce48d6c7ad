"""The conversion forms: Target → Lead, and the one-page Lead → Contact / Account / Opportunity.

For the people who convert records in the browser. Each part of a conversion is a Django form
whose prefix is the part's name in the action's errors ("contact", "account", "opportunity",
"call", "meeting", "task", and "lead" for a target's conversion), so an error keyed
"contact-last_name" lands on field last_name of the contact part. The forms only parse what was
typed and pre-fill from the record (kontor/conversion/mapping.py); the action validates the
records, decides and writes.
"""

from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Task
from kontor.contacts.models import Contact
from kontor.conversion import duplicates, mapping
from kontor.core import dropdowns, registry
from kontor.core.fields import DropdownFormField
from kontor.core.matching import company_key, domain_of
from kontor.core.records.forms import RecordForm, RelateSelect
from kontor.leads.models import Lead
from kontor.opportunities.forms import OpportunityForm
from kontor.opportunities.models import Opportunity

ACTIVITY_CHOICES = (
    ("move", gettext_lazy("Move")),
    ("copy", gettext_lazy("Copy")),
    ("leave", gettext_lazy("Leave")),
)


def _formfield(model_field, **kwargs):
    # Web addresses typed without a scheme ("www.example.com") mean https, as everywhere.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class PartForm(RecordForm):
    """One part of a conversion: some fields of the record it creates.

    The record itself is validated by the action (which also fills the fields not shown from
    the converted record), so the model validation of a ModelForm is skipped here; the
    action's errors come back through `add_action_errors`. Fields listed in `controls` say
    what to do with the part; the record fields count only when the part creates a record.
    """

    controls: tuple = ()

    def _post_clean(self):
        pass

    def creates(self) -> bool:
        return True

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not self.creates():
            for name in [n for n in self._errors if n not in self.controls]:
                del self._errors[name]
        return cleaned

    def record_data(self) -> dict:
        """The typed values of the record fields (and custom fields), for the action."""
        data = {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }
        if self.custom_defs:
            data["custom"] = self.custom_data()
        return data

    def _checked(self, name: str) -> bool:
        field = self.fields[name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))


class ChoosePart(PartForm):
    """Create the record, select an existing one (suggestions first, or any through the
    picker) or, where allowed, none. `choice` is "new", "other", "none" or a suggestion's id."""

    controls = ("choice", "other")
    offers_none = False
    not_visible = ""

    choice = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        picker = forms.ModelChoiceField(
            queryset=model.objects.visible_to(self.user, "view"),
            required=False,
            label=model._meta.verbose_name,
            error_messages={"invalid_choice": self.not_visible},
        )
        picker.widget = RelateSelect(
            registry.for_model(model).url("lookup"), attrs={"class": "form-select"}
        )
        self.fields["other"] = picker
        chosen = self._chosen("other", picker)
        picker.widget.choices = [("", "---------")] + ([(chosen.pk, str(chosen))] if chosen else [])
        self.selected = None

    def current_choice(self) -> str:
        return (
            self.data.get(self.add_prefix("choice"))
            if self.is_bound
            else self.initial.get("choice")
        ) or "new"

    def creates(self) -> bool:
        return self.current_choice() == "new"

    def clean_choice(self):
        value = self.cleaned_data["choice"] or "new"
        if value == "none" and not self.offers_none:
            raise ValidationError(self.required_message())
        if value in ("new", "other", "none"):
            return value
        try:
            self.selected = self.fields["other"].queryset.filter(pk=value).first()
        except (ValueError, ValidationError):
            self.selected = None
        if self.selected is None:
            raise ValidationError(self.not_visible)
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == "other":
            self.selected = cleaned.get("other")
            if self.selected is None and "other" not in self._errors:
                self.add_error("other", _("Choose one, or create a new one."))
        return cleaned

    def required_message(self) -> str:
        return self.fields["choice"].error_messages["required"]

    def selection(self) -> tuple[str, object]:
        """("new", typed values), ("existing", record) or ("none", None)."""
        choice = self.cleaned_data["choice"]
        if choice == "new":
            return "new", self.record_data()
        if choice == "none":
            return "none", None
        return "existing", self.selected


class ContactPart(ChoosePart):
    not_visible = gettext_lazy("Choose a contact you can see.")

    class Meta:
        model = Contact
        fields = (
            "salutation",
            "first_name",
            "last_name",
            "title",
            "email1",
            "phone_work",
            "phone_mobile",
        )
        formfield_callback = _formfield


class AccountPart(ChoosePart):
    not_visible = gettext_lazy("Choose an account you can see.")

    class Meta:
        model = Account
        fields = (
            "name",
            "phone_office",
            "website",
            "billing_address_postalcode",
            "billing_address_city",
        )
        formfield_callback = _formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_none = settings.KONTOR_MODE == "b2c"

    def required_message(self) -> str:
        return _("Converting a lead needs an account (B2B mode).")


class OptionalPart(PartForm):
    """A record the conversion creates only when its checkbox `create` is ticked."""

    controls = ("create",)
    create = forms.BooleanField(required=False)

    def creates(self) -> bool:
        if self.is_bound:
            return bool(self._checked("create"))
        return bool(self.initial.get("create"))


class OpportunityPart(OptionalPart, OpportunityForm):
    controls = ("create", "contact_role")
    contact_role = DropdownFormField(
        dropdown="opportunity_relationship_type_dom", label=gettext_lazy("Role of the contact")
    )

    class Meta:
        model = Opportunity
        fields = ("name", "amount", "currency", "date_closed", "sales_stage")
        formfield_callback = _formfield


class CallPart(OptionalPart):
    class Meta:
        model = Call
        fields = ("name", "date_start", "duration_minutes", "status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Log a call that took place, or plan one (docs/domain.md §5).
        self.fields["status"].choices = [
            (key, label)
            for key, label in dropdowns.choices("call_status_dom")
            if key in ("Held", "Planned")
        ]


class MeetingPart(OptionalPart):
    class Meta:
        model = Meeting
        fields = ("name", "date_start", "duration_minutes", "location")


class TaskPart(OptionalPart):
    class Meta:
        model = Task
        fields = ("name", "date_due", "priority")


class HandOverForm(forms.Form):
    """What becomes of the converted record's calls, meetings, tasks and notes."""

    activities = forms.ChoiceField(
        choices=ACTIVITY_CHOICES, initial="move", widget=forms.RadioSelect
    )


def add_action_errors(parts: dict, main: forms.Form, error: ValidationError) -> None:
    """Put the action's errors on the fields they name: "part-field" → field of that part
    (the part's general errors when it has no such field), "part" → the part's general
    errors, anything else → `main`'s field of that name or its general errors."""
    if not hasattr(error, "error_dict"):
        main.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        part, _dash, name = key.partition("-")
        form = parts.get(part)
        if form is None:
            form, name = main, key
        if name in form.fields:
            form.add_error(name, messages)
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            continue
        if name and hasattr(form, "_meta"):
            label = _field_label(form._meta.model, name)
            messages = [f"{label}: {m}" for m in messages] if label else messages
        form.add_error(None, messages)


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - not a field: the message stands alone
        return ""


# --- Target → Lead --------------------------------------------------------------------------

#: Set by the conversion itself (status New, stage ML), so not offered on the form.
SET_BY_CONVERSION = ("status", "lifecycle_stage")


def lead_form_class() -> type[PartForm]:
    fields = [n for n in registry.get("leads").form_fields if n not in SET_BY_CONVERSION]
    return forms.modelform_factory(
        Lead, form=PartForm, fields=fields, formfield_callback=_formfield
    )


class TargetConversion:
    """The lead form pre-filled from the target, plus the hand-over of its activities."""

    def __init__(self, target, user, data=None):
        initial = {k: getattr(v, "pk", v) for k, v in mapping.lead_from_target(target).items()}
        self.lead = lead_form_class()(data=data, prefix="lead", user=user, initial=initial)
        self.hand_over = HandOverForm(data=data)

    def is_valid(self) -> bool:
        return all([self.lead.is_valid(), self.hand_over.is_valid()])

    def action_kwargs(self) -> dict:
        return {
            "data": self.lead.record_data(),
            "activities": self.hand_over.cleaned_data["activities"],
        }

    def add_errors(self, error: ValidationError) -> None:
        add_action_errors({"lead": self.lead}, self.hand_over, error)


# --- Lead → Contact / Account / Opportunity -------------------------------------------------


def contact_reasons(contact, lead) -> list[str]:
    """Why a contact is suggested: what it shares with the lead."""
    reasons = []
    if contact.email1 and contact.email1 in {lead.email1, lead.email2}:
        reasons.append(_("same email"))
    phones = {lead.phone_work_e164, lead.phone_mobile_e164} - {""}
    if phones & {contact.phone_work_e164, contact.phone_mobile_e164}:
        reasons.append(_("same phone"))
    if (contact.last_name, contact.first_name) == (lead.last_name, lead.first_name):
        reasons.append(_("same name"))
    return reasons


def account_reasons(account, lead) -> list[str]:
    """Why an account is suggested: same name without legal form, or same web domain."""
    reasons = []
    if account.name_key and account.name_key == company_key(lead.account_name):
        reasons.append(_("same name"))
    if account.domain and account.domain in {domain_of(lead.website), domain_of(lead.email1)}:
        reasons.append(_("same web domain"))
    return reasons


def _local(when) -> datetime:
    return timezone.localtime(when).replace(second=0, microsecond=0)


def _only(values: dict, form_class) -> dict:
    return {k: getattr(v, "pk", v) for k, v in values.items() if k in form_class._meta.fields}


class LeadConversion:
    """Every part of the lead conversion form, pre-filled from the lead; the duplicate
    suggestions are looked up before anything is created."""

    def __init__(self, lead, user, data=None):
        self.lead, self.user = lead, user
        now = _local(timezone.now())
        name = str(lead)
        no_account = settings.KONTOR_MODE == "b2c" and not lead.account_name
        opportunity = mapping.opportunity_from_lead(lead)
        # The common case is one click (as Odoo's wizard does): a record that already matches
        # is proposed; creating anyway is one choice away.
        # A POST brings its own choices: the suggestions are looked up only for a page shown.
        first_contact = (
            "new"
            if data is not None
            else next((str(c.pk) for c, _r in self.contact_suggestions), "new")
        )
        first_account = (
            "new"
            if data is not None
            else next((str(a.pk) for a, _r in self.account_suggestions), "new")
        )
        initials = {
            "contact": {
                **_only(mapping.contact_from_lead(lead), ContactPart),
                "choice": first_contact,
            },
            "account": {
                **_only(mapping.account_from_lead(lead), AccountPart),
                "choice": "none" if no_account else first_account,
            },
            "opportunity": {
                **_only(opportunity, OpportunityPart),
                "create": bool(lead.opportunity_name or lead.opportunity_amount),
            },
            "call": {
                "name": _("Call with %(name)s") % {"name": name},
                "date_start": now,
                "duration_minutes": 15,
                "status": "Held",
            },
            "meeting": {
                "name": _("Meeting with %(name)s") % {"name": name},
                "date_start": (now + timedelta(days=1)).replace(hour=10, minute=0),
                "duration_minutes": 60,
            },
            "task": {
                "date_due": (now + timedelta(days=7)).replace(hour=17, minute=0),
                "priority": "Medium",
            },
        }
        classes = {
            "contact": ContactPart,
            "account": AccountPart,
            "opportunity": OpportunityPart,
            "call": CallPart,
            "meeting": MeetingPart,
            "task": TaskPart,
        }
        self.parts = {}
        for part, form_class in classes.items():
            self.parts[part] = form_class(data=data, prefix=part, user=user, initial=initials[part])
            setattr(self, part, self.parts[part])
        self.hand_over = HandOverForm(data=data)

    @cached_property
    def contact_suggestions(self) -> list[tuple]:
        """(contact, reasons) of contacts like the lead, surest first."""
        return [
            (c, contact_reasons(c, self.lead))
            for c in duplicates.similar_contacts(self.lead, self.user)
        ]

    @cached_property
    def account_suggestions(self) -> list[tuple]:
        """(account, reasons) of accounts like the lead's company, surest first."""
        return [
            (a, account_reasons(a, self.lead))
            for a in duplicates.similar_accounts(self.lead, self.user)
        ]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in (*self.parts.values(), self.hand_over)])

    @property
    def errors(self) -> bool:
        return any(form.errors for form in (*self.parts.values(), self.hand_over))

    def action_kwargs(self) -> dict:
        """The keyword arguments of convert_lead for what was chosen and typed."""
        kwargs = {"activities": self.hand_over.cleaned_data["activities"]}
        kind, value = self.contact.selection()
        kwargs["contact" if kind == "existing" else "new_contact"] = value
        kind, value = self.account.selection()
        if kind == "existing":
            kwargs["account"] = value
        elif kind == "new":
            kwargs["new_account"] = value
        for part in ("opportunity", "call", "meeting", "task"):
            form = self.parts[part]
            if form.creates():
                kwargs[part] = form.record_data()
        if "opportunity" in kwargs:
            kwargs["contact_role"] = self.opportunity.cleaned_data.get("contact_role") or ""
        return kwargs

    def add_errors(self, error: ValidationError) -> None:
        add_action_errors(self.parts, self.hand_over, error)
