"""Every write of the reports: save (create, edit, share), duplicate, delete, and storing a
viewer's last result. One transaction each; views and the API only translate.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import catalog, permissions
from kontor.reports import engine, spec
from kontor.reports.models import Chart, Report, ReportResult
from kontor.users.sharing import Share, ShareMessages, share_errors

#: The fields `save_report` takes from its `values`.
FIELDS = ("name", "module", "filters", "group_by", "aggregates", "chart", "share", "team")


def may_change(user, report) -> bool:
    """Only the owner (or an administrator) edits, shares and deletes a report."""
    return report.owner_id == user.pk or permissions.is_admin(user)


def _check(report: Report, actor) -> None:
    errors: dict[str, list[str]] = {}
    if not report.name.strip():
        errors["name"] = [_("Give the report a name.")]
    elif len(report.name) > 120:
        errors["name"] = [_("At most 120 characters, please.")]
    errors.update(spec.check(report.module, report.group_by, report.aggregates))
    module = spec.module_for(report.module)
    if module is not None and not permissions.can(actor, "list", module.model):
        errors["module"] = [_("Choose a record type that exists.")]
    if module is not None and "module" not in errors:
        problems = engine.filter_errors(module, report.filters, actor)
        if problems:
            errors["filters"] = problems
    if report.chart not in Chart.values:
        errors["chart"] = [_("Choose a chart from the list.")]
    # Only the owner or an administrator gets here (may_change), so the actor's teams are
    # the owner's.
    messages = ShareMessages(
        share=_("Choose who may see the report."),
        no_team=_("Choose the team to share the report with."),
        not_member=_("Share only with a team you belong to."),
    )
    errors.update(share_errors(report.share, report.team_id, actor=actor, messages=messages))
    if errors:
        raise ValidationError(errors)


def save_report(report: Report | None, values: dict, *, actor) -> Report:
    """Create a report owned by `actor` (`report` None) or change `report`; ValidationError
    with the field's messages, nothing saved, when a value is refused."""
    if report is None:
        report = Report(owner=actor)
    elif not may_change(actor, report):
        raise PermissionDenied
    for name in FIELDS:
        if name in values:
            setattr(report, name, values[name])
    if report.share != Share.TEAM:
        report.team = None
    _check(report, actor)
    with transaction.atomic():
        report.modified = timezone.now()
        report.save()
        # The figures may have changed: no viewer's stored result is shown again.
        ReportResult.objects.filter(report=report).delete()
    return report


def duplicate_report(report: Report, *, actor) -> Report:
    """A private copy of `report` (which `actor` may see) owned by `actor`."""
    copy = Report(
        owner=actor,
        module=report.module,
        name=_("Copy of %(name)s") % {"name": report.name},
        filters=report.filters,
        group_by=list(report.group_by),
        aggregates=list(report.aggregates),
        chart=report.chart,
        share=Share.PRIVATE,
    )
    copy.name = copy.name[:120]
    _check(copy, actor)
    with transaction.atomic():
        copy.save()
    return copy


def delete_report(report: Report, *, actor) -> None:
    if not may_change(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        report.delete()


def grants_key(user) -> str:
    """What `user` may list and view, per record type, and their teams, as a short key: a
    result stored under another key was counted with other rights (a role or team taken away
    since) and is not shown again."""
    scopes = [
        (module.slug, permissions.scope(user, "list", module.model)) for module in catalog.modules()
    ]
    # Teams matter only to a scope of "team" (and cost a query to read).
    teams = sorted(permissions.user_team_ids(user)) if any(s == "team" for _m, s in scopes) else []
    text = json.dumps([scopes, teams])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def store_result(report: Report, user, data: dict, generated_at, language: str, zone: str):
    """Keep `data` as the last result of `report` for `user` (one row per report and viewer),
    marked with the rights it was counted with (`grants_key`): one INSERT … ON CONFLICT
    statement, so two refreshes at once leave the later one."""
    row = ReportResult(
        report=report,
        user=user,
        data={**data, "grants": grants_key(user)},
        generated_at=generated_at,
        language=language,
        time_zone=zone,
    )
    ReportResult.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["report", "user"],
        update_fields=["data", "generated_at", "language", "time_zone"],
    )
