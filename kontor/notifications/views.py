"""Pages of the notification centre, for every signed-in user: the list behind the bell,
opening one, "mark all read", the small endpoint the page polls for the bell's count and
reminder pop-ups, the preferences page, and the reminders panel of a call, meeting or task."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kontor.core.records.views import ModuleView
from kontor.notifications import actions, texts
from kontor.notifications.models import Kind, Notification, Reminder

PAGE = 30
#: the minutes a reminder may be set to, as SuiteCRM offers them
MINUTES = (
    (5, gettext_lazy("5 minutes")),
    (10, gettext_lazy("10 minutes")),
    (15, gettext_lazy("15 minutes")),
    (30, gettext_lazy("30 minutes")),
    (60, gettext_lazy("1 hour")),
    (120, gettext_lazy("2 hours")),
    (1440, gettext_lazy("1 day")),
    (2880, gettext_lazy("2 days")),
)


def rows(notifications) -> list[dict]:
    return [{"n": n, "text": texts.message(n), "icon": texts.icon(n.kind)} for n in notifications]


@login_required
def notification_list(request):
    """The user's notifications, newest first, in keyset pages (`?before=<id>`)."""
    mine = Notification.objects.filter(user=request.user).select_related("actor")
    before = request.GET.get("before", "")
    if before.isdigit():
        mine = mine.filter(pk__lt=int(before))
    page = list(mine.order_by("-id")[: PAGE + 1])
    more = page[PAGE - 1].pk if len(page) > PAGE else None
    return render(
        request,
        "notifications/list.html",
        {"rows": rows(page[:PAGE]), "more": more, "first_page": not before},
    )


@login_required
def notification_open(request, pk: int):
    """Mark one read and go where it leads."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    actions.mark_read(notification, actor=request.user)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notifications:list")
    return redirect(target)


@login_required
@require_POST
def mark_all_read(request):
    actions.mark_all_read(actor=request.user)
    return redirect("notifications:list")


@login_required
def bell(request):
    """What the page polls: the unread count and reminder pop-ups not shown yet (two queries on
    the index of unread rows; a third write only when there are pop-ups)."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True)
    popups = list(unread.filter(popup_shown=False).order_by("id")[:5])
    if popups:
        actions.popups_shown([n.pk for n in popups], actor=request.user)
    data = {
        "unread": unread.count(),
        "popups": [
            {
                "id": n.pk,
                "text": texts.message(n),
                "url": reverse("notifications:open", args=[n.pk]),
            }
            for n in popups
        ],
    }
    return JsonResponse(data)


class PreferencesForm(forms.Form):
    digest = forms.BooleanField(label=gettext_lazy("Daily digest by e-mail"), required=False)
    reminder_minutes = forms.TypedChoiceField(
        label=gettext_lazy("Reminder of my new calls and meetings"),
        choices=[("", gettext_lazy("No reminder")), *MINUTES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reminder_popup = forms.BooleanField(label=gettext_lazy("As a pop-up"), required=False)
    reminder_email = forms.BooleanField(label=gettext_lazy("By e-mail"), required=False)


@login_required
def preferences(request):
    """Per kind: in the app and/or by e-mail; the daily digest; the default reminder."""
    current = actions.preferences_of([request.user])
    settings = actions.settings_of(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            choices = {
                kind: (f"{kind}-in_app" in request.POST, f"{kind}-email" in request.POST)
                for kind in Kind.values
            }
            actions.save_preferences(choices, form.cleaned_data, actor=request.user)
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notification-preferences")
    else:
        form = PreferencesForm(
            initial={
                "digest": settings.digest,
                "reminder_minutes": settings.reminder_minutes,
                "reminder_popup": settings.reminder_popup,
                "reminder_email": settings.reminder_email,
            }
        )
    kinds = [
        (
            kind,
            label,
            actions.wants(current, request.user.pk, kind, "in_app"),
            actions.wants(current, request.user.pk, kind, "email"),
        )
        for kind, label in Kind.choices
    ]
    return render(request, "notifications/preferences.html", {"form": form, "kinds": kinds})


class ReminderForm(forms.Form):
    minutes = forms.TypedChoiceField(label=gettext_lazy("When"), choices=MINUTES, coerce=int)
    popup = forms.BooleanField(label=gettext_lazy("Pop-up"), required=False, initial=True)
    email = forms.BooleanField(label=gettext_lazy("E-mail"), required=False)


class RemindersPanel(ModuleView):
    """The user's own reminders of one call, meeting or task (loaded into its page), and
    adding one."""

    def get(self, request, pk, form=None, error=""):
        activity = self.get_object()
        mine = Reminder.objects.filter(
            user=request.user, related_event_module_id=activity.pk
        ).order_by("timer_popup", "id")
        labels = dict(MINUTES)
        for reminder in mine:
            reminder.label = labels.get(reminder.minutes) or _("%(minutes)s minutes") % {
                "minutes": reminder.minutes
            }
        return render(
            request,
            "notifications/_reminders_panel.html",
            self.context(
                record=activity,
                reminders=mine,
                form=form or ReminderForm(),
                error=error,
            ),
        )

    def post(self, request, pk):
        activity = self.get_object()
        form = ReminderForm(request.POST)
        error = ""
        if form.is_valid():
            try:
                actions.add_reminder(
                    activity,
                    request.user,
                    form.cleaned_data["minutes"],
                    popup=form.cleaned_data["popup"],
                    email=form.cleaned_data["email"],
                    actor=request.user,
                )
            except ValueError as refused:
                error = str(refused)
            else:
                form = None
        if not request.headers.get("HX-Request"):
            if error:  # the panel is not redrawn: say why on the page redirected to
                messages.error(request, error)
            return redirect(self.module.detail_url(activity.pk))
        return self.get(request, pk, form=form, error=error)


class ReminderDelete(RemindersPanel):
    """Remove one of the user's reminders of the activity."""

    def get(self, request, pk, reminder=None, **kwargs):
        return super().get(request, pk, **kwargs)

    def post(self, request, pk, reminder):
        activity = self.get_object()
        found = Reminder.objects.filter(
            pk=reminder, user=request.user, related_event_module_id=activity.pk
        ).first()
        if found is None:
            raise Http404
        actions.delete_reminder(found, actor=request.user)
        if not request.headers.get("HX-Request"):
            return redirect(self.module.detail_url(activity.pk))
        return self.get(request, pk)
