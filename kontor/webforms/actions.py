"""The writes of web forms: an admin saves a definition; a visitor's submission creates a
record or is kept on the timeline of the one its e-mail matches (docs/architecture.md rules 1
and 2: the views only translate, these functions decide).

Who the actor is: a submission has no signed-in user, so its writes are made with
`actor=None`, which the change log and timeline show as "System", and with the origin
"webform:<form name>" (`kontor.core.context.origin`), which the timeline shows as "via web form
<name>". The form's creator is deliberately not the actor: they did not type the data.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kontor.core import actions as core_actions
from kontor.core import locks
from kontor.core.admin_log import log_admin_change
from kontor.core.config import custom_fields as custom_fields_of
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
    """Create or change a form definition as the admin `actor` (ValidationError when invalid);
    logged in the administration change log with what changed."""
    webform.full_clean()
    with transaction.atomic():
        created = webform._state.adding
        if created:
            webform.created_by = actor
        logged = [f.attname for f in WebForm._meta.concrete_fields if f.name not in UNLOGGED]
        before = {} if created else WebForm.objects.filter(pk=webform.pk).values(*logged).first()
        webform.date_modified = timezone.now()
        webform.save()
        after = {name: getattr(webform, name) for name in logged}
        log_admin_change(
            actor=actor,
            area="webform",
            target=webform.name,
            summary=gettext_noop("Web form created")
            if created
            else gettext_noop("Web form changed"),
            detail=_jsonable(
                after
                if created
                else {
                    n: [(before or {}).get(n), v]
                    for n, v in after.items()
                    if (before or {}).get(n) != v
                }
            ),
        )
    return webform


#: Columns of a form definition the change log leaves out: bookkeeping, and the key of its
#: public address (not a setting an admin changes).
UNLOGGED = {"id", "key", "created_by", "date_entered", "date_modified", "round_robin_last"}


def _jsonable(detail: dict) -> dict:
    return {name: str(v) if hasattr(v, "isoformat") else v for name, v in detail.items()}


def submit_webform(webform: WebForm, values: dict, *, nonce: str, consent: bool) -> Outcome:
    """Take one submission of `webform` (values already checked by the public form).

    The nonce of the rendered page is consumed first: a second submit of the same page finds
    it used and returns the first outcome with `repeated=True`, writing nothing. An e-mail that
    matches a contact or lead attaches the submission to that record (a timeline event, no
    field changed) instead of creating a duplicate. Raises ValidationError (the model's
    field errors) and writes nothing when the record refuses the values.
    """
    with origin(webform.origin):
        try:
            with transaction.atomic():
                _forget_expired_tokens()
                UsedToken.objects.create(nonce=nonce, form=webform)
                email = (values.get("email1") or "").strip().lower()
                _serialize(email, model_for(webform.module))
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


def _serialize(email: str, model) -> None:
    """Writers of the same e-mail run one after the other, so two at the same moment make one
    record and one attachment: other submissions, API upserts and import chunks of contacts,
    leads (what `find_existing` looks at) or `model` (what the submission creates) by e-mail
    (`kontor.core.locks`)."""
    from kontor.contacts.models import Contact
    from kontor.leads.models import Lead

    locks.lock_keys((locks.namespace(m, locks.EMAIL), email) for m in {Contact, Lead, model})


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
    return {
        "lawful_basis": "consent",
        "lawful_basis_source": "website",
        "date_reviewed": timezone.localdate(),
    }


def _split(model, values: dict) -> tuple[dict, dict]:
    """(built-in field values, custom values) of a submission; unknown names are dropped."""
    custom_names = {f.name for f in custom_fields_of(model)}
    names = {f.name for f in model._meta.concrete_fields}
    return (
        {k: v for k, v in values.items() if k in names and k != "custom"},
        {k: v for k, v in values.items() if k in custom_names},
    )


def _create(webform: WebForm, values: dict, *, consent: bool) -> Outcome:
    model = model_for(webform.module)
    builtin, custom = _split(model, values)
    record = model(**{k: v for k, v in builtin.items() if v is not None})
    # The record's validation (config.validate) converts and checks these again and drops
    # the empty ones, so what is stored is exactly what any other entry path would store.
    record.custom = {k: v for k, v in custom.items() if not _empty(v)}
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
    """Keep the submission on `record`'s timeline for review, changing none of its fields.

    Whoever knows an e-mail address can send a form, so what was sent is not applied to the
    record it matches: not the names or the text, not an empty field, not a custom value and
    not the consent (Kontor has no double opt-in that could confirm it). The people who may
    see the record read the sent values in the timeline and take over what is right.
    """
    core_actions.log_event(
        record,
        ChangeLog.Action.UPDATE,
        actor=None,
        field=EVENT_FIELD,
        new=summary(webform, values, consent=consent),
    )
    notify.on_commit(webform, record, created=False)
    return Outcome(record.pk)


def summary(webform: WebForm, values: dict, *, consent: bool) -> str:
    """The submission as the timeline shows it: "Form: …", one "Label: value" line per field."""
    model = model_for(webform.module)
    custom = {f.name: f for f in custom_fields_of(model)}
    lines = [f"{webform.name}"]
    for spec in webform.fields:
        name, value = spec["name"], values.get(spec["name"])
        if _empty(value):
            continue
        if name in custom:
            label = spec.get("label_en") or custom[name].label_en
            lines.append(f"{label}: {_custom_text(custom[name], value)}")
        elif name in {f.name for f in model._meta.concrete_fields}:
            label = spec.get("label_en") or str(model._meta.get_field(name).verbose_name)
            lines.append(f"{label}: {value}")
    if consent:
        lines.append(f"consent: {webform.consent_text_en or webform.consent_text_de}")
    return "\n".join(lines)


def _empty(value) -> bool:
    """No value: nothing typed, nothing ticked in a multi-select (a "no" on yes/no counts)."""
    return value is None or value == "" or value == [] or value == ()


def _custom_text(custom, value) -> str:
    """A custom value as people read it (dropdown labels, local dates), unparsable as sent."""
    try:
        return custom.display(custom.to_python(value))
    except ValidationError:
        return str(value)
