from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kontor.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from kontor.core import events, extensions, schedule
        from kontor.notifications import listener, tasks, views

        events.listen(listener.on_events)
        for slug in ("calls", "meetings", "tasks"):
            extensions.extend(
                extensions.Extension(
                    module=slug,
                    urls=(
                        ("<uuid:pk>/reminders/", views.RemindersPanel, "reminders"),
                        (
                            "<uuid:pk>/reminders/<int:reminder>/delete/",
                            views.ReminderDelete,
                            "reminder-delete",
                        ),
                    ),
                    action_templates=("notifications/_reminders_button.html",),
                )
            )
        schedule.register(
            schedule.Job(
                "notifications.send_reminders",
                schedule.Every(minutes=1),
                tasks.send_due_reminders,
                title=_("Reminders that are due sent, finished imports and migrations announced"),
            )
        )
        schedule.register(
            schedule.Job(
                "notifications.overdue_tasks",
                schedule.Every(minutes=15),
                tasks.notify_overdue_tasks,
                title=_("Owners of tasks that became overdue notified"),
            )
        )
        schedule.register(
            schedule.Job(
                "notifications.daily_digest",
                schedule.Daily("06:30"),
                tasks.send_digests,
                title=_("Daily digest of notifications and the day's agenda mailed"),
            )
        )
