"""Inbound e-mail: IMAP mailboxes the task workers poll, the mails matched to leads, contacts
and accounts, and the inbox of mail nothing matched."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailboxesConfig(AppConfig):
    name = "kontor.mailboxes"
    label = "mailboxes"
    verbose_name = _("Mailboxes")

    def ready(self):
        from kontor.core import admin_area, extensions, schedule
        from kontor.mailboxes.tasks import poll_mailboxes

        admin_area.register_page(
            "mailboxes:admin-list", _("Mailboxes"), icon="inbox", group=_("Integration"), order=65
        )
        # Reached from the e-mails' and leads' lists (the top bar is full at 1400 px in German)
        for slug in ("emails", "leads"):
            extensions.extend(
                extensions.Extension(slug, list_templates=("mailboxes/_list_link.html",))
            )
        # A received mail's owner marks it private, or shares it, on its page
        from kontor.mailboxes.inbox_views import private_context

        extensions.extend(
            extensions.Extension(
                "emails",
                detail_context=private_context,
                action_templates=("mailboxes/_private_button.html",),
            )
        )
        schedule.register(
            schedule.Job(
                "mailboxes.poll",
                schedule.Every(minutes=2),
                poll_mailboxes,
                title=_("Mailboxes polled for new e-mail"),
            )
        )
