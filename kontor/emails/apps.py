from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    """E-mail: the outbox every mail Kontor sends goes through, and the mails logged on records."""

    name = "kontor.emails"
    label = "emails"
    verbose_name = _("E-mails")

    def ready(self):
        from kontor.core import schedule
        from kontor.emails import actions, outbox, setup

        # Retries refused or timed-out mails and picks up any the after-commit queueing missed.
        schedule.register(
            schedule.Job(
                "emails.deliver_due",
                schedule.Every(1),
                outbox.deliver_due_task,
                title=_("Outgoing e-mails: send what is due, retry what failed"),
            )
        )
        # A mail sent from the compose page or the API gets its outcome ("sent", "send_error").
        outbox.on_result(actions.KEY_PREFIX, actions.record_outcome)
        setup.register()
