"""The calendar (/calendar/): day, week, month and agenda views of calls, meetings and tasks of
the viewer and of the teammates and teams they chose, for salespeople planning their days.

The page is a shell for the browser's calendar (FullCalendar); the events come from the feed
(/calendar/events/), through the permission filter. A clicked slot creates a meeting or call
(/calendar/new/), a dragged or resized event is moved (/calendar/<type>/<id>/move/): both save
through `save_record`, so the change log, validation and the version check hold; a refusal
answers a translated message and the calendar puts the event back.
"""

from datetime import date, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kontor.calendar import events, people
from kontor.calendar.forms import MoveForm, QuickCreateForm, RangeForm
from kontor.core import permissions
from kontor.core.actions import save_record
from kontor.core.edits import VersionMismatch

#: FullCalendar's views the page offers, the first one the default.
VIEWS = ("timeGridWeek", "timeGridDay", "dayGridMonth", "listWeek")


def _opened_by(request):
    if not people.may_open(request.user):
        raise Http404


def _refused(message: str, status: int, errors=None) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message, "errors": errors or {}}, status=status)


def _form_refused(form) -> JsonResponse:
    errors = {field: [str(e) for e in found] for field, found in form.errors.items()}
    texts = [text for found in errors.values() for text in found]
    return _refused(" ".join(dict.fromkeys(texts)), 400, errors)


def _reasons(error: ValidationError, model) -> tuple[str, dict]:
    """A model's validation error as one sentence with field labels, and per field."""
    found = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    labels = {f.name: f.verbose_name for f in model._meta.fields}
    parts = [
        f"{labels[field]}: {text}" if field in labels else text
        for field, texts in found.items()
        for text in texts
    ]
    return " ".join(parts), found


@login_required
@require_GET
def calendar_page(request):
    _opened_by(request)
    viewer, params = request.user, request.GET
    selection = people.select(viewer, params)
    view = params.get("view") if params.get("view") in VIEWS else VIEWS[0]
    try:
        shown = date.fromisoformat(params.get("date", ""))
    except ValueError:
        shown = timezone.localdate()
    now = timezone.localtime()
    creatable = [
        kind
        for kind in ("meetings", "calls")
        if permissions.can(viewer, "create", events.KINDS[kind].model)
    ]
    options = {
        "feed": reverse("calendar:events"),
        "create": reverse("calendar:create") if creatable else "",
        "move": reverse("calendar:move", args=["TYPE", "00000000-0000-0000-0000-000000000000"]),
        "locale": "de" if get_language().startswith("de") else "en",
        "view": view,
        "date": shown.isoformat(),
        "now": now.replace(tzinfo=None).isoformat(timespec="seconds"),
        "query": selection.query(),
        "failed": _("The calendar could not be loaded. Please reload the page."),
        "refused": _("The change was not saved."),
    }
    form = QuickCreateForm(user=viewer)
    form.fields["kind"].choices = [c for c in form.fields["kind"].choices if c[0] in creatable]
    chosen = set(selection.user_ids)
    return render(
        request,
        "calendar/calendar.html",
        {
            "options": options,
            "selection": selection,
            "users": [
                (u.pk, u.get_full_name() or u.username, u.pk in chosen)
                for u in people.user_choices(viewer).order_by("first_name", "last_name", "username")
            ],
            "teams": [
                (t.pk, t.name, t.pk in selection.team_ids) for t in people.team_choices(viewer)
            ],
            "form": form,
            "can_create": bool(creatable),
            "zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
@require_GET
def event_feed(request):
    """GET start, end, users, teams: the events as JSON (a list), or 400 with the reason."""
    _opened_by(request)
    form = RangeForm(request.GET)
    if not form.is_valid():
        return _form_refused(form)
    selection = people.select(request.user, request.GET)
    found = events.events(
        request.user, form.cleaned_data["start"], form.cleaned_data["end"], selection
    )
    return JsonResponse(found, safe=False)


@login_required
@require_POST
def move(request, kind, pk):
    """POST start, end, version: move (or resize) an event. 404 when the viewer may not see
    it, 403 when they may not change it, 409 when it was saved since it was shown, 400 for
    bad input or an invalid result; nothing is written then."""
    _opened_by(request)
    kind = events.KINDS.get(kind)
    if kind is None:
        raise Http404
    record = get_object_or_404(kind.model.objects.visible_to(request.user, "view"), pk=pk)
    if not permissions.allows(request.user, "edit", record):
        return _refused(_("You may not change this activity."), 403)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _form_refused(form)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if kind.has_duration:
        record.date_start = start
        if end is not None:
            record.duration_minutes = int((end - start) / timedelta(minutes=1))
    else:
        record.date_due = start
    try:
        save_record(record, actor=request.user, if_version=form.cleaned_data["version"])
    except VersionMismatch:
        return _refused(
            _(
                "Not moved: someone else saved this activity meanwhile. "
                "The calendar shows it as stored now."
            ),
            409,
        )
    except ValidationError as error:
        message, errors = _reasons(error, kind.model)
        return _refused(message, 400, errors)
    return JsonResponse({"ok": True, "event": events.one(request.user, kind, record.pk)})


@login_required
@require_POST
def create(request):
    """POST the quick-create dialog: 201 with the new event, or 400 with the errors per field
    (403 when the viewer may not create that type)."""
    _opened_by(request)
    form = QuickCreateForm(request.POST, user=request.user)
    if not form.is_valid():
        return _form_refused(form)
    data = form.cleaned_data
    kind = events.KINDS[data["kind"]]
    if not permissions.can(request.user, "create", kind.model):
        return _refused(_("You may not create this activity."), 403)
    record = kind.model(
        name=data["name"], date_start=data["start"], duration_minutes=data["duration_minutes"]
    )
    if data["parent"]:
        record.parent_type, record.parent_id = data["parent"]
    try:
        save_record(record, actor=request.user)
    except ValidationError as error:
        message, errors = _reasons(error, kind.model)
        return _refused(message, 400, errors)
    return JsonResponse(
        {"ok": True, "event": events.one(request.user, kind, record.pk)}, status=201
    )
