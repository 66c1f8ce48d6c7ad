"""The e-mail pages: compose and send (/emails/compose/), a user's sender settings
(/settings/email/) and, for admins, the e-mail templates (Administration → E-mail templates).

Compose works without JavaScript: choosing a template reloads the page with its text merged for
the record written to, in the recipient's language; "Preview" shows the mail as it will be sent.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from kontor.core import admin_area, permissions, registry
from kontor.emails import merge
from kontor.emails.actions import Attachment, Outgoing, save_sender, send_email, text_to_html
from kontor.emails.forms import ComposeForm, SenderForm, TemplateForm
from kontor.emails.html import sanitise
from kontor.emails.models import Email, EmailAttachment, EmailTemplate, SenderIdentity


def parent_of(user, value: str):
    """The record of "<slug>:<uuid>" if `user` may see it; 404 otherwise; None for ""."""
    if not value:
        return None
    slug, _sep, pk = value.partition(":")
    try:
        module = registry.get(slug)
        pk = uuid.UUID(pk)
    except (KeyError, ValueError) as error:
        raise Http404 from error
    if module.is_activity or not module.has_activities:
        return None  # a mail is logged on the records activities hang off, not on these
    record = module.model.objects.visible_to(user, "view").filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


def _merged(template: EmailTemplate, record, user) -> dict:
    table = merge.context_for(record, user)
    return {
        "subject": merge.merge(template.subject, table),
        "body": merge.merge(template.body, table),
        "body_html": merge.merge(template.body_html, table, html=True)
        if template.body_html
        else "",
    }


def _template_for(name: str, record, user) -> EmailTemplate | None:
    variants = list(EmailTemplate.objects.filter(name=name)) if name else []
    if not variants:
        return None
    language = merge.language_of(record, user) if record is not None else "en"
    return merge.pick_template(variants, language)


@login_required
def compose(request):
    if not permissions.can(request.user, "create", Email):
        raise Http404
    parent_value = request.GET.get("parent", "") or request.POST.get("parent", "")
    record = parent_of(request.user, parent_value)
    names = list(EmailTemplate.objects.values_list("name", flat=True).distinct().order_by("name"))
    preview = None
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES, template_names=names)
        if form.is_valid():
            data = form.cleaned_data
            html = ""
            template = EmailTemplate.objects.filter(pk=data["used_template"]).first()
            if template is not None:
                merged = _merged(template, record, request.user)
                if merged["body"].strip() == data["body"].strip():
                    html = merged["body_html"]
            mail = Outgoing(
                to=data["to"],
                cc=data["cc"],
                bcc=data["bcc"],
                subject=data["subject"],
                body=data["body"],
                body_html=html,
                attachments=[
                    Attachment(f.name, f.read(), f.content_type or "") for f in data["attachments"]
                ],
            )
            if "preview" in request.POST:
                preview = {
                    "subject": mail.subject,
                    "html": sanitise(html or text_to_html(mail.body)),
                }
            else:
                try:
                    email = send_email(mail, parent=record, actor=request.user)
                except ValidationError as error:
                    for name, errors in error.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    messages.success(request, _("The e-mail is being sent."))
                    return redirect(email.get_absolute_url())
    else:
        initial = {"to": request.GET.get("to") or getattr(record, "email1", "") or ""}
        template = _template_for(request.GET.get("template", ""), record, request.user)
        if template is not None:
            merged = _merged(template, record, request.user)
            initial |= {
                "template": template.name,
                "used_template": template.pk,
                "subject": merged["subject"],
                "body": merged["body"],
            }
        form = ComposeForm(initial=initial, template_names=names)
    module = registry.for_model(type(record)) if record is not None else None
    return render(
        request,
        "emails/compose.html",
        {
            "form": form,
            "record": record,
            "record_module": module,
            "parent_value": parent_value,
            "preview": preview,
        },
    )


@login_required
def sender_settings(request):
    identity = SenderIdentity.objects.filter(user=request.user).first()
    identity = identity or SenderIdentity(user=request.user)
    form = SenderForm(request.POST or None, instance=identity)
    if request.method == "POST" and form.is_valid():
        try:
            save_sender(form.save(commit=False), actor=request.user)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("Your sender settings are saved."))
            return redirect("emails:sender")
    return render(request, "emails/sender.html", {"form": form})


@login_required
def download_attachment(request, pk):
    """An e-mail's attachment, only for users who may see the e-mail (never a public media
    URL), always as a download so a stored HTML file never runs in Kontor's origin."""
    attachment = get_object_or_404(EmailAttachment, pk=pk)
    get_object_or_404(Email.objects.visible_to(request.user, "view"), pk=attachment.email_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )


@admin_area.admin_required
def template_list(request):
    templates = EmailTemplate.objects.all()
    return render(request, "emails/template_list.html", {"templates": templates})


@admin_area.admin_required
def template_edit(request, pk=None):
    template = get_object_or_404(EmailTemplate, pk=pk) if pk else EmailTemplate()
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and "delete" in request.POST and template.pk:
        template.delete()
        messages.success(request, _("The template was deleted."))
        return redirect("emails:templates")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The template is saved."))
        return redirect("emails:templates")
    return render(
        request,
        "emails/template_edit.html",
        {"form": form, "template": template, "fields": merge.USER_FIELDS},
    )


class Page(View):
    """A page of the module's URLs (Module.extra_urls builds views with `module=`)."""

    module = None
    page = None

    def dispatch(self, request, *args, **kwargs):
        return type(self).page(request, *args, **kwargs)


def page(view) -> type[Page]:
    return type(f"{view.__name__}_page", (Page,), {"page": staticmethod(view)})


def email_detail_context(email, user) -> dict:
    """The e-mail's page: its body (HTML sanitised), attachments, why a send failed."""
    from kontor.emails.models import OutgoingMail

    error = ""
    if email.status == "send_error" and email.outgoing_key:
        row = OutgoingMail.objects.filter(key=email.outgoing_key).first()
        error = row.last_error if row else ""
    context = {}
    if email.parent_type_id:  # "Related to" in the header, when the reader may see it
        model = email.parent_type.model_class()
        parent = model.objects.visible_to(user, "view").filter(pk=email.parent_id).first()
        if parent is not None:
            context = {"parent_record": parent, "parent_module": registry.for_model(model)}
    return context | {
        "email_html": sanitise(email.description_html) if email.description_html else "",
        "email_attachments": list(email.attachments.all()),
        "send_error": error,
        "compose_url": reverse("emails:compose"),
    }
