"""The parts of a record's page that load after it (docs/performance.md: the first answer does
not wait for them), and the path's step change.

`TimelineView` (/<slug>/<id>/timeline/) and `RelatedView` (/<slug>/<id>/related/) answer the
page's `hx-get … hx-trigger="load"` with one fragment each, through the permission filter like
the page: a record the user may not see is 404 here too. `StageView` moves a record along its
path (kontor.core.records.path).
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from kontor.core import actions
from kontor.core.edits import VersionMismatch
from kontor.core.records import detail
from kontor.core.records.views import DetailView, ModuleView


class TimelineView(ModuleView):
    """The record's timeline card (records/_timeline.html)."""

    def get(self, request, pk):
        record = self.get_object()
        return render(
            request,
            "records/_timeline.html",
            self.context(
                record=record, **detail.timeline_context(self.module, record, request.user)
            ),
        )


class RelatedView(ModuleView):
    """The record's related lists (records/_related.html)."""

    def get(self, request, pk):
        record = self.get_object()
        return render(
            request,
            "records/_related.html",
            self.context(
                record=record, **detail.related_context(self.module, record, request.user)
            ),
        )


class StageView(DetailView):
    """POST: move the record to the step `value` of its path (editors only; others 404)."""

    action = "edit"

    def get(self, request, pk):
        raise Http404

    def post(self, request, pk):
        if not self.module.path_field:
            raise Http404
        record = self.get_object()
        error = self.move(record, request.POST.get("value", ""), request.POST.get("version"))
        if not request.headers.get("HX-Request"):
            if error:
                messages.error(request, error)
            return HttpResponseRedirect(self.module.url("detail", record.pk))
        # HTMX swaps the record's part of the page: rendered from the row as stored now (a
        # refused click left it unchanged), the refusal shown above the path.
        return self.render_page(self.get_object("view"), path_error=error)

    def move(self, record, value: str, version) -> str:
        """Set the path field to `value` through the action; the reason of a refusal, or ""."""
        name = self.module.path_field
        if getattr(record, name) == value:
            return ""
        setattr(record, name, value)
        try:
            shown = datetime.fromisoformat(version) if version else None
        except ValueError:
            shown = None
        try:
            actions.save_record(record, actor=self.request.user, if_version=shown)
        except ValidationError as error:
            found = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            labels = {f.name: f.verbose_name for f in self.module.model._meta.fields}
            parts = [
                f"{labels[field]}: {text}" if field in labels else text
                for field, texts in found.items()
                for text in texts
            ]
            return _("The stage was not changed. %(reasons)s") % {"reasons": " ".join(parts)}
        except VersionMismatch:
            return _(
                "The stage was not changed: someone else saved this record meanwhile. "
                "Please look at the current values and try again."
            )
        return ""
