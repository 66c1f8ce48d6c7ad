"""The import pages: upload, mapping with dry run, progress, result, failed rows, undo.

Views only translate: they check `permissions.can(user, "import", model)`, read the request and
call one action. A batch is visible to the user who started it and to admins; everyone else
gets a 404.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import permissions, registry
from kontor.core.records.export import Echo, neutralise
from kontor.imports import actions, undo
from kontor.imports.forms import UploadForm, settings_from_post
from kontor.imports.mapping import targets
from kontor.imports.models import ImportBatch, ImportMapping, ImportRow
from kontor.ops import workers


def _module(slug: str, user):
    try:
        module = registry.get(slug)
    except KeyError:
        raise Http404 from None
    if not permissions.can(user, "import", module.model):
        raise Http404
    return module


def access_batch(user, pk) -> ImportBatch:
    """The batch, if `user` started it (or is an admin) and may still import; else 404."""
    batch = get_object_or_404(ImportBatch.objects.select_related("record_type"), pk=pk)
    mine = batch.created_by_id == user.pk or permissions.is_admin(user)
    if not mine or not permissions.can(user, "import", batch.model):
        raise Http404
    return batch


@login_required
def upload(request, slug):
    """Step 1: choose a file; recent imports of this record type are listed below."""
    module = _module(slug, request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = actions.create_batch(
                form.cleaned_data["file"], model=module.model, actor=request.user
            )
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
        else:
            return redirect("imports:batch", batch.pk)
    recent = ImportBatch.objects.filter(
        record_type__model=module.opts.model_name, record_type__app_label=module.opts.app_label
    )
    if not permissions.is_admin(request.user):
        recent = recent.filter(created_by=request.user)
    return render(
        request, "imports/upload.html", {"module": module, "form": form, "recent": recent[:20]}
    )


@login_required
def batch_page(request, pk):
    """Step 2 (mapping and dry run) while the batch is a draft; afterwards progress/result."""
    batch = access_batch(request.user, pk)
    module = registry.for_model(batch.model)
    if batch.status != ImportBatch.Status.DRAFT:
        return render(request, "imports/batch.html", _result_context(batch, module, request))
    options, errors, preview = batch.options, [], None
    mapping_id = request.GET.get("mapping")
    if mapping_id and mapping_id.isdigit():
        saved = ImportMapping.objects.filter(
            pk=mapping_id, owner=request.user, record_type=batch.record_type
        ).first()
        if saved:
            options = actions.apply_mapping(batch, saved)
    if request.method == "POST":
        options = settings_from_post(request.POST, len(batch.headers), batch.options)
        try:
            actions.configure(batch, options, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            step = request.POST.get("step")
            if step == "start":
                actions.queue_import(batch, actor=request.user)
                return redirect("imports:batch", batch.pk)
            if step == "save_mapping" and request.POST.get("mapping_name", "").strip():
                actions.save_mapping(batch, request.POST["mapping_name"], actor=request.user)
                messages.success(request, _("Mapping saved."))
            try:
                preview = actions.preview(batch, actor=request.user)
            except ValidationError as error:  # the file cannot be read (a limit, damage)
                errors = error.messages
    return render(
        request,
        "imports/mapping.html",
        _mapping_context(batch, module, request, options, errors, preview),
    )


def _mapping_context(batch, module, request, options, errors, preview) -> dict:
    choices = targets(batch.model)
    samples = [[] for _h in batch.headers]
    for _number, cells in _first_rows(batch):
        for i in range(len(samples)):
            if i < len(cells) and str(cells[i]).strip():
                samples[i].append(str(cells[i])[:40])
    columns = options.get("columns", [])
    rows = [
        {
            "index": i,
            "header": h,
            "samples": samples[i][:3],
            "field": columns[i]["field"] if i < len(columns) else "",
            "rule": columns[i].get("rule", "overwrite") if i < len(columns) else "overwrite",
        }
        for i, h in enumerate(batch.headers)
    ]
    context = {
        "batch": batch,
        "module": module,
        "rows": rows,
        "options": options,
        "targets": list(choices.values()),
        "errors": errors,
        "mappings": ImportMapping.objects.filter(owner=request.user, record_type=batch.record_type),
    }
    if preview is not None:
        plans, more = preview
        counts = {}
        for plan in plans:
            counts[plan.outcome] = counts.get(plan.outcome, 0) + 1
        context.update(plans=plans, more=more, counts=counts)
    return context


def _first_rows(batch, limit: int = 5, scan: int = 100):
    """Up to `limit` non-empty rows of the first `scan` rows: the examples of each column."""
    from kontor.imports import readers

    rows = []
    try:
        for item in readers.rows(
            actions.batch_opener(batch), readers.Source.from_dict(batch.source), stop=scan
        ):
            rows.append(item)
            if len(rows) == limit:
                break
    except readers.ReaderError:
        pass
    return rows


def _result_context(batch, module, request) -> dict:
    now = timezone.now()
    done, total = batch.rows_done, batch.rows_total or 0
    elapsed = (
        ((batch.progress_at or now) - batch.started_at).total_seconds() if batch.started_at else 0
    )
    rate = done / elapsed if elapsed > 0 else 0
    left = (total - done) / rate if rate and total > done else 0
    return {
        "batch": batch,
        "module": module,
        "percent": int(100 * done / total) if total else 0,
        "rate": int(rate),
        "left": int(left),
        "left_minutes": round(left / 60),
        "can_undo": undo.can_undo(batch, request.user),
        "can_resume": actions.can_start(batch) and batch.status != "draft",
        # A stalled run or undo (its worker was killed) stops polling and offers its
        # buttons (resume, undo) again.
        "polling": batch.is_active and not (actions.can_start(batch) or undo.undo_stalled(batch)),
        # Waiting with no worker to run it would wait for ever: say so, and what to do.
        "no_worker": batch.status == batch.Status.QUEUED and not workers.worker_seen(),
    }


@login_required
def progress(request, pk):
    """The progress fragment (HTMX polls it every second while the import runs)."""
    batch = access_batch(request.user, pk)
    module = registry.for_model(batch.model)
    return render(request, "imports/_progress.html", _result_context(batch, module, request))


@login_required
@require_POST
def resume(request, pk):
    batch = access_batch(request.user, pk)
    try:
        actions.queue_import(batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:batch", batch.pk)


@login_required
@require_POST
def undo_view(request, pk):
    batch = access_batch(request.user, pk)
    try:
        undo.undo_import(batch, actor=request.user)
    except (ValidationError, PermissionDenied):
        messages.error(request, _("This import cannot be undone now."))
    return redirect("imports:batch", batch.pk)


@login_required
def failed_rows(request, pk):
    """The rows that were not imported (errors and duplicates), with the reason per row."""
    batch = access_batch(request.user, pk)
    delimiter = batch.source.get("delimiter") or ","
    writer = csv.writer(Echo(), delimiter=delimiter)
    header = [*batch.headers, _("Row"), _("Reason")]

    def lines():
        yield "\ufeff" + writer.writerow([neutralise(h) for h in header])
        rows = (
            ImportRow.objects.filter(batch=batch, outcome__in=["failed", "duplicate"])
            .order_by("row")
            .values_list("row", "values", "message")
        )
        for number, cells, message in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [*(neutralise(str(c)) for c in cells), number, neutralise(message)]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = batch.filename.rsplit(".", 1)[0][:80] or "import"
    response["Content-Disposition"] = f'attachment; filename="{name}-not-imported.csv"'
    return response
