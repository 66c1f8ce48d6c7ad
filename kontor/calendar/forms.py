"""What the calendar's browser script sends: a range to show, a quick-created call or meeting,
a moved or resized event. Times are the viewer's wall times (the calendar runs in UTC mode,
see events.py); a time with an offset is taken as that instant.

Errors are translated messages on the field that caused them (docs/architecture.md rule 6).
"""

from datetime import datetime, time

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from kontor.activities.forms import parent_modules
from kontor.core import registry
from kontor.core.records.forms import RelateSelect

#: The longest range one request of the feed may ask for (a month view shows six weeks).
MAX_RANGE_DAYS = 100


def parse_time(value: str) -> datetime | None:
    """An aware datetime from "2026-12-08T09:30[:00]" (the viewer's wall time), a time with an
    offset, or a date (its midnight); None when it is none of these."""
    value = (value or "").strip()[:40]
    try:
        found = parse_datetime(value)
        if found is None and (day := parse_date(value)) is not None:
            found = datetime.combine(day, time())
    except ValueError:
        return None
    if found is None:
        return None
    if timezone.is_naive(found):
        found = timezone.make_aware(found, timezone.get_current_timezone())
    return found


class WallTimeField(forms.CharField):
    """A time as the calendar sends it (see `parse_time`)."""

    default_error_messages = {"invalid": _("Enter a valid date and time.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        found = parse_time(value)
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class RangeForm(forms.Form):
    """GET start, end (and users, teams, read by people.select): the range of the feed."""

    start = WallTimeField()
    end = WallTimeField()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end <= start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error(
                    "end",
                    _("Choose at most %(days)s days at once.") % {"days": MAX_RANGE_DAYS},
                )
        return cleaned


class MoveForm(forms.Form):
    """POST start, end (a resize or a move of a call or meeting), version (the shown one)."""

    start = WallTimeField()
    end = WallTimeField(required=False)
    version = forms.CharField(max_length=64)

    def clean_version(self):
        try:
            return datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise forms.ValidationError(
                _("This calendar is out of date. Reload the page and try again."),
                code="invalid",
            ) from None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end is before the start."))
        return cleaned


class QuickCreateForm(forms.Form):
    """The dialog of a clicked slot: a meeting or a call, its subject, start and duration, and
    optionally the record it belongs to (checked through the permission filter)."""

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[("meetings", _("Meeting")), ("calls", _("Call"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    name = forms.CharField(
        label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    start = WallTimeField(
        label=_("Start"),
        widget=forms.DateTimeInput(attrs={"class": "form-control", "type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=14 * 24 * 60,
        initial=60,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": 5}),
    )
    parent_module = forms.ChoiceField(label=_("Related to (type)"), required=False)
    parent_record = forms.CharField(label=_("Related to"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        modules = parent_modules()
        self.fields["parent_module"].choices = [("", "---------")] + [
            (m.slug, m.verbose_name) for m in modules
        ]
        self.fields["parent_module"].widget.attrs.update(
            {"class": "form-select", "data-parent-type": "1"}
        )
        widget = RelateSelect("", attrs={"class": "form-select", "data-parent-record": "1"})
        widget.choices = [("", "---------")]
        self.fields["parent_record"].widget = widget

    def clean(self):
        cleaned = super().clean()
        slug, pk = cleaned.get("parent_module"), cleaned.get("parent_record")
        cleaned["parent"] = None
        if slug and pk:
            model = registry.get(slug).model
            try:
                record = model.objects.visible_to(self.user, "view").filter(pk=pk).first()
            except Exception:  # noqa: BLE001 - a malformed id is the same as a hidden one
                record = None
            if record is None:
                self.add_error("parent_record", _("Choose a record you can see."))
            else:
                cleaned["parent"] = (ContentType.objects.get_for_model(record), record.pk)
        elif pk:
            self.add_error("parent_record", _("Choose the record this belongs to."))
        return cleaned
