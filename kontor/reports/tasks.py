"""Background tasks of the reports (django-tasks: `kontor worker` runs them)."""

from django_tasks import task


@task()
def refresh_report_task(report_id: int, user_id: int, language: str, time_zone: str) -> None:
    """Compute report `report_id` as user `user_id` sees it (in their language and time
    zone) and store it; nothing when the report is gone or no longer visible to them."""
    import zoneinfo

    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.utils import timezone, translation

    from kontor.reports import engine
    from kontor.reports.actions import store_result
    from kontor.reports.models import Report

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    report = Report.objects.visible_to(user).filter(pk=report_id).first() if user else None
    try:
        if report is not None:
            with translation.override(language), timezone.override(zoneinfo.ZoneInfo(time_zone)):
                result = engine.run(report, user)
                store_result(
                    report, user, result.as_data(), result.generated_at, language, time_zone
                )
    finally:
        # Cleared once done (the page stops waiting when neither this nor a newer result is
        # there), so a refresh may be queued again.
        cache.delete(queued_key(report_id, user_id))


def queued_key(report_id: int, user_id: int) -> str:
    """The cache key that is set while a refresh of the report for the user is queued."""
    return f"kontor:reports:queued:{report_id}:{user_id}"
