"""Administration → Webhooks: subscriptions, their deliveries log, and re-send (admins only)."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kontor.core import registry
from kontor.core.admin_area import admin_required
from kontor.core.events import KINDS
from kontor.webhooks import actions
from kontor.webhooks.models import Delivery, Subscription

KIND_LABELS = {
    "created": gettext_lazy("Created"),
    "updated": gettext_lazy("Changed"),
    "deleted": gettext_lazy("Deleted"),
    "restored": gettext_lazy("Restored"),
    "converted": gettext_lazy("Converted"),
}


class SubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        required=False,
        choices=[(k, KIND_LABELS[k]) for k in KINDS],
        help_text=gettext_lazy("None chosen: all events."),
        widget=forms.CheckboxSelectMultiple,
    )
    record_types = forms.MultipleChoiceField(
        label=gettext_lazy("Record types"),
        required=False,
        help_text=gettext_lazy("None chosen: all record types."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Subscription
        fields = ("url", "description", "events", "record_types", "active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_types"].choices = [
            (m.slug, m.verbose_name_plural) for m in registry.modules()
        ]
        for name in ("url", "description"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["url"].widget.attrs["placeholder"] = "https://shop.example/kontor-hook"
        self.fields["active"].widget.attrs["class"] = "form-check-input"


@admin_required
def subscription_list(request):
    subscriptions = Subscription.objects.order_by("url", "pk")
    return render(request, "webhooks/list.html", {"subscriptions": subscriptions})


@admin_required
def subscription_edit(request, pk=None):
    subscription = get_object_or_404(Subscription, pk=pk) if pk else Subscription()
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        actions.save_subscription(form.instance, actor=request.user)
        messages.success(request, _("Saved the webhook %(url)s.") % {"url": form.instance.url})
        return HttpResponseRedirect(reverse("webhooks:detail", args=[form.instance.pk]))
    return render(
        request,
        "webhooks/form.html",
        {"form": form, "subscription": subscription},
        status=400 if form.is_bound else 200,
    )


@admin_required
def subscription_detail(request, pk):
    subscription = get_object_or_404(Subscription, pk=pk)
    deliveries = subscription.deliveries.order_by("-created_at")[:100]
    return render(
        request, "webhooks/detail.html", {"subscription": subscription, "deliveries": deliveries}
    )


@admin_required
@require_POST
def subscription_delete(request, pk):
    subscription = get_object_or_404(Subscription, pk=pk)
    actions.delete_subscription(subscription, actor=request.user)
    messages.success(request, _("Deleted the webhook %(url)s.") % {"url": subscription.url})
    return HttpResponseRedirect(reverse("webhooks:list"))


@admin_required
@require_POST
def delivery_resend(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    delivery = actions.resend(delivery, actor=request.user)
    messages.success(
        request,
        _("Sent the delivery again: %(status)s.") % {"status": delivery.get_status_display()},
    )
    return HttpResponseRedirect(reverse("webhooks:detail", args=[delivery.subscription_id]))
