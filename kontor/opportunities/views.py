"""The opportunity's own verbs: link and unlink contacts with a role."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _

from kontor.contacts.models import Contact
from kontor.core.records.views import ModuleView
from kontor.opportunities.actions import link_contact, unlink_contact


class ContactLinkView(ModuleView):
    """POST contact (+ role) to link it; POST contact + remove=1 to unlink."""

    action = "edit"

    def post(self, request, pk):
        opportunity = self.get_object()
        back = opportunity.get_absolute_url()
        try:
            contact = (
                Contact.objects.visible_to(request.user, "view")
                .filter(pk=request.POST.get("contact", ""))
                .first()
            )
        except ValidationError:
            contact = None
        if contact is None:
            messages.error(request, _("Choose a contact you can see."))
            return HttpResponseRedirect(back)
        if request.POST.get("remove"):
            unlink_contact(opportunity, contact, actor=request.user)
            messages.success(request, _("Removed %(name)s.") % {"name": contact})
            return HttpResponseRedirect(back)
        try:
            link_contact(
                opportunity, contact, request.POST.get("contact_role", ""), actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return HttpResponseRedirect(back)
        messages.success(request, _("Linked %(name)s.") % {"name": contact})
        return HttpResponseRedirect(back)
