"""The report pages: the list of a user's and shared reports, the builder with its preview,
the result page (stored result with its age, swapped for a fresh one), exports, duplicate and
delete. Reports of others that are not shared answer 404, as records do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import permissions
from kontor.core.records.filters import filterset_for
from kontor.reports import actions, charts, engine, exports, results, sources, spec
from kontor.reports.forms import ReportForm, initial_for
from kontor.reports.models import Report


def _visible(request, pk) -> Report:
    return get_object_or_404(Report.objects.visible_to(request.user), pk=pk)


def _changeable(request, pk) -> Report:
    report = _visible(request, pk)
    if not actions.may_change(request.user, report):
        raise Http404  # a shared report's viewer may not change it: as if it were not there
    return report


@login_required
def report_list(request):
    """My reports, then those shared with me."""
    reports = (
        Report.objects.visible_to(request.user)
        .select_related("owner", "team")
        .order_by("name", "pk")
    )
    mine = [r for r in reports if r.owner_id == request.user.pk]
    shared = [r for r in reports if r.owner_id != request.user.pk]
    for report in mine + shared:
        module = spec.module_for(report.module)
        report.module_name = module.verbose_name_plural if module else report.module
    return render(request, "reports/list.html", {"mine": mine, "shared": shared})


def _module_of(request, form_data=None, report=None):
    slug = (form_data or request.GET).get("report-module") or (report.module if report else "")
    return spec.module_for(slug) if slug else None


def _builder(request, report=None):
    module = _module_of(request, request.POST if request.method == "POST" else None, report)
    if request.method == "POST":
        form = ReportForm(request.POST, user=request.user, module=module)
        if form.is_valid():
            try:
                saved = actions.save_report(report, form.values(request.POST), actor=request.user)
            except ValidationError as error:
                form.show_errors(error.message_dict)
            else:
                messages.success(request, _("The report was saved."))
                return redirect("reports:detail", saved.pk)
        panel = _filter_panel(request.user, form.module, _posted_filters(form.module, request))
    else:
        initial = initial_for(report) if report else {"aggregates": ["count"]}
        form = ReportForm(initial=initial, user=request.user, module=module)
        panel = _start_panel(
            request.user,
            form.module,
            request.GET.get(sources.PARAM, ""),
            report.filters if report else "",
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/form.html",
        {"form": form, "report": report, **panel},
        status=status,
    )


def _posted_filters(module, request) -> str:
    return engine.normalise(module, request.POST) if module else ""


def _filter_panel(user, module, filters: str, **extra) -> dict:
    """The builder's filter panel of `module` showing `filters`, with the saved views of
    `module` the user may start from."""
    if module is None:
        return {"filterset": None, "q": "", "saved_views": []}
    params = QueryDict(filters)
    filterset = filterset_for(module)(params or None, queryset=module.model.objects.none())
    return {
        "filterset": filterset,
        "q": params.get("q", ""),
        "saved_views": sources.choices(user, module),
        **extra,
    }


def _start_panel(user, module, view_id: str, filters: str) -> dict:
    """The filter panel started from the saved view `view_id` (its filters copied), or, when
    none is chosen or the user may not start from it, showing `filters` (with the reason)."""
    if module is None or not view_id:
        return _filter_panel(user, module, filters)
    try:
        copied, name = sources.filters_of(module, view_id, user)
    except ValidationError as error:
        return _filter_panel(user, module, filters, view_error=" ".join(error.messages))
    return _filter_panel(user, module, copied, view_copied=name, chosen_view=int(view_id))


@login_required
def report_new(request):
    return _builder(request)


@login_required
def report_edit(request, pk):
    return _builder(request, _changeable(request, pk))


@login_required
def report_fields(request):
    """The builder's parts that depend on the record type (group fields, figures, filters),
    swapped in when another type is chosen."""
    module = _module_of(request)
    if module is None:
        raise Http404
    form = ReportForm(initial={"aggregates": ["count"]}, user=request.user, module=module)
    if form.module is None or form.module.slug not in dict(form.fields["module"].choices):
        raise Http404
    panel = _filter_panel(request.user, form.module, "")
    return render(request, "reports/_fields.html", {"form": form, **panel})


@login_required
def report_start(request):
    """The builder's filter panel filled from the saved view chosen to start from (HTMX), or,
    for an id the user may not start from, the panel as it was sent with the reason."""
    module = _module_of(request)
    if module is None or not permissions.can(request.user, "list", module.model):
        raise Http404
    panel = _start_panel(
        request.user,
        module,
        request.GET.get(sources.PARAM, ""),
        engine.normalise(module, request.GET),
    )
    return render(request, "reports/_filters.html", panel)


@login_required
@require_POST
def report_preview(request):
    """The figures of the builder's unsaved report (HTMX), or what is wrong with it."""
    module = _module_of(request, request.POST)
    form = ReportForm(request.POST, user=request.user, module=module)
    errors = []
    if form.is_valid():
        values = form.values(request.POST)
        draft = Report(owner=request.user, **{k: v for k, v in values.items() if k != "team"})
        problems = spec.check(draft.module, draft.group_by, draft.aggregates)
        problems.pop("name", None)
        filter_problems = engine.filter_errors(module, draft.filters, request.user)
        if not problems and not filter_problems:
            result = engine.run(draft, request.user)
            return render(
                request,
                "reports/_result.html",
                {"result": result, "chart": charts.data(result, draft.chart), "preview": True},
            )
        errors = [m for messages_ in problems.values() for m in messages_] + filter_problems
    else:
        errors = [m for messages_ in form.errors.values() for m in messages_]
    return render(request, "reports/_preview_errors.html", {"errors": errors})


@login_required
def report_detail(request, pk):
    report = _visible(request, pk)
    shown = results.latest(report, request.user)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "record_module": spec.module_for(report.module),
            "shown": shown,
            "result": shown.result,
            "chart": charts.data(shown.result, report.chart),
            "can_change": actions.may_change(request.user, report),
        },
    )


@login_required
def report_result(request, pk):
    """The fresh result once the worker stored it (HTMX polls with ?since=); 204 while the
    one shown is still the newest and a refresh is on its way, 286 (HTMX: stop polling) when
    none is (no worker took it in time)."""
    report = _visible(request, pk)
    since = parse_datetime(request.GET.get("since", "")) or timezone.now()
    row = results.newer_than(report, request.user, since)
    if row is None:
        return HttpResponse(status=204 if results.refreshing(report, request.user) else 286)
    result = engine.Result.from_data(row.data)
    shown = results.Shown(result, row.generated_at, refreshing=False)
    return render(
        request,
        "reports/_result.html",
        {
            "result": result,
            "shown": shown,
            "report": report,
            "chart": charts.data(result, report.chart),
        },
    )


@login_required
def report_export(request, pk, extension):
    """The report's figures, computed now, as CSV or XLSX."""
    if extension not in ("csv", "xlsx"):
        raise Http404
    report = _visible(request, pk)
    result = results.compute(report, request.user)
    if extension == "xlsx":
        return exports.xlsx(report, result)
    return exports.csv_file(report, result)


@login_required
@require_POST
def report_duplicate(request, pk):
    report = _visible(request, pk)
    try:
        copy = actions.duplicate_report(report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:detail", report.pk)
    messages.success(request, _("A copy of the report was saved."))
    return redirect("reports:edit", copy.pk)


@login_required
def report_delete(request, pk):
    report = _changeable(request, pk)
    if request.method == "POST":
        try:
            actions.delete_report(report, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(request, _("The report was deleted."))
        return redirect("reports:list")
    return render(request, "reports/confirm_delete.html", {"report": report})
