"""Calendar pages: the user's feed address (make, renew, revoke), the feed itself (no login:
the secret in the address is the key), and the .ics file of a filtered call or meeting list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kontor.activities import calendar
from kontor.core import registry
from kontor.core.records.export import ExportView, chunked
from kontor.feeds import actions
from kontor.feeds.models import CalendarFeed


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Show whether a feed exists; POST "renew" makes a new address (shown once), "revoke"
    stops it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            actions.revoke_feed(actor=request.user)
            messages.success(request, _("Your calendar feed address no longer works."))
            return redirect("calendar-feed")
        token = actions.renew_feed(actor=request.user)
        request.session["calendar_feed_url"] = request.build_absolute_uri(
            reverse("calendar-feed-ics", args=[token])
        )
        return redirect("calendar-feed")
    return render(
        request,
        "feeds/settings.html",
        {
            "feed": CalendarFeed.objects.filter(user=request.user).first(),
            # The secret is shown once, right after it was made; only its hash is stored.
            "new_url": request.session.pop("calendar_feed_url", ""),
        },
    )


def feed(request, token):
    """The user's calls and meetings for calendar apps; 404 for an unknown or revoked secret."""
    user = actions.feed_user(token)
    if user is None:
        raise Http404
    CalendarFeed.objects.filter(user=user).update(last_used_at=timezone.now())
    return _ics(calendar.calendar(calendar.user_items(user), name=f"Kontor {user}"), "kontor")


def _ics(lines, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunked(lines), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


class IcsExportView(ExportView):
    """The calls or meetings of a list, as filtered and sorted, as one .ics file."""

    def get(self, request):
        kind = {"calls": "call", "meetings": "meeting"}[self.module.slug]
        queryset = self.export_queryset()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = _ics(
            calendar.calendar((kind, a) for a in queryset.iterator(2000)),
            f"{self.module.slug}-{stamp}",
        )
        response["Content-Disposition"] = response["Content-Disposition"].replace(
            "inline", "attachment"
        )
        return response


def ics_export(request, slug):
    module = registry.get(slug)
    return IcsExportView.as_view(module=module)(request)
