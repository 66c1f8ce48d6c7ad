"""Mailbox settings pages: Administration → Mailboxes (shared ones, admins only) and "My
mailbox" (each user's personal one). Saving checks the connection first; "Test connection"
only checks it. A password is never shown again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core.admin_area import admin_required
from kontor.mailboxes import actions
from kontor.mailboxes.forms import MailboxForm
from kontor.mailboxes.models import Mailbox


@admin_required
def mailbox_list(request):
    mailboxes = Mailbox.objects.filter(owner__isnull=True).order_by("name", "pk")
    return render(request, "mailboxes/admin_list.html", {"mailboxes": mailboxes})


@admin_required
def mailbox_edit(request, pk=None):
    mailbox = get_object_or_404(Mailbox, pk=pk, owner__isnull=True) if pk else Mailbox()
    done = _handle(request, mailbox, personal=False)
    if done:
        return HttpResponseRedirect(reverse("mailboxes:admin-edit", args=[mailbox.pk]))
    return _render(request, mailbox, "mailboxes/admin_form.html")


@admin_required
@require_POST
def mailbox_delete(request, pk):
    mailbox = get_object_or_404(Mailbox, pk=pk, owner__isnull=True)
    actions.delete_mailbox(mailbox, actor=request.user)
    messages.success(request, _("Deleted the mailbox %(name)s.") % {"name": mailbox})
    return HttpResponseRedirect(reverse("mailboxes:admin-list"))


@login_required
def my_mailbox(request):
    mailbox = Mailbox.objects.filter(owner=request.user).first()
    mailbox = mailbox or Mailbox(owner=request.user, email_address=request.user.email)
    if _handle(request, mailbox, personal=True):
        return HttpResponseRedirect(reverse("mailboxes:mine"))
    return _render(request, mailbox, "mailboxes/mine.html")


def _handle(request, mailbox: Mailbox, *, personal: bool) -> bool:
    """Save or test the posted settings; True when saved (redirect), else the form is kept on
    the request for rendering."""
    form = MailboxForm(request.POST or None, instance=mailbox, personal=personal)
    request.mailbox_form = form
    if request.method != "POST" or not form.is_valid():
        return False
    password = form.cleaned_data["password"]
    try:
        if "test" in request.POST:
            actions.check_connection(form.instance, password or None)
            messages.success(request, _("Connected: the server accepted the sign-in."))
            return False
        actions.save_mailbox(form.instance, password=password, actor=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(request, _("Saved the mailbox %(name)s.") % {"name": mailbox})
    return True


def _render(request, mailbox: Mailbox, template: str):
    form = request.mailbox_form
    status = 400 if form.is_bound and form.errors else 200
    # a new mailbox has its id before it is saved: the pages ask `saved`, not for an id
    saved = not mailbox._state.adding
    context = {"form": form, "mailbox": mailbox, "saved": saved}
    return render(request, template, context, status=status)
