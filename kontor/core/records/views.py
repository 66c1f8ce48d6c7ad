"""The generic record views: detail, create, edit, delete, trash, restore, teams (the list
and its actions: list_views.py; exports: export.py, vcard.py).

Each view is configured with a module declaration (`View.as_view(module=…)`, see urls.py), asks
the permission filter for its records and calls one action to write. Small `get_*` hooks let a
module change one step without copying a whole view.
"""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from kontor.core import actions, config, permissions
from kontor.core.edits import EditConflict
from kontor.core.records import conflicts, detail, forms


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


class DetailView(ModuleView):
    """A record: field panels, subpanels, open activities and history, the change log."""

    def get(self, request, pk):
        # The links the page shows come in the record's query (detail.joined).
        queryset = self.get_queryset().select_related(*detail.joined(self.module))
        return self.render_page(get_object_or_404(queryset, pk=pk))

    def render_page(self, record, **extra):
        """The page of `record`; its timeline and related lists load afterwards (fragments.py)."""
        return render(
            self.request,
            self.module.detail_template,
            self.context(
                record=record,
                **detail.context(self.module, record, self.request.user),
                **self.module.detail_context(record, self.request.user),
                **extra,
            ),
        )


class FormView(ModuleView):
    """Shared by create and edit: validate the form, save through the action, redirect."""

    template_name = "records/form.html"

    def get_form(self, record, data=None, files=None):
        return forms.form_for(self.module)(
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
        """Write through the form's action (`RecordForm.save_with`; a module's form class may
        save more, e.g. an activity's invitees)."""
        return form.save_with(actor=self.request.user)

    def render_form(self, form, record, *, conflict_rows=(), status=None):
        return render(
            self.request,
            self.template_name,
            self.context(
                form=form,
                record=record,
                is_new=record._state.adding,
                form_panels=form_panels(self.module, form),
                conflict_rows=conflict_rows,
            ),
            status=status or (400 if form.is_bound else 200),
        )

    def process(self, record):
        data = conflicts.resolved(self.request.POST)
        form = self.get_form(record, data, self.request.FILES)
        if not form.is_valid():
            return self.render_form(form, record)
        try:
            saved = self.save(form)
        except ValidationError as error:
            form.add_error(None, error) if not hasattr(error, "error_dict") else _add_errors(
                form, error
            )
            return self.render_form(form, record)
        except EditConflict as conflict:
            return self.render_conflict(form, form.instance, conflict)
        messages.success(self.request, _("Saved %(name)s.") % {"name": str(saved)})
        return HttpResponseRedirect(self.module.url("detail", saved.pk))

    def render_conflict(self, form, record, conflict):
        """The form again, 409: the stored record with the user's changes, and per field both
        changed the choice of keeping the user's value or taking the other person's."""
        fresh = self.get_form(record)
        again = self.get_form(record, conflicts.merged_data(form, fresh))
        rows = conflicts.rows(record, conflict, fresh, form.shown_version)
        return self.render_form(again, record, conflict_rows=rows, status=409)


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
    hidden = form.layout_hidden  # a RecordForm's fields a stored layout hides
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
