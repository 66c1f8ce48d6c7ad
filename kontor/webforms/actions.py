"""The writes of web forms: an admin saves a definition; a visitor's submission creates or
updates a record (DESIGN.md rule 1: the views only translate, these functions decide).

Who the actor is: a submission has no signed-in user, so its writes are made with
`actor=None`, which the change log and timeline show as "System", and with the origin
"webform:<form name>" (`kontor.core.context.origin`), which the timeline shows as "via web form
<name>". The form's creator is deliberately not the actor: they did not type the data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kontor.core import actions as core_actions
from kontor.core.context import origin
from kontor.core.models import ChangeLog
from kontor.webforms import notify, routing
from kontor.webforms.formfields import model_for
from kontor.webforms.models import UsedToken, WebForm

#: The change-log field of a submission attached to an existing record (shown in its timeline).
EVENT_FIELD = "webform"


@dataclass(frozen=True)
class Outcome:
    """What a submission did: the record, whether it was new, whether it repeated a submit."""

    record_id: object
    created: bool = False
    repeated: bool = False


def save_webform(webform: WebForm, *, actor) -> WebForm:
    """Create or change a form definition as the admin `actor` (ValidationError when invalid)."""
    webform.full_clean()
    with transaction.atomic():
        if webform._state.adding:
            webform.created_by = actor
        webform.date_modified = timezone.now()
        webform.save()
    return webform


def submit_webform(webform: WebForm, values: dict, *, nonce: str, consent: bool) -> Outcome:
    """Take one submission of `webform` (values already checked by the public form).

    The nonce of the rendered page is consumed first: a second submit of the same page finds
    it used and returns the first outcome with `repeated=True`, writing nothing. An e-mail that
    matches a contact or lead attaches the submission to that record (timeline event, empty
    fields filled) instead of creating a duplicate. Raises ValidationError (the model's
    field errors) and writes nothing when the record refuses the values.
    """
    with origin(webform.origin):
        try:
            with transaction.atomic():
                _forget_expired_tokens()
                UsedToken.objects.create(nonce=nonce, form=webform)
                email = (values.get("email1") or "").strip().lower()
                _serialize(email)
                existing = find_existing(email)
                if existing is not None:
                    outcome = _attach(webform, existing, values, consent=consent)
                else:
                    outcome = _create(webform, values, consent=consent)
                UsedToken.objects.filter(pk=nonce).update(record_id=outcome.record_id)
        except IntegrityError:
            # The nonce was used (a double click, a reload of the POST): the first submit's work
            # is the answer, whatever this one sent.
            used = UsedToken.objects.filter(pk=nonce).first()
            if used is None:
                raise
            return Outcome(used.record_id, repeated=True)
    return outcome


def _forget_expired_tokens() -> None:
    """Used tokens older than a token's life cannot come back (their signature has expired),
    so they are deleted; one indexed range delete, usually of nothing."""
    limit = timezone.now() - timedelta(seconds=settings.KONTOR_WEBFORM_TOKEN_MAX_AGE + 60)
    UsedToken.objects.filter(used_at__lt=limit).delete()


def _serialize(email: str) -> None:
    """Submissions of the same e-mail run one after the other, so two at the same moment make
    one lead and one attachment. PostgreSQL: a lock for this transaction on the e-mail's hash;
    SQLite already runs one writing transaction at a time (IMMEDIATE)."""
    if email and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["webform:" + email])


def find_existing(email: str):
    """The contact, else the lead, whose e-mail is `email` (newest change first), or None."""
    from kontor.contacts.models import Contact
    from kontor.leads.models import Lead

    email = email.strip().lower()
    if not email:
        return None
    for model in (Contact, Lead):
        found = model.objects.filter(email1=email).order_by("-date_modified", "-pk").first()
        if found is not None:
            return found
    return None


def _consent_values() -> dict:
    return {"lawful_basis": "consent", "lawful_basis_source": "website",
            "date_reviewed": timezone.localdate()}


def _create(webform: WebForm, values: dict, *, consent: bool) -> Outcome:
    model = model_for(webform.module)
    record = model(**{k: v for k, v in values.items() if v is not None})
    record.lead_source = webform.lead_source
    record.campaign_name = webform.campaign_name
    record.assigned_user, team_ids = routing.assignee(webform)
    record.status = "New"
    if hasattr(record, "lifecycle_stage"):
        record.lifecycle_stage = "ML"
    if consent:
        for name, value in _consent_values().items():
            setattr(record, name, value)
    core_actions.save_record(record, actor=None)
    routing.join(model, record.pk, team_ids)
    notify.on_commit(webform, record, created=True)
    return Outcome(record.pk, created=True)


def _attach(webform: WebForm, record, values: dict, *, consent: bool) -> Outcome:
    """Log the submission on `record` and fill its empty fields with what was sent."""
    core_actions.log_event(record, ChangeLog.Action.UPDATE, actor=None, field=EVENT_FIELD,
                           new=summary(webform, values, consent=consent))
    fills = {name: value for name, value in values.items()
             if value not in (None, "") and hasattr(record, name)
             and getattr(record, name) in (None, "")}
    extra = {"lead_source": webform.lead_source, "campaign_name": webform.campaign_name}
    if consent:
        extra.update(_consent_values())
    fills.update({k: v for k, v in extra.items()
                  if v and getattr(record, k, None) in (None, "") and k not in fills})
    if fills:
        for name, value in fills.items():
            setattr(record, name, value)
        try:
            core_actions.save_record(record, actor=None)
        except ValidationError:
            # The existing record refuses the fills (it may be invalid by today's rules):
            # the submission is still logged on it, the fields stay as they were.
            record.refresh_from_db()
    notify.on_commit(webform, record, created=False)
    return Outcome(record.pk)


def summary(webform: WebForm, values: dict, *, consent: bool) -> str:
    """The submission as the timeline shows it: "Form: …", one "Label: value" line per field."""
    model = model_for(webform.module)
    lines = [f"{webform.name}"]
    for spec in webform.fields:
        value = values.get(spec["name"])
        if value not in (None, ""):
            label = spec.get("label_en") or str(model._meta.get_field(spec["name"]).verbose_name)
            lines.append(f"{label}: {value}")
    if consent:
        lines.append(f"consent: {webform.consent_text_en or webform.consent_text_de}")
    return "\n".join(lines)
