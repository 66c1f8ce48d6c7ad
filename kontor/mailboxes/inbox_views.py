"""The unmatched inbox (/mailboxes/inbox/): received mail no record matched, from the shared
mailboxes (for users who may create leads) and the user's own. "Create lead" makes a lead from
the sender and links the mail; "Dismiss" hides it. A mail's page shows its HTML sanitised."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import permissions
from kontor.emails.models import Email
from kontor.leads.models import Lead
from kontor.mailboxes import actions
from kontor.mailboxes.html import has_remote_images, sanitise
from kontor.mailboxes.models import Mailbox, MailboxMessage

#: The most unmatched mails the inbox lists (newest first)
INBOX_SIZE = 100


def _message(user, pk) -> MailboxMessage:
    # Only a mail still waiting: once linked it is read on its e-mail page, as its records allow
    return get_object_or_404(
        MailboxMessage.objects.select_related("mailbox").filter(
            actions.usable_q(user), state=MailboxMessage.UNMATCHED
        ),
        pk=pk,
    )


@login_required
def inbox(request):
    waiting = list(
        MailboxMessage.objects.filter(
            actions.usable_q(request.user), state=MailboxMessage.UNMATCHED
        )
        .select_related("mailbox")
        .order_by("-received_at", "-pk")[:INBOX_SIZE]
    )
    emails = Email.objects.filter(pk__in=[m.email_id for m in waiting]).only(
        "id", "name", "from_addr", "from_name", "date_sent"
    )
    by_id = {e.pk: e for e in emails}
    rows = [(m, by_id[m.email_id]) for m in waiting if m.email_id in by_id]
    own = Mailbox.objects.filter(owner=request.user).first()
    return render(
        request,
        "mailboxes/inbox.html",
        {
            "rows": rows,
            "own_mailbox": own,
            "may_create": permissions.can(request.user, "create", Lead),
        },
    )


@login_required
def message_detail(request, pk):
    message = _message(request.user, pk)
    email = Email.objects.filter(pk=message.email_id).first()
    if email is None:
        raise Http404
    remote = request.GET.get("images") == "1"
    return render(
        request,
        "mailboxes/message.html",
        {
            "message": message,
            "email": email,
            "html": sanitise(email.description_html, remote_images=remote)
            if email.description_html
            else "",
            "blocked_images": not remote and has_remote_images(email.description_html),
            "attachments": list(email.attachments.order_by("filename")),
            "may_create": permissions.can(request.user, "create", Lead),
            "owner": email.assigned_user_id == request.user.pk,
        },
    )


@login_required
@require_POST
def create_lead(request, pk):
    message = _message(request.user, pk)
    try:
        lead = actions.create_lead(message, actor=request.user)
    except PermissionDenied as refused:
        raise Http404 from refused
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("mailboxes:inbox"))
    messages.success(
        request, _("Created the lead %(name)s and linked the e-mail.") % {"name": lead}
    )
    return HttpResponseRedirect(reverse("leads:detail", args=[lead.pk]))


@login_required
@require_POST
def dismiss(request, pk):
    message = _message(request.user, pk)
    actions.dismiss(message, actor=request.user)
    messages.success(request, _("Dismissed the e-mail."))
    return HttpResponseRedirect(reverse("mailboxes:inbox"))


@login_required
@require_POST
def mark_private(request, pk):
    message = _message(request.user, pk)
    _set_private(request, message.email_id)
    return HttpResponseRedirect(reverse("mailboxes:message", args=[message.pk]))


@login_required
@require_POST
def mark_email_private(request, pk):
    """The same from the e-mail's own page (/emails/<id>/), for its owner."""
    _set_private(request, pk)
    return HttpResponseRedirect(reverse("emails:detail", args=[pk]))


def _set_private(request, email_id) -> None:
    email = get_object_or_404(
        Email.objects.visible_to(request.user, "view"),
        pk=email_id,
        assigned_user=request.user,
        mailbox_id__isnull=False,
    )
    actions.set_private(email, request.POST.get("private") == "1", actor=request.user)
    if email.private:
        messages.success(request, _("Only you can see this e-mail now."))
    else:
        messages.success(request, _("Whoever may see its records can see this e-mail now."))


def private_context(module, record, user) -> dict:
    """For a received mail's page: whether its viewer owns it (and may mark it private)."""
    owner = record.mailbox_id is not None and record.assigned_user_id == user.pk
    return {"mailbox_private_toggle": owner}
