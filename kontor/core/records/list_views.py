"""The list pages of every record type and what a list does: the bounded count, mass update
and mass delete of the selected rows, the column chooser and the relate pickers' lookup.

Views bound to one module like the others of kontor.core.records.views (`module=`, see urls.py),
reading their records through the permission filter and writing through one action each.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.core import actions, config, extensions, permissions, preferences, search
from kontor.core.records import forms, inline, list_extras, tables
from kontor.core.records.filters import filterset_for
from kontor.core.records.pagination import paginate
from kontor.core.records.views import ModuleView


class ListView(ModuleView):
    """The list page: search, filters, sort, chosen columns, keyset pages, mass actions."""

    action = "list"
    template_name = "records/list.html"
    fragment_name = "records/_list_table.html"

    def get_columns(self) -> list[tables.Column]:
        chosen = extensions.list_columns(self.module, self.request) or preferences.list_columns(
            self.request.user, self.module.slug
        )
        defaults = config.list_columns(self.module)
        allowed = set(config.all_columns(self.module))
        names = [c for c in (chosen or defaults) if c in allowed]
        return tables.columns(self.module, names or defaults)

    def get_sort(self, cols) -> str:
        sort = self.request.GET.get("sort", "")
        keys = {c.sort_key for c in cols} | {self.module.default_sort.lstrip("-")}
        return sort if sort.lstrip("-") in keys else self.module.default_sort

    def sorted_by_custom(self, queryset, cols, sort: str):
        """Custom columns as annotations: their text (what exports read) and, when the list
        sorts by one, its typed JSON value."""
        for col in cols:
            if isinstance(col.field, tables.CustomColumnField):
                queryset = queryset.annotate(**{col.field.attname: col.field.text()})
                if sort.lstrip("-") == col.sort_key:
                    queryset = queryset.annotate(
                        **{col.sort_key: col.field.definition.expression()}
                    )
        return queryset

    def filtered(self):
        params, queryset = self.request.GET, self.get_queryset()
        filterset_class = filterset_for(self.module)
        if filters_asked(params, self.module):
            filterset = filterset_class(params, queryset=queryset, request=self.request)
            if filterset.is_valid():
                queryset = filterset.qs
        else:
            # Nothing to filter by: the FilterSet (a deep copy of every filter) is built only
            # if something reads it.
            filterset = SimpleLazyObject(
                lambda: filterset_class(None, queryset=queryset, request=self.request)
            )
        term = params.get("q", "")
        return filterset, search.search(queryset, term), term

    def get(self, request):
        if not request.GET:
            start = extensions.list_start(self.module, request)
            if start:
                return HttpResponseRedirect(start)
        cols = self.get_columns()
        sort = self.get_sort(cols)
        filterset, queryset, term = self.filtered()
        queryset = self.sorted_by_custom(queryset, cols, sort)
        loaded = tables.loaded_fields(self.module.model, cols, sort, self.module.link_column)
        if self.module.closed_statuses:
            loaded.append("status")  # whether a row offers "done" (list_extras.quick_done)
        queryset = queryset.select_related(*tables.related_fields(cols)).only(*loaded)
        page = paginate(queryset, sort, request.GET.get("cursor"), settings.KONTOR_PAGE_SIZE)
        rows = tables.rows(self.module, cols, page.rows, request.user)
        context = self.context(
            columns=cols,
            sort=sort,
            filterset=filterset,
            q=term,
            page=page,
            rows=rows,
            body=tables.body(
                list_extras.quick_done(
                    self.module,
                    cols,
                    page.rows,
                    inline.mark_cells(self.module, cols, rows, request.user),
                )
            ),
            totals=list_extras.page_totals(cols, page.rows),
            density=preferences.list_density(request.user),
            can_edit=permissions.can(request.user, "mass_update", self.module.model),
            can_create=permissions.can(request.user, "create", self.module.model),
            can_delete=permissions.can(request.user, "delete", self.module.model),
            mass_fields=mass_fields(self.module),
            show_filters=filters_asked(request.GET, self.module),
            page_query=_query_without(request.GET, "cursor"),
            sort_query=_query_without(request.GET, "sort", "cursor"),
            urls={verb.replace("-", "_"): self.module.url(verb) for verb in _LIST_VERBS},
        )
        if request.headers.get("HX-Request"):
            return render(request, self.fragment_name, context)
        context.update(extensions.list_context(self.module, request))
        return render(request, self.template_name, context)


#: The URLs a list page links to (module.url: reversed once, not per page).
_LIST_VERBS = (
    "list",
    "count",
    "filters",
    "mass",
    "columns",
    "trash",
    "export",
    "export-xlsx",
    "export-vcf",
    "totals",
    "density",
)

#: The list parameters that are no filter: with only these the filter panel stays unloaded.
_NOT_FILTERS = frozenset({"q", "sort", "cursor"})


def filters_asked(params, module=None) -> bool:
    """Does the query string say anything besides the search, the order, the page and the
    parameters of `module`'s extensions (a filter, or ?filters=1 to show the panel)?"""
    ignored = _NOT_FILTERS | extensions.list_params(module) if module else _NOT_FILTERS
    return any(name not in ignored for name in params)


def mass_fields(module) -> list[tuple[str, str]]:
    """(name, label) of the fields the mass update offers, labelled as the form labels them,
    without building the form (its widgets load when a field is chosen: MassActionView.get)."""
    meta = module.model._meta
    return [
        (name, capfirst(meta.get_field(name).verbose_name)) for name in module.mass_update_fields
    ]


class FiltersView(ModuleView):
    """The filter panel of a list, loaded when the user opens it (the list page renders it
    only when the address already filters), with the address's values filled in."""

    action = "list"

    def get(self, request):
        filterset = filterset_for(self.module)(
            request.GET or None, queryset=self.get_queryset(), request=request
        )
        shown = filterset.form.visible_fields()
        if shown:  # keyboard users continue in the panel they opened
            shown[0].field.widget.attrs["autofocus"] = True
        return render(request, "records/_list_filters.html", {"filterset": filterset})


def _query_without(params, *names) -> str:
    """The query string minus `names`, ending in "&" so a parameter can follow."""
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    encoded = kept.urlencode()
    return f"{encoded}&" if encoded else ""


class CountView(ModuleView):
    """The bounded count of a list, loaded after the list itself (never blocks first paint)."""

    action = "list"

    def get(self, request):
        _filterset, queryset, term = ListView(module=self.module, request=request).filtered()
        limit = settings.KONTOR_COUNT_LIMIT
        count = search.count_within_cap(queryset)
        if count is None:
            count = queryset[: limit + 1].count()
        if search.normalize(term) and count >= settings.KONTOR_SEARCH_CAP:
            # The search stopped collecting at the cap: there may be many more matches.
            text = _("%(count)s+ matches: refine the search to see the rest.") % {
                "count": formats.number_format(count, force_grouping=True)
            }
            return JsonResponse({"count": count, "capped": True, "text": text})
        capped = count > limit
        shown = formats.number_format(min(count, limit), force_grouping=True)
        text = (
            _("%(count)s+ records") % {"count": shown}
            if capped
            else ngettext("%(count)s record", "%(count)s records", count) % {"count": shown}
        )
        return JsonResponse({"count": min(count, limit), "capped": capped, "text": text})


class TotalsView(ModuleView):
    """The totals row of a list's whole filter, loaded after the page (list_extras); 204
    (the page's totals stay) when the filter holds more than KONTOR_COUNT_LIMIT records."""

    action = "list"

    def get(self, request):
        view = ListView(module=self.module, request=request)
        cols = view.get_columns()
        _filterset, queryset, _term = view.filtered()
        totals = list_extras.filter_totals(self.module, cols, queryset)
        if totals is None:
            return HttpResponse(status=204)
        return render(request, "records/_list_totals.html", {"totals": totals})


class MassActionView(ModuleView):
    """Mass update or mass delete of the selected rows, all or nothing."""

    action = "list"

    def get(self, request):
        """The input of the mass-update field ?field=, loaded when the field is chosen."""
        if not permissions.can(request.user, "mass_update", self.module.model):
            raise Http404
        name = request.GET.get("field", "")
        if name not in self.module.mass_update_fields:
            return HttpResponse("")
        form = forms.form_for(self.module)(user=request.user, auto_id="mass_%s")
        return render(request, "records/_mass_value.html", {"field": form[name]})

    def post(self, request):
        ids = request.POST.getlist("ids")[:1000]
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, {request.get_host()}, require_https=request.is_secure()
        ):
            back = self.module.url("list")
        verb = request.POST.get("verb")
        needed = "delete" if verb == "delete" else "mass_update"
        if not permissions.can(request.user, needed, self.module.model):
            raise Http404  # not allowed looks like not found (docs/architecture.md rule 3)
        try:
            records = list(self.get_queryset(needed).filter(pk__in=ids))
        except ValidationError:
            records = []
        if len(records) != len(set(ids)) or not records:
            # Rows the user may not change are reported, never skipped silently; which ones
            # stays unsaid, as for records that do not exist.
            refused = len(set(ids)) - len(records)
            messages.error(
                request,
                ngettext(
                    "%(count)d selected record no longer exists or may not be changed by you; "
                    "nothing was changed.",
                    "%(count)d selected records no longer exist or may not be changed by you; "
                    "nothing was changed.",
                    refused,
                )
                % {"count": refused}
                if ids
                else _("Select at least one record."),
            )
            return HttpResponseRedirect(back)
        if verb == "delete":
            count = actions.delete_records(records, actor=request.user)
            messages.success(
                request,
                ngettext(
                    "Moved %(count)d record to the trash.",
                    "Moved %(count)d records to the trash.",
                    count,
                )
                % {"count": count},
            )
            return HttpResponseRedirect(back)
        return self.mass_update(request, records, back)

    def mass_update(self, request, records, back):
        name = request.POST.get("field", "")
        if name not in self.module.mass_update_fields:
            messages.error(request, _("Choose a field to update."))
            return HttpResponseRedirect(back)
        form = forms.form_for(self.module)(data=request.POST, user=request.user)
        field = form.fields[name]
        try:
            value = field.clean(field.widget.value_from_datadict(request.POST, {}, name))
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return HttpResponseRedirect(back)
        count, refused = actions.mass_update(records, {name: value}, actor=request.user)
        if refused:
            details = "; ".join(
                f"{r}: {' '.join(m for msgs in e.values() for m in msgs)}"
                for r, e in list(refused.items())[:10]
            )
            messages.error(
                request,
                ngettext(
                    "Nothing was changed; %(count)d record refuses the value: %(details)s",
                    "Nothing was changed; %(count)d records refuse the value: %(details)s",
                    len(refused),
                )
                % {"count": len(refused), "details": details},
            )
        else:
            messages.success(
                request,
                ngettext("Updated %(count)d record.", "Updated %(count)d records.", count)
                % {"count": count},
            )
        return HttpResponseRedirect(back)


class ColumnsView(ModuleView):
    """The column chooser of a list (loaded when first opened), and remembering the columns
    this user chose."""

    action = "list"

    def get(self, request):
        shown = {c.name for c in ListView(module=self.module, request=request).get_columns()}
        options = [
            (c.name, c.label, c.name in shown)
            for c in tables.columns(self.module, config.all_columns(self.module))
        ]
        return render(
            request,
            "records/_column_chooser.html",
            {"column_options": options, "action": self.module.url("columns")},
        )

    def post(self, request):
        allowed = set(config.all_columns(self.module))
        chosen = [c for c in request.POST.getlist("columns") if c in allowed]
        preferences.save_list_columns(request.user, self.module.slug, chosen, actor=request.user)
        return HttpResponseRedirect(self.module.url("list"))


class LookupView(ModuleView):
    """JSON for relate pickers: up to 20 visible records matching ?q=."""

    action = "view"

    def get(self, request):
        queryset = self.get_queryset()
        term = request.GET.get("q", "")
        if term:
            queryset = search.search(queryset, term, cap=200)
        link = self.module.link_column or "pk"
        rows = queryset.order_by(link, "pk")[:20]
        return JsonResponse({"results": [{"value": str(r.pk), "text": str(r)} for r in rows]})
