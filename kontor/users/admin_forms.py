"""Forms of the administration pages for users, teams and roles (admins only)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kontor.core import registry
from kontor.users import presets
from kontor.users.models import Role, Scope, Team

ACTION_LABELS = {
    "access": _("Access"),
    "view": _("View"),
    "list": _("List"),
    "edit": _("Edit"),
    "delete": _("Delete"),
    "import": _("Import"),
    "export": _("Export"),
    "mass_update": _("Mass update"),
}
SWITCH_CHOICES = [(Scope.ALL, _("Allowed")), (Scope.NONE, _("Refused"))]


def _people(queryset):
    return queryset.filter(is_active=True).order_by("first_name", "last_name", "username")


def _label(user):
    return user.get_full_name() or user.username


class _Styled:
    """Bootstrap classes on every widget."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else (
                    "form-select"
                    if isinstance(widget, forms.Select | forms.SelectMultiple)
                    else "form-control"
                )
            )
            widget.attrs.setdefault("class", css)


class UserForm(_Styled, forms.ModelForm):
    """A user's name, sign-in, administrator flag, roles, teams and (new) password."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )
    roles = forms.ModelMultipleChoiceField(
        Role.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Roles")
    )
    teams = forms.ModelMultipleChoiceField(
        Team.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Teams")
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
        labels = {"is_superuser": _("Administrator")}
        help_texts = {
            "is_superuser": _("May do everything, including this administration."),
            "username": "",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.roles.all())
            self.fields["teams"].initial = list(self.instance.teams.all())
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
        self.fields["email"].required = True
        self.style()


class TeamForm(_Styled, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        _people(get_user_model().objects.all()),
        required=False,
        label=_("Members"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Team
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = _label
        if self.instance.pk:
            self.fields["members"].initial = list(self.instance.members.all())
        self.style()


class RoleForm(_Styled, forms.ModelForm):
    """Name, administrator flag and users of a role, plus one select per matrix cell
    (fields named "<module slug>__<action>")."""

    users = forms.ModelMultipleChoiceField(
        _people(get_user_model().objects.all()),
        required=False,
        label=_("Users"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = ["name", "description", "is_admin", "requires_two_factor"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].label_from_instance = _label
        if self.instance.pk:
            self.fields["users"].initial = list(self.instance.users.all())
            # A preset role shows its shipped name and description in the admin's language.
            self.initial["name"] = str(self.instance.label)
            self.initial["description"] = str(self.instance.description_label)
        for module in registry.modules():
            for action in presets.ACTIONS:
                choices = (
                    SWITCH_CHOICES
                    if action in presets.SWITCH_ACTIONS
                    else [(s.value, s.label) for s in reversed(Scope)]
                )
                self.fields[f"{module.slug}__{action}"] = forms.ChoiceField(
                    choices=choices,
                    initial=self.instance.scope(module.slug, action),
                    label=f"{module.verbose_name_plural}: {ACTION_LABELS[action]}",
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
        self.style()

    def clean_name(self):
        # The shipped name sent back unchanged stays the stored one, so it keeps following
        # each reader's language.
        name = self.cleaned_data["name"]
        return self.instance.name if self.instance.pk and name == str(self.instance.label) else name

    def clean_description(self):
        text = self.cleaned_data["description"]
        shown = str(self.instance.description_label)
        return self.instance.description if self.instance.pk and text == shown else text

    def matrix(self) -> list[dict]:
        """Rows of the grants table: the module and its bound fields per action."""
        return [
            {"module": m, "cells": [self[f"{m.slug}__{a}"] for a in presets.ACTIONS]}
            for m in registry.modules()
        ]

    def grants(self) -> dict:
        return {
            m.slug: {a: self.cleaned_data[f"{m.slug}__{a}"] for a in presets.ACTIONS}
            for m in registry.modules()
        }
