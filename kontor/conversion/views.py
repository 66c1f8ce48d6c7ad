"""The conversion pages: "Convert target" (/targets/<id>/convert/) and "Convert lead"
(/leads/<id>/convert/), for the people who move a record along the journey in the browser.

Each view only translates (docs/architecture.md rule 2): it reads the record through the permission
filter, parses the forms of kontor/conversion/forms.py, calls one action and renders. A
refused conversion (already converted, deleted meanwhile) shows its message with a link to
the record of the earlier conversion; invalid input answers 400 with the errors on their
fields, and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from kontor.contacts.models import Contact
from kontor.conversion.actions import (
    ConversionRefused,
    assignee_warning,
    convert_lead,
    convert_target,
    visible,
)
from kontor.conversion.forms import LeadConversion, TargetConversion
from kontor.core import permissions, registry
from kontor.core.records.views import ModuleView, form_panels
from kontor.leads.models import Lead


def target_actions(module, target, user) -> dict:
    """The target page's "Convert target" button, or the lead it became (when visible)."""
    converted = bool(target.lead_id) or target.status == "Converted"
    return {
        "converted": converted,
        "converted_lead": visible(Lead, target.lead_id, user),
        "can_convert": not converted and permissions.can(user, "create", Lead),
    }


def lead_actions(module, lead, user) -> dict:
    """The lead page's "Convert lead" button, or the contact it became (when visible)."""
    return {
        "converted_contact": visible(Contact, lead.contact_id, user),
        "can_convert": not lead.converted and permissions.can(user, "create", Contact),
    }


class ConvertView(ModuleView):
    """Shared by both conversions: the record must be editable, the result creatable."""

    action = "edit"
    creates = None
    template_name = ""

    def get_record(self):
        if not permissions.can(self.request.user, "create", self.creates):
            raise Http404  # not allowed looks like not found (docs/architecture.md rule 3)
        return self.get_object()

    def refused(self, record, message: str, model, pk, status: int = 409):
        existing = visible(model, pk, self.request.user)
        return render(
            self.request,
            self.template_name,
            self.context(
                record=record,
                refused=message,
                existing=existing,
                existing_module=registry.for_model(model),
            ),
            status=status,
        )


class ConvertTargetView(ConvertView):
    """GET: the lead form pre-filled from the target; POST: create the lead, link both ways."""

    creates = Lead
    template_name = "conversion/target.html"

    def get(self, request, pk):
        target = self.get_record()
        if target.lead_id or target.status == "Converted":
            return self.refused(
                target, _("This target was already converted."), Lead, target.lead_id, 200
            )
        return self.render_form(target, TargetConversion(target, request.user))

    def post(self, request, pk):
        target = self.get_record()
        conversion = TargetConversion(target, request.user, data=request.POST)
        if not conversion.is_valid():
            return self.render_form(target, conversion)
        try:
            lead = convert_target(target, actor=request.user, **conversion.action_kwargs())
        except ConversionRefused as refused:
            return self.refused(
                target, refused.message, Lead, getattr(refused.existing, "pk", None)
            )
        except ValidationError as error:
            conversion.add_errors(error)
            return self.render_form(target, conversion)
        messages.success(
            request,
            _("Converted %(target)s into the lead %(lead)s.") % {"target": target, "lead": lead},
        )
        if warning := assignee_warning(lead):
            messages.warning(request, warning)
        return HttpResponseRedirect(lead.get_absolute_url())

    def render_form(self, target, conversion):
        leads = registry.get("leads")
        return render(
            self.request,
            self.template_name,
            self.context(
                record=target,
                conversion=conversion,
                lead_module=leads,
                form_panels=form_panels(leads, conversion.lead),
            ),
            status=400 if conversion.lead.is_bound else 200,
        )


class ConvertLeadView(ConvertView):
    """GET: the conversion form with duplicate suggestions; POST: convert in one save."""

    creates = Contact
    template_name = "conversion/lead.html"

    def get(self, request, pk):
        lead = self.get_record()
        if lead.converted:
            return self.refused(
                lead, _("This lead was already converted."), Contact, lead.contact_id, 200
            )
        return self.render_form(lead, LeadConversion(lead, request.user))

    def post(self, request, pk):
        lead = self.get_record()
        conversion = LeadConversion(lead, request.user, data=request.POST)
        if not conversion.is_valid():
            return self.render_form(lead, conversion)
        try:
            result = convert_lead(lead, actor=request.user, **conversion.action_kwargs())
        except ConversionRefused as refused:
            return self.refused(
                lead, refused.message, Contact, getattr(refused.existing, "pk", None)
            )
        except ValidationError as error:
            conversion.add_errors(error)
            return self.render_form(lead, conversion)
        created = [
            str(r._meta.verbose_name)
            for r in (
                result.contact,
                result.account,
                result.opportunity,
                result.call,
                result.meeting,
                result.task,
            )
            if r is not None
        ]
        messages.success(
            request,
            _("Converted %(lead)s: %(records)s.")
            % {"lead": result.lead, "records": ", ".join(created)},
        )
        return HttpResponseRedirect(result.contact.get_absolute_url())

    def render_form(self, lead, conversion):
        return render(
            self.request,
            self.template_name,
            self.context(
                record=lead,
                conversion=conversion,
                b2c=conversion.account.offers_none,
                policy_late=conversion.opportunity.initial.get("sales_stage") == "Closed Won",
            ),
            status=400 if conversion.contact.is_bound else 200,
        )
