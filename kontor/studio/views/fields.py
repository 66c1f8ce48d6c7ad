"""Fields and layouts per record type: required marks, custom fields, panel and list layout."""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kontor.core import config, registry
from kontor.core.admin_area import admin_required
from kontor.core.models import DropdownList
from kontor.studio.actions import fields as actions
from kontor.studio.actions import layouts
from kontor.studio.forms import CustomFieldEditForm, CustomFieldForm
from kontor.studio.models import CustomField
from kontor.studio.views import apply, refused


def _module(slug):
    try:
        return registry.get(slug)
    except KeyError:
        raise Http404 from None


def _field_form(data=None):
    return CustomFieldForm(
        data,
        prefix="cf",
        lists=DropdownList.objects.order_by("name").values_list("name", flat=True),
        modules=registry.modules(),
    )


@admin_required
def index(request):
    """The record types whose fields and layouts admins configure."""
    return render(request, "studio/fields_index.html", {"modules": registry.modules()})


@admin_required
def module(request, slug):
    """One record type: required fields, custom fields, a link to its layouts."""
    mod = _module(slug)
    back = HttpResponseRedirect(reverse("studio:module", args=[slug]))
    form = _field_form()
    status = 200
    if request.method == "POST" and request.POST.get("op") == "required":
        try:
            actions.set_required(mod, request.POST.getlist("required"), actor=request.user)
            messages.success(request, _("Required fields saved."))
        except Exception as error:  # noqa: BLE001 - a ValidationError, shown as a message
            refused(request, error)
        return back
    if request.method == "POST" and request.POST.get("op") == "add":
        form = _field_form(request.POST)
        if apply(
            form, lambda: actions.create_custom_field(mod, **form.cleaned_data, actor=request.user)
        ):
            messages.success(request, _("Custom field added."))
            return back
        status = 400
    configured = config.configured_required(mod.model)
    builtin = config.builtin_required(mod.model)
    return render(
        request,
        "studio/module.html",
        {
            "mod": mod,
            "form": form,
            "builtin": [mod.model._meta.get_field(n) for n in mod.form_fields if n in builtin],
            "optional": [(f, f.name in configured) for f in actions.optional_fields(mod)],
            "custom": CustomField.objects.filter(model_label=config.label_of(mod.model)),
        },
        status=status,
    )


@admin_required
def custom_edit(request, slug, pk):
    """Rename, retype (when no value is lost), require, deactivate or index a custom field."""
    mod = _module(slug)
    field = get_object_or_404(CustomField, pk=pk, model_label=config.label_of(mod.model))
    form = CustomFieldEditForm(request.POST or None, initial=actions.definition(field))
    if request.method == "POST" and apply(
        form, lambda: actions.update_custom_field(field, **form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("Custom field saved."))
        return HttpResponseRedirect(reverse("studio:module", args=[slug]))
    return render(
        request,
        "studio/custom_edit.html",
        {"mod": mod, "field": field, "form": form},
        status=400 if form.errors else 200,
    )


def _label(mod, name: str) -> str:
    custom = config.custom_field(mod.model, name)
    return custom.label if custom else str(mod.model._meta.get_field(name).verbose_name)


def _posted_panels(request, mod) -> tuple[dict, list]:
    """The panels as posted: by drag and drop (ordered lists) or by the no-JS selects."""
    if request.POST.get("js"):
        panels = {i: request.POST.getlist(f"panel-{i}") for i in range(len(mod.panels))}
        return panels, request.POST.getlist("hidden")
    names = set(mod.form_fields) | {f.name for f in config.custom_fields(mod.model)}
    placed = []
    for name in names:
        where = request.POST.get(f"place-{name}", "")
        try:
            position = int(request.POST.get(f"pos-{name}") or 0)
        except ValueError:
            position = 0
        placed.append((where, position, name))
    panels = {
        i: [n for w, _p, n in sorted(placed, key=lambda t: (t[1], t[2])) if w == str(i)]
        for i in range(len(mod.panels))
    }
    return panels, sorted(n for w, _p, n in placed if w == "hidden")


def _posted_columns(request, mod) -> list[str]:
    if request.POST.get("js"):
        return request.POST.getlist("columns")
    chosen = []
    for name in config.all_columns(mod):
        if request.POST.get(f"col-{name}"):
            try:
                position = int(request.POST.get(f"colpos-{name}") or 0)
            except ValueError:
                position = 0
            chosen.append((position, name))
    return [n for _p, n in sorted(chosen)]


@admin_required
def layout(request, slug):
    """Drag fields between the panels (or hide them) and choose the default list columns."""
    mod = _module(slug)
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "panels":
                panels, hidden = _posted_panels(request, mod)
                layouts.set_panels(mod, panels, hidden, actor=request.user)
            elif op == "columns":
                layouts.set_list_columns(mod, _posted_columns(request, mod), actor=request.user)
            elif op in {"reset-panels", "reset-list"}:
                layouts.reset_layout(
                    mod, "panels" if op == "reset-panels" else "list", actor=request.user
                )
            messages.success(request, _("Layout saved."))
        except Exception as error:  # noqa: BLE001 - a ValidationError, shown as a message
            refused(request, error)
        return HttpResponseRedirect(reverse("studio:layout", args=[slug]))
    current = config.panels(mod)
    placed = {n for _t, names in current[: len(mod.panels)] for n in names}
    required = config.required_fields(mod.model)
    item = lambda n: {"name": n, "label": _label(mod, n), "required": n in required}  # noqa: E731
    panels = [
        {"index": i, "title": title, "fields": [item(n) for n in names]}
        for i, (title, names) in enumerate(current[: len(mod.panels)])
    ]
    hidden = [
        item(n)
        for n in [*mod.form_fields, *(f.name for f in config.custom_fields(mod.model))]
        if n not in placed
    ]
    columns = list(config.list_columns(mod))
    return render(
        request,
        "studio/layout.html",
        {
            "mod": mod,
            "panels": panels,
            "hidden": hidden,
            "columns": [item(c) for c in columns],
            "available": [item(c) for c in config.all_columns(mod) if c not in columns],
            "customised": {k for k in ("panels", "list") if config.layout(mod.model, k)},
        },
    )
