"""The generic record views: list, detail, create, edit, delete, trash, restore, export.

Each view is configured with a module declaration (`View.as_view(module=…)`, see urls.py), asks
the permission filter for its records and calls one action to write. Small `get_*` hooks let a
module change one step without copying a whole view.
"""

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from kontor.core import actions, config, permissions, search
from kontor.core.records import detail, forms, tables
from kontor.core.records.filters import filterset_for
from kontor.core.records.pagination import paginate


class ModuleView(LoginRequiredMixin, View):
    """Base: a view bound to one module; refuses users without access to it."""

    module = None
    #: the permission action this view needs
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can(
            request.user, self.action, self.module.model
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self, action: str | None = None):
        """The module's records this user may `action` (the one permission filter)."""
        return self.module.model.objects.visible_to(self.request.user, action or self.action)

    def get_trash(self):
        """The module's records in the trash that this user may restore."""
        return self.module.model.with_deleted.filter(deleted=True).visible_to(
            self.request.user, "delete"
        )

    def get_object(self, action: str | None = None):
        """The record of the URL, or 404 when it is missing, in the trash or not allowed."""
        return get_object_or_404(self.get_queryset(action), pk=self.kwargs["pk"])

    def context(self, **extra) -> dict:
        return {"module": self.module, **extra}


class ListView(ModuleView):
    """The list page: search, filters, sort, chosen columns, keyset pages, mass actions."""

    action = "list"
    template_name = "records/list.html"
    fragment_name = "records/_list_table.html"

    def get_columns(self) -> list[tables.Column]:
        prefs = getattr(self.request.user, "profile", None)
        chosen = prefs.list_columns(self.module.slug) if prefs else None
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
        filterset = filterset_for(self.module)(
            self.request.GET or None, queryset=self.get_queryset(), request=self.request
        )
        queryset = (
            filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        )
        term = self.request.GET.get("q", "")
        return filterset, search.search(queryset, term), term

    def get(self, request):
        cols = self.get_columns()
        sort = self.get_sort(cols)
        filterset, queryset, term = self.filtered()
        custom_shown = any(isinstance(c.field, tables.CustomColumnField) for c in cols)
        queryset = self.sorted_by_custom(queryset, cols, sort)
        queryset = queryset.select_related(*tables.related_fields(cols)).defer(
            "search_text", "description", *(() if custom_shown else ("custom",))
        )
        page = paginate(queryset, sort, request.GET.get("cursor"), settings.KONTOR_PAGE_SIZE)
        context = self.context(
            columns=cols,
            sort=sort,
            filterset=filterset,
            q=term,
            page=page,
            rows=tables.rows(self.module, cols, page.rows),
            can_edit=permissions.can(request.user, "mass_update", self.module.model),
            can_create=permissions.can(request.user, "create", self.module.model),
            can_delete=permissions.can(request.user, "delete", self.module.model),
            mass_form=forms.form_for(self.module)(user=request.user, auto_id="mass_%s"),
            mass_fields=self.module.mass_update_fields,
            column_options=[
                (c.name, c.label, c.name in {col.name for col in cols})
                for c in tables.columns(self.module, config.all_columns(self.module))
            ],
            page_query=_query_without(request.GET, "cursor"),
        )
        template = self.fragment_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


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


class DetailView(ModuleView):
    """A record: field panels, subpanels, open activities and history, the change log."""

    def get(self, request, pk):
        record = self.get_object()
        return render(
            request,
            self.module.detail_template,
            self.context(
                record=record,
                **detail.context(self.module, record, request.user),
                **self.module.detail_context(record, request.user),
            ),
        )


class FormView(ModuleView):
    """Shared by create and edit: validate the form, save through the action, redirect."""

    template_name = "records/form.html"

    def get_form(self, record, data=None, files=None):
        form_class = (
            self.module.form_class_for()
            if hasattr(self.module, "form_class_for")
            else forms.form_for(self.module)
        )
        return form_class(
            data=data,
            files=files,
            instance=record,
            user=self.request.user,
            initial=self.get_initial() if record._state.adding else None,
        )

    def get_initial(self) -> dict:
        """New records belong to their creator; the query string can prefill more, e.g.
        ?account=<id> from an account's page or ?parent=leads:<id> for an activity."""
        names = set(self.module.form_fields) | {"parent"}
        initial = {"assigned_user": self.request.user.pk}
        initial.update({k: v for k, v in self.request.GET.items() if k in names})
        return initial

    def save(self, form):
        """Write through the action; the module may override to save more (invitees …)."""
        if hasattr(form, "save_with"):
            return form.save_with(actor=self.request.user)
        return actions.save_record(form.instance, actor=self.request.user)

    def render_form(self, form, record):
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                record=record,
                is_new=record._state.adding,
                form_panels=form_panels(self.module, form),
            ),
            status=400 if form.is_bound else 200,
        )

    def process(self, record):
        form = self.get_form(record, self.request.POST, self.request.FILES)
        if not form.is_valid():
            return self.render_form(form, record)
        try:
            saved = self.save(form)
        except ValidationError as error:
            form.add_error(None, error) if not hasattr(error, "error_dict") else _add_errors(
                form, error
            )
            return self.render_form(form, record)
        messages.success(self.request, _("Saved %(name)s.") % {"name": str(saved)})
        return HttpResponseRedirect(self.module.url("detail", saved.pk))


def form_panels(module, form) -> list[tuple]:
    """The form's fields grouped like the detail panels; extra form fields join the first."""

    def item(name):
        widget = form.fields[name].widget
        kind = (
            "check"
            if isinstance(widget, django_forms.CheckboxInput)
            else ("wide" if isinstance(widget, django_forms.Textarea) else "normal")
        )
        return {"field": form[name], "kind": kind}

    layout = config.panels(module)
    panels = [(title, [item(n) for n in names if n in form.fields]) for title, names in layout]
    placed = {name for _title, names in layout for name in names}
    hidden = getattr(form, "layout_hidden", frozenset())
    extra = [
        item(n)
        for n in form.fields
        if n not in placed and n not in hidden and not form[n].is_hidden
    ]
    if panels and extra:
        panels[0] = (panels[0][0], panels[0][1] + extra)
    # Long text fields take a whole row: put them after the short ones of their panel.
    return [
        (title, sorted(fields, key=lambda i: i["kind"] == "wide"))
        for title, fields in panels
        if fields
    ]


def _add_errors(form, error: ValidationError) -> None:
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class CreateView(FormView):
    action = "create"

    def get(self, request):
        record = self.module.model()
        return self.render_form(self.get_form(record), record)

    def post(self, request):
        return self.process(self.module.model())


class EditView(FormView):
    action = "edit"

    def get(self, request, pk):
        record = self.get_object()
        return self.render_form(self.get_form(record), record)

    def post(self, request, pk):
        return self.process(self.get_object())


class DeleteView(ModuleView):
    """Ask, then move the record to the trash."""

    action = "delete"
    template_name = "records/confirm_delete.html"

    def get(self, request, pk):
        return render(request, self.template_name, self.context(record=self.get_object()))

    def post(self, request, pk):
        record = self.get_object()
        actions.delete_records([record], actor=request.user)
        messages.success(request, _("Moved %(name)s to the trash.") % {"name": str(record)})
        return HttpResponseRedirect(self.module.url("list"))


class TrashView(ModuleView):
    """Deleted records of the module, newest first, with restore."""

    action = "delete"
    template_name = "records/trash.html"

    def get(self, request):
        queryset = self.get_trash().order_by("-deleted_at", "-pk")[:200]
        return render(request, self.template_name, self.context(records=list(queryset)))


class RestoreView(ModuleView):
    action = "delete"

    def post(self, request, pk):
        record = get_object_or_404(self.get_trash(), pk=pk)
        actions.restore_records([record], actor=request.user)
        messages.success(request, _("Restored %(name)s.") % {"name": str(record)})
        return HttpResponseRedirect(self.module.url("detail", record.pk))


class MassActionView(ModuleView):
    """Mass update or mass delete of the selected rows, all or nothing."""

    action = "list"

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


class TeamsView(ModuleView):
    """Set the teams of a record (its editors; only teams the detail page offered them)."""

    action = "edit"

    def post(self, request, pk):
        record = self.get_object()
        offered = {
            t.pk for t, _chosen in detail.teams_context(record, request.user, True)["team_choices"]
        }
        wanted = set()
        for value in request.POST.getlist("teams"):
            if not value.isdigit() or int(value) not in offered:
                raise Http404  # a forged team id: refused like a missing page
            wanted.add(int(value))
        if actions.set_teams(record, wanted, actor=request.user):
            messages.success(request, _("Saved the teams of %(name)s.") % {"name": str(record)})
        return HttpResponseRedirect(self.module.url("detail", record.pk))


class ColumnsView(ModuleView):
    """Remember the columns this user chose for this list."""

    action = "list"

    def post(self, request):
        allowed = set(config.all_columns(self.module))
        chosen = [c for c in request.POST.getlist("columns") if c in allowed]
        from kontor.users.actions import save_list_columns

        save_list_columns(request.user, self.module.slug, chosen, actor=request.user)
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
