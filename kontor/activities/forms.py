"""Activity forms: the "related to" picker (any record type) and meeting/call invitees."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kontor.activities import actions, recurrence
from kontor.contacts.models import Contact
from kontor.core import registry
from kontor.core.records.forms import RecordForm, RelateSelect
from kontor.core.records.tables import not_available
from kontor.leads.models import Lead


def parent_modules():
    return [m for m in registry.modules() if m.has_activities and not m.is_activity]


class ActivityForm(RecordForm):
    """Adds "Related to": a record type and a record of it, checked by the permission filter."""

    parent_module = forms.ChoiceField(label=_("Related to (type)"), required=False)
    parent_record = forms.CharField(label=_("Related to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "---------")] + [(m.slug, m.verbose_name) for m in parent_modules()]
        self.fields["parent_module"].choices = choices
        self.fields["parent_module"].widget.attrs.update(
            {"class": "form-select", "data-parent-type": "1"}
        )
        slug, pk = self._initial_parent()
        if slug not in {m.slug for m in parent_modules()}:
            slug, pk = "", ""  # a damaged or unknown type: the field reports it on POST
        record = self._parent_record(slug, pk)
        kept = record is None and self._is_stored_parent(slug, pk)
        if record is None and not self.is_bound and not kept:
            pk = ""  # a damaged id, or a record the user may not see: preselect nothing
        self.initial.setdefault("parent_module", slug)
        self.initial.setdefault("parent_record", pk)
        lookup = registry.get(slug).url("lookup") if slug else ""
        widget = RelateSelect(lookup, attrs={"class": "form-select", "data-parent-record": "1"})
        chosen = [(str(record.pk), str(record))] if record else []
        if kept:  # the stored parent the user may not see: kept by a save, never named
            chosen = [(str(pk), not_available())]
        widget.choices = [("", "---------"), *chosen]
        self.fields["parent_record"].widget = widget
        for name in ("parent_type", "parent_id"):
            self.fields.pop(name, None)

    def _initial_parent(self) -> tuple[str, str]:
        if self.is_bound:
            return self.data.get("parent_module", ""), self.data.get("parent_record", "")
        if self.instance.parent_type_id:
            module = registry.for_model(self.instance.parent_type.model_class())
            return module.slug, str(self.instance.parent_id)
        parent = self.initial.get("parent", "")
        if ":" in parent:
            slug, pk = parent.split(":", 1)
            return slug, pk
        return "", ""

    def _is_stored_parent(self, slug, pk) -> bool:
        """Is (slug, pk) the parent the edited activity has now?"""
        instance = self.instance
        if instance._state.adding or not instance.parent_type_id or not pk:
            return False
        module = registry.find(instance.parent_type.model_class())
        return module is not None and module.slug == slug and str(instance.parent_id) == str(pk)

    def _parent_record(self, slug, pk):
        if not slug or not pk or slug not in {m.slug for m in parent_modules()}:
            return None
        model = registry.get(slug).model
        try:
            return model.objects.visible_to(self.user, "view").filter(pk=pk).first()
        except Exception:  # noqa: BLE001 - a malformed id is reported by clean()
            return None

    def clean(self):
        cleaned = super().clean()
        slug, pk = cleaned.get("parent_module"), cleaned.get("parent_record")
        if slug and pk and self._is_stored_parent(slug, pk):
            pass  # unchanged: kept as stored, whether the user may see the parent or not
        elif slug and pk:
            record = self._parent_record(slug, pk)
            if record is None:
                self.add_error("parent_record", _("Choose a record you can see."))
            else:
                self.instance.parent_type = ContentType.objects.get_for_model(record)
                self.instance.parent_id = record.pk
        elif slug or pk:
            self.add_error("parent_record", _("Choose the record this belongs to."))
        else:
            self.instance.parent_type, self.instance.parent_id = None, None
        return cleaned


class Choices(forms.RadioSelect):
    """Radio buttons in Bootstrap's form-check layout, one a line."""

    template_name = "activities/widgets/choices.html"
    option_template_name = "activities/widgets/choice_option.html"


class InlineTickBoxes(forms.CheckboxSelectMultiple):
    """Tick boxes side by side in Bootstrap's form-check layout."""

    template_name = Choices.template_name
    option_template_name = Choices.option_template_name

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["inline"] = True
        return context


class WeekdaysField(forms.MultipleChoiceField):
    """SuiteCRM's `repeat_dow` as tick boxes, Monday first; stored as digits ("135")."""

    widget = InlineTickBoxes(attrs={"class": "form-check-input"})

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        super().__init__(**kwargs)
        names = recurrence.weekday_names()
        self.choices = [(d, names[d]) for d in ("1", "2", "3", "4", "5", "6", "0")]

    def to_python(self, value):
        return [v for v in super().to_python(value) if v]  # an empty value sent: none

    def prepare_value(self, value):
        return list(value) if isinstance(value, str) else value

    def clean(self, value):
        return "".join(recurrence.weekday_digits("".join(super().clean(value) or [])))


SCOPE_CHOICES = (
    ("this", _("Only this occurrence")),
    ("following", _("This and the following occurrences")),
    ("all", _("All occurrences still to come")),
)


class InviteesForm(ActivityForm):
    """Meetings and calls: invite users, contacts and leads (the latter through pickers), and
    repeat them (SuiteCRM's repeat fields; an occurrence's form asks what a change reaches)."""

    invite_users = forms.ModelMultipleChoiceField(
        label=_("Invited users"),
        required=False,
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "data-enhance": "multi"}),
    )
    invite_contacts = forms.ModelMultipleChoiceField(
        label=_("Invited contacts"), required=False, queryset=Contact.objects.none()
    )
    invite_leads = forms.ModelMultipleChoiceField(
        label=_("Invited leads"), required=False, queryset=Lead.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._repeat_fields()
        users = self.fields["invite_users"]
        users.queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        users.label_from_instance = lambda u: u.get_full_name() or u.username
        current = actions.invited(self.instance)
        if not self.is_bound:
            self.initial["invite_users"] = current["users"]
        for kind, model in (("contacts", Contact), ("leads", Lead)):
            field = self.fields[f"invite_{kind}"]
            field.queryset = model.objects.visible_to(self.user, "view")
            invited_ids = {r.pk for r in current[kind]}
            kept = invited_ids - set(
                field.queryset.filter(pk__in=invited_ids).values_list("pk", flat=True)
            )
            if kept:
                # Invitees the user may not see stay invited by a save, shown unnamed; they
                # may be taken off, and no other hidden record may be added.
                field.queryset = field.queryset | model.with_deleted.filter(pk__in=kept)
            field.widget = forms.SelectMultiple(
                attrs={"class": "form-select", "data-lookup": registry.get(kind).url("lookup")}
            )
            chosen = current[kind] if not self.is_bound else self._posted(field, kind)
            field.widget.choices = [
                (str(r.pk), not_available() if r.pk in kept else str(r)) for r in chosen
            ]
            if not self.is_bound:
                self.initial[f"invite_{kind}"] = [r.pk for r in chosen]

    def _repeat_fields(self) -> None:
        if "repeat_dow" in self.fields:
            field = self.fields["repeat_dow"]
            self.fields["repeat_dow"] = WeekdaysField(
                label=field.label, required=False, disabled=field.disabled
            )
        if "repeat_interval" in self.fields:
            self.fields["repeat_interval"].widget.attrs["placeholder"] = "1"
        for name in ("repeat_interval", "repeat_count"):
            if name in self.fields:
                self.fields[name].widget.attrs.update({"min": 1, "max": recurrence.MAX_OCCURRENCES})
        if not self.instance._state.adding and self.instance.series_id:
            self.fields["repeat_scope"] = forms.ChoiceField(
                label=_("Apply the change to"),
                choices=SCOPE_CHOICES,
                initial="this",
                widget=Choices(attrs={"class": "form-check-input"}),
            )

    def _posted(self, field, kind):
        try:
            return list(field.queryset.filter(pk__in=self.data.getlist(f"invite_{kind}")))
        except (ValueError, ValidationError, AttributeError):
            return []

    def save_with(self, *, actor):
        data = self.cleaned_data
        return actions.save_series(
            self.instance,
            data["invite_users"],
            data["invite_contacts"],
            data["invite_leads"],
            actor=actor,
            scope=data.get("repeat_scope") or "this",
        )
