"""The parts of the conversion forms: one Django form per record a conversion may create or
choose (contact, account, opportunity, call, meeting, task, and the lead of a target's
conversion), the hand-over of activities, and the placing of the action's errors on them.

For kontor/conversion/forms.py, which puts the parts of one conversion page together. A part's
prefix is its name in the action's errors, so an error keyed "contact-last_name" lands on field
last_name of the contact part.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Task
from kontor.contacts.models import Contact
from kontor.core import config, dropdowns, registry
from kontor.core.fields import DropdownFormField
from kontor.core.records.forms import RecordForm, RelateSelect
from kontor.opportunities.forms import OpportunityForm
from kontor.opportunities.models import Opportunity

ACTIVITY_CHOICES = (
    ("move", gettext_lazy("Move")),
    ("copy", gettext_lazy("Copy")),
    ("leave", gettext_lazy("Leave")),
)


def part_formfield(model_field, **kwargs):
    """The form field of `model_field` in a conversion part (the parts' formfield_callback)."""
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
    #: Fields of the record the conversion sets itself (the chosen account, the contact of a
    #: task): never offered, even when admins mark them required.
    set_by_conversion: tuple = ()

    @classmethod
    def record_names(cls) -> list[str]:
        """The record fields the part shows: its own, then those admins marked required in
        Studio (in the module's form order). A required field the part did not show would
        block every conversion that creates the record."""
        model, own = cls._meta.model, list(cls._meta.fields or ())
        required = config.configured_required(model) - set(own) - set(cls.set_by_conversion)
        if not required:
            return own
        order = list(registry.for_model(model).form_fields)
        return own + sorted(required, key=lambda n: (order.index(n) if n in order else 99, n))

    def _configure(self) -> None:
        model = self._meta.model
        for name in self.record_names():
            if name not in self.fields:
                field = part_formfield(model._meta.get_field(name))
                if field is not None:
                    self.fields[name] = field
        super()._configure()

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
            name: self.cleaned_data[name]
            for name in self.record_names()
            if name in self.cleaned_data
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
    set_by_conversion = ("account",)

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
        formfield_callback = part_formfield


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
        formfield_callback = part_formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_none = config.mode() == "b2c"

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
    set_by_conversion = ("account",)
    contact_role = DropdownFormField(
        dropdown="opportunity_relationship_type_dom", label=gettext_lazy("Role of the contact")
    )

    class Meta:
        model = Opportunity
        fields = ("name", "amount", "currency", "date_closed", "sales_stage")
        formfield_callback = part_formfield


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
    set_by_conversion = ("contact",)

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
