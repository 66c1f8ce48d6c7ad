"""The dropdown editor: lists, values (add, rename, reorder, deactivate, default, delete)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core.admin_area import admin_required
from kontor.core.models import DropdownList, DropdownValue
from kontor.studio.actions import dropdowns as actions
from kontor.studio.forms import ListForm, ValueEditForm, ValueForm
from kontor.studio.views import apply, refused

PROBABILITY_LISTS = {"sales_stage_dom"}
#: Lists whose values name the forecast category of the records that enter them.
FORECAST_LISTS = {"sales_stage_dom"}


@admin_required
def lists(request):
    """Every dropdown list, and a form for a new one."""
    form = ListForm(request.POST or None, prefix="new")
    if request.method == "POST" and apply(
        form, lambda: actions.create_list(**form.cleaned_data, actor=request.user)
    ):
        messages.success(request, _("List created."))
        return HttpResponseRedirect(reverse("studio:dropdown", args=[form.cleaned_data["name"]]))
    rows = DropdownList.objects.annotate(count=Count("values")).order_by("name")
    return render(
        request,
        "studio/dropdown_lists.html",
        {"lists": rows, "form": form},
        status=400 if form.errors else 200,
    )


def _editor(request, dropdown, *, add_form=None, edit_forms=None, status=200):
    values = list(dropdown.values.order_by("position", "id"))
    edit_forms = edit_forms or {}
    rows = [
        {
            "value": v,
            "form": edit_forms.get(v.pk)
            or ValueEditForm(
                prefix=f"v{v.pk}",
                initial={
                    "label_en": v.label_en,
                    "label_de": v.label_de,
                    "active": v.active,
                    "probability": v.extra.get("probability"),
                    "forecast_category": v.extra.get("forecast_category", ""),
                },
            ),
        }
        for v in values
    ]
    has_probability = dropdown.name in PROBABILITY_LISTS or any(
        "probability" in v.extra for v in values
    )
    add_form = add_form or ValueForm(prefix="add")
    if not has_probability:
        add_form.fields.pop("probability", None)
    if not has_probability or dropdown.name not in FORECAST_LISTS:
        add_form.fields.pop("forecast_category", None)
    return render(
        request,
        "studio/dropdown_edit.html",
        {
            "dropdown": dropdown,
            "rows": rows,
            "has_probability": has_probability,
            "has_forecast": dropdown.name in FORECAST_LISTS,
            "add_form": add_form,
        },
        status=status,
    )


@admin_required
def edit(request, name):
    """One list: its values in order, each editable, plus a form to add one."""
    dropdown = get_object_or_404(DropdownList, name=name)
    if request.method != "POST":
        return _editor(request, dropdown)
    op = request.POST.get("op")
    back = HttpResponseRedirect(reverse("studio:dropdown", args=[name]))
    if op == "add":
        form = ValueForm(request.POST, prefix="add")
        if apply(
            form, lambda: actions.add_value(dropdown, **form.cleaned_data, actor=request.user)
        ):
            messages.success(request, _("Value added."))
            return back
        return _editor(request, dropdown, add_form=form, status=400)
    if op == "update":
        value = get_object_or_404(DropdownValue, dropdown=dropdown, pk=request.POST.get("value"))
        form = ValueEditForm(request.POST, prefix=f"v{value.pk}")
        if dropdown.name not in FORECAST_LISTS or form.add_prefix("forecast_category") not in (
            request.POST
        ):
            form.fields.pop("forecast_category")  # not offered or not sent: left as it is
        if apply(
            form, lambda: actions.update_value(value, **form.cleaned_data, actor=request.user)
        ):
            messages.success(request, _("Value saved."))
            return back
        return _editor(request, dropdown, edit_forms={value.pk: form}, status=400)
    try:
        if op == "default":
            actions.set_default(dropdown, request.POST.get("default", ""), actor=request.user)
        elif op in {"up", "down"}:
            actions.move(
                dropdown, request.POST.get("key", ""), -1 if op == "up" else 1, actor=request.user
            )
        elif op == "order":
            actions.reorder(dropdown, request.POST.getlist("order"), actor=request.user)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        refused(request, error)
    return back


@admin_required
def delete(request, name, pk):
    """Delete a value: refused with the count of records using it, or mapped to another."""
    value = get_object_or_404(DropdownValue, dropdown__name=name, pk=pk)
    error = None
    if request.method == "POST":
        try:
            mapped = actions.delete_value(
                value, remap_to=request.POST.get("remap_to", ""), actor=request.user
            )
        except ValidationError as refused_error:
            error = " ".join(refused_error.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "Value deleted; %(count)d record was mapped.",
                    "Value deleted; %(count)d records were mapped.",
                    mapped,
                )
                % {"count": mapped}
                if mapped
                else _("Value deleted."),
            )
            return HttpResponseRedirect(reverse("studio:dropdown", args=[name]))
    others = value.dropdown.values.exclude(pk=value.pk).order_by("position", "id")
    return render(
        request,
        "studio/dropdown_delete.html",
        {
            "value": value,
            "dropdown": value.dropdown,
            "count": actions.usage(value),
            "others": others,
            "error": error,
        },
        status=400 if error else 200,
    )
