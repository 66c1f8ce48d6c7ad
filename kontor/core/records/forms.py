"""The create/edit form of every record type, built from the module declaration.

Foreign keys to other records render as relate pickers (Tom Select fed by the target module's
lookup URL) that only ever load the chosen record, never the whole table; their querysets go
through the permission filter, so a forged id of a record the user may not see is refused; the
one an edited record already links to is offered as "(not available)" and kept by a save.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats

from kontor.core import actions, config, edits, registry
from kontor.core.fields import DropdownFormField
from kontor.core.records import conflicts, tables


class RelateSelect(forms.Select):
    """A select that shows only the chosen record; the browser asks the lookup URL for more."""

    template_name = "django/forms/widgets/select.html"

    def __init__(self, lookup_url: str, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-lookup": lookup_url})


class RecordForm(forms.ModelForm):
    """Base form: Bootstrap classes, fresh dropdown values, relate pickers, HTML5 dates."""

    #: declared fields a stored layout hides: disabled, so an edit keeps their values
    layout_hidden: frozenset = frozenset()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        #: the version (date_modified) the submitted edit form showed, when it said
        self.shown_version = None
        self._configure()
        for name, field in self.fields.items():
            self._prepare(name, field)
        if not self.instance._state.adding:
            self._remember_shown()

    def _remember_shown(self) -> None:
        """An edit form carries the values it shows (signed); submitted, the save counts the
        user's changes from them, so what others changed meanwhile is kept or, changed by
        both, shown as a conflict (conflicts.py)."""
        self.fields[conflicts.SHOWN] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[conflicts.SHOWN] = conflicts.shown_token(self.instance)
        if self.is_bound:
            shown = conflicts.read_shown(self.data.get(conflicts.SHOWN), self.instance)
            if shown is not None:
                edits.edit_from(self.instance, shown[0])
                self.shown_version = shown[1]

    def _configure(self) -> None:
        """Admins' configuration (kontor.core.config): required marks, custom fields, layout."""
        model = self._meta.model
        for name in config.configured_required(model):
            if name in self.fields:
                self.fields[name].required = True
        for name in self.layout_hidden:
            if name in self.fields:
                self.fields[name].disabled = True
        stored = self._stored_custom() or self.initial.get("custom") or {}
        self.custom_defs = [f for f in config.custom_fields(model) if f.name not in self.fields]
        for f in self.custom_defs:
            self.fields[f.name] = f.formfield()
            if f.name in stored and f.name not in self.initial:
                self.initial[f.name] = f.initial(stored[f.name])

    def save_with(self, *, actor):
        """Write the validated record through the actions and return it (the create and edit
        views call this; a form that saves more, such as an activity's invitees, overrides
        it and still writes in one action)."""
        return actions.save_record(self.instance, actor=actor)

    def _stored_custom(self) -> dict:
        custom = getattr(self.instance, "custom", None)
        return custom if isinstance(custom, dict) else {}

    def _current(self, name: str):
        """The stored value of a field or custom field of the edited record."""
        if any(f.name == name for f in self.custom_defs):
            return self._stored_custom().get(name) or ""
        return getattr(self.instance, name, "")

    def custom_data(self, *, report: bool = False) -> dict:
        """The record's custom values with the form's typed ones, in their stored form."""
        custom = dict(self._stored_custom())
        for f in self.custom_defs:
            if f.name not in self.cleaned_data:
                continue
            try:
                value = f.to_python(self.cleaned_data[f.name], previous=custom.get(f.name))
            except ValidationError as error:
                if report:
                    self.add_error(f.name, error)
                continue
            if value is None:
                custom.pop(f.name, None)
            else:
                custom[f.name] = value
        return custom

    def _post_clean(self):
        # Custom values go into record.custom (in their stored form) before the model checks.
        self.instance.custom = self.custom_data(report=True)
        super()._post_clean()

    def _prepare(self, name: str, field: forms.Field) -> None:
        model_field = (
            self._meta.model._meta.get_field(name) if name in self._model_names() else None
        )
        if isinstance(field, DropdownFormField) and self.instance.pk:
            field.keep(self._current(name))
        if isinstance(field, forms.ModelChoiceField) and model_field is not None:
            self._prepare_relation(name, field, model_field)
        elif isinstance(field, forms.ModelChoiceField) and any(
            f.name == name for f in self.custom_defs
        ):
            # A custom link field: a relate picker over the records the user may see.
            self._prepare_relation(name, field, _CustomLink(field.queryset.model))
        if isinstance(field, forms.DateTimeField):
            field.widget = forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif isinstance(field, forms.DecimalField):
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            field.widget.is_localized = True
            field.to_python = _without_grouping(field.to_python)
        if isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 3
        css = (
            "form-check-input"
            if isinstance(field.widget, forms.CheckboxInput)
            else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
        )
        field.widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        # Outline the inputs that have an error, not only the message below them.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def _model_names(self):
        return {f.name for f in self._meta.model._meta.get_fields()}

    def _prepare_relation(self, name, field, model_field) -> None:
        target = model_field.related_model
        if target is get_user_model():
            # A deactivated owner stays offered on the records they still own.
            current = getattr(self.instance, model_field.attname, None)
            field.queryset = target.objects.filter(Q(is_active=True) | Q(pk=current)).order_by(
                "first_name", "last_name", "username"
            )
            field.label_from_instance = lambda u: u.get_full_name() or u.username
            return
        try:
            module = registry.for_model(target)
        except Exception:
            return
        field.queryset = target.objects.visible_to(self.user, "view")
        kept = self._kept_link(name, field, model_field)
        if kept is not None:
            # The stored link stays valid (an unchanged save keeps it); no other hidden id is.
            field.queryset = field.queryset | target.with_deleted.filter(pk=kept)
        field.widget = RelateSelect(module.url("lookup"))
        chosen = self._chosen(name, field)
        label = tables.not_available() if chosen and chosen.pk == kept else str(chosen)
        field.widget.choices = [("", "---------")] + ([(chosen.pk, label)] if chosen else [])

    def _kept_link(self, name, field, model_field):
        """The id the edited record links to when the user may not see that record (or it is
        in the trash): offered as "(not available)", never named, so that a save keeps it."""
        if self.instance._state.adding:
            return None
        if model_field.attname is None:  # a custom link field: the id is in record.custom
            stored = self._stored_custom().get(name)
        else:
            stored = getattr(self.instance, model_field.attname, None)
        if not stored:
            return None
        try:
            if field.queryset.filter(pk=stored).exists():
                return None
            return field.queryset.model._meta.pk.to_python(stored)
        except (ValueError, ValidationError):
            return None  # a damaged stored id is nothing to keep

    def _chosen(self, name, field):
        """The record the picker shows: the posted one (if visible or the kept link), else the
        stored one."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:  # e.g. ?account=<id> from an account's page; a damaged id preselects nothing
            value = self.initial.get(name)
            value = getattr(value, "pk", value)
        if not value:
            return None
        try:
            return field.queryset.filter(pk=value).first()
        except (ValueError, ValidationError):
            return None  # not an id at all: on a POST the field reports it


def _without_grouping(to_python):
    """Accept amounts typed as lists show them ("12.500,50" in German, "12,500.50" in English).

    Django drops thousands separators only when USE_THOUSAND_SEPARATOR is on; a lone dot
    followed by other than three digits stays a decimal point, as Django treats it.
    """

    def parse(value):
        if isinstance(value, str):
            sep = formats.get_format("THOUSAND_SEPARATOR")
            decimal = formats.get_format("DECIMAL_SEPARATOR")
            whole, mark, decimals = value.strip().partition(decimal)
            lone_dot = sep == "." and whole.count(".") == 1 and len(whole.split(".")[-1]) != 3
            if sep and sep != decimal and not lone_dot:
                value = whole.replace(sep, "").replace("\u00a0", "") + mark + decimals
        return to_python(value)

    return parse


class _CustomLink:
    """What _prepare_relation reads of a foreign key, for a custom link field."""

    attname = None

    def __init__(self, model):
        self.related_model = model


def form_for(module) -> type[RecordForm]:
    """The ModelForm class of a module: its panel fields on its form base, with the fields a
    stored layout hides (never a required one) disabled."""
    base = module.form_class or RecordForm
    shown = set(config.panel_fields(module)) | config.required_fields(module.model)
    hidden = frozenset(n for n in module.form_fields if n not in shown)
    if hidden:
        base = type(
            base.__name__, (base,), {"layout_hidden": hidden, "__module__": base.__module__}
        )
    return forms.modelform_factory(
        module.model, form=base, fields=module.form_fields, formfield_callback=_formfield
    )


def _formfield(model_field, **kwargs):
    # Web addresses typed without a scheme ("www.example.com") mean https, not http.
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)
