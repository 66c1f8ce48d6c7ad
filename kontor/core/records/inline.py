"""Inline edit: one field of a record changed in place, on its page or in a list cell.

For the record page (records/_field_value.html) and the list (ListView marks its cells with
`mark_cells`): `GET /<slug>/<id>/inline/<field>/` gives the editor of one field,
`POST` saves it through `save_record` and gives the value as shown. Only users who may edit the
record, only fields its edit form offers (relate pickers, files and multi-selects stay on the
edit form); a record the user may not see is 404, one they may see but not edit 403.

The editor carries, signed, the record's version (`date_modified`) and the value it showed: the
save counts the user's change from that value (kontor.core.edits.edit_from), so a field someone
else changed meanwhile is refused as a conflict (409) that names them and shows their value,
and what else they changed is kept (docs/architecture.md, "Concurrent edits").
"""

import datetime
from functools import lru_cache
from html import escape

from django import forms as django_forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance, modelform_factory
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import render
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from kontor.core import actions, config, edits, permissions
from kontor.core.edits import EditConflict
from kontor.core.inline_fields import editable_fields, inline_url
from kontor.core.records import conflicts, forms, tables
from kontor.core.records.views import ModuleView

#: the hidden input of the editor with the signed version and shown value
TOKEN = "inline_shown"
_SALT = "kontor.core.records.inline"


class InlineForm(forms.RecordForm):
    """A record's form reduced to one field: its widget, its checks, the same parsing of
    amounts, dates and custom values as the edit form's; the record's own rules (model
    `clean()`, required fields, B2B) are checked by `save_record`."""

    #: the custom field the form edits ("" when it edits a model field)
    custom_name = ""

    def _remember_shown(self) -> None:
        """The editor carries its own token (one field's value and the version)."""

    def _configure(self) -> None:
        super()._configure()
        for f in self.custom_defs:
            if f.name != self.custom_name:
                del self.fields[f.name]
        self.custom_defs = [f for f in self.custom_defs if f.name == self.custom_name]

    def _post_clean(self):
        # Only the one value goes on the record: the whole record is validated by the action,
        # whose errors on other fields the view reports beside this one.
        self.instance.custom = self.custom_data(report=True)
        construct_instance(self, self.instance, self._meta.fields)


@lru_cache(maxsize=256)
def _form_class(model, name: str, custom: bool) -> type[InlineForm]:
    """The form class of one field of `model`, built once per field."""
    base = type("InlineForm", (InlineForm,), {"custom_name": name if custom else ""})
    return modelform_factory(
        model,
        form=base,
        fields=[] if custom else [name],
        formfield_callback=forms._formfield,
    )


def form_for(module, record, name: str, user, data=None) -> InlineForm:
    """The editor's form of field `name` of `record`: focused, sized for a cell, with ids
    unique on a list page."""
    custom = config.custom_field(module.model, name) is not None
    form = _form_class(module.model, name, custom)(
        data=data, instance=record, user=user, auto_id=f"inline-{record.pk}-%s"
    )
    widget = form.fields[name].widget
    widget.attrs["autofocus"] = True
    if not isinstance(widget, django_forms.CheckboxInput | django_forms.Select):
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} form-control-sm".strip()
    elif isinstance(widget, django_forms.Select):
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} form-select-sm".strip()
    return form


def _stored(record, name: str):
    """The stored value of field or custom field `name` as the record holds it now."""
    if config.custom_field(type(record), name) is not None:
        return (record.custom or {}).get(name)
    return getattr(record, type(record)._meta.get_field(name).attname)


def shown_token(record, name: str, value=None, *, stored: bool = True) -> str:
    """The signed id, version and value of field `name` the editor shows."""
    value = _stored(record, name) if stored else value
    payload = {
        "pk": str(record.pk),
        "f": name,
        "v": conflicts._plain(record.date_modified),
        "s": conflicts._plain(value),
    }
    return signing.dumps(payload, salt=_SALT)


def count_from_shown(record, name: str, token: str):
    """Count the save's change of `name` from the value the editor showed (see edits.edit_from)
    and give the version it showed; None for no token, a forged one or another record's or
    field's (the posted value is then the user's change, as on the edit form)."""
    try:
        payload = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or (payload.get("pk"), payload.get("f")) != (
        str(record.pk),
        name,
    ):
        return None
    shown = payload.get("s")
    if config.custom_field(type(record), name) is not None:
        custom = dict(record._loaded.get("custom") or {})
        if shown is None:
            custom.pop(name, None)
        else:
            custom[name] = shown
        edits.edit_from(record, {"custom": custom})
    else:
        field = type(record)._meta.get_field(name)
        edits.edit_from(record, {field.attname: field.to_python(shown)})
    version = payload.get("v")
    return datetime.datetime.fromisoformat(version) if version else None


def display(module, record, name: str) -> dict:
    """The item a page shows for field `name` (as detail.panels() gives it)."""
    definition = config.custom_field(module.model, name)
    if definition is not None:
        return {
            "name": name,
            "label": definition.label,
            "text": definition.display((record.custom or {}).get(name)),
            "url": "",
        }
    field = module.model._meta.get_field(name)
    text, url = tables.cell(tables.Column(name, "", "", field), record)
    return {"name": name, "label": field.verbose_name, "text": text, "url": url}


class InlineView(ModuleView):
    """The editor of one field (GET) and its save (POST), as HTML fragments."""

    action = "edit"

    def get_record(self, name: str):
        if name not in editable_fields(self.module):
            raise Http404
        record = self.get_queryset("edit").filter(pk=self.kwargs["pk"]).first()
        if record is not None:
            return record
        if self.get_queryset("view").filter(pk=self.kwargs["pk"]).exists():
            return None  # seen but not editable: refused, and the page may say so
        raise Http404

    def get(self, request, pk, field):
        record = self.get_record(field)
        if record is None:
            return HttpResponseForbidden(_("You may not change this record."))
        if request.GET.get("display"):  # Esc after a conflict: the value as stored now
            return self.value(record, field)
        form = form_for(self.module, record, field, request.user)
        return self.editor(record, form, field, shown_token(record, field))

    def value(self, record, name: str):
        return render(
            self.request,
            "records/_field_value.html",
            {
                "module": self.module,
                "record": record,
                "f": display(self.module, record, name),
                "can_edit": True,
            },
        )

    def post(self, request, pk, field):
        record = self.get_record(field)
        if record is None:
            return HttpResponseForbidden(_("You may not change this record."))
        version = count_from_shown(record, field, request.POST.get(TOKEN, ""))
        form = form_for(self.module, record, field, request.user, data=request.POST)
        if form.is_valid():
            try:
                actions.save_record(record, actor=request.user)
            except ValidationError as error:
                _report(form, field, error)
            except EditConflict as conflict:
                rows = conflicts.rows(record, conflict, form, version)
                theirs = next(iter(conflict.fields.values()))
                token = shown_token(record, field, theirs, stored=False)
                return self.editor(record, form, field, token, conflict=rows[0], status=409)
            else:
                return self.value(record, field)
        return self.editor(record, form, field, request.POST.get(TOKEN, ""), status=400)

    def editor(self, record, form, name, token, *, conflict=None, status=200):
        return render(
            self.request,
            "records/_inline_editor.html",
            {
                "module": self.module,
                "record": record,
                "field": form[name],
                "form": form,
                "token": token,
                "token_name": TOKEN,
                "url": inline_url(self.module, record.pk, name),
                "conflict": conflict,
            },
            status=status,
        )


def _report(form, name: str, error: ValidationError) -> None:
    """The action's errors on the form: this field's at the field, others' named beside it."""
    if not hasattr(error, "error_dict"):
        form.add_error(name, error)
        return
    for field, errors in error.error_dict.items():
        if field == name:
            form.add_error(name, errors)
            continue
        label = field
        if field in {f.name for f in form._meta.model._meta.get_fields()}:
            label = str(form._meta.model._meta.get_field(field).verbose_name)
        messages = [m for e in errors for m in e.messages]
        form.add_error(None, f"{label}: {' '.join(messages)}")


def mark_cells(module, cols, rows: list[dict], user) -> list[dict]:
    """A copy of a list page's rows (tables.rows), for tables.body, whose editable cells are
    inline editors' targets, each with a link to the edit form that works without JavaScript.
    The link column stays the link to the record. A row the user may not edit answers 403
    when tried (knowing it beforehand would cost a query per page)."""
    if not rows or not permissions.can(user, "edit", module.model):
        return rows
    editable = editable_fields(module)
    marked = [
        (i, col.name, escape(_("Edit %(field)s") % {"field": col.label}))
        for i, col in enumerate(cols)
        if col.name in editable and col.name != module.link_column
    ]
    if not marked:
        return rows
    base = module.url("list")
    out = []
    for row in rows:
        cells = list(row["cells"])
        pk = row["pk"]
        out.append({**row, "cells": cells})
        for i, name, title in marked:
            text, href = cells[i]
            if href:
                continue
            text = text if isinstance(text, SafeData) else escape(str(text))
            cells[i] = (
                mark_safe(  # noqa: S308 - the text and the title are escaped
                    f'<span class="inline-value" data-inline="{base}{pk}/inline/{name}/">'
                    f'<span class="inline-text">{text}</span>'
                    f'<a class="inline-edit" href="{base}{pk}/edit/" title="{title}" '
                    f'aria-label="{title}"><i class="bi bi-pencil"></i></a></span>'
                ),
                "",
            )
    return out
