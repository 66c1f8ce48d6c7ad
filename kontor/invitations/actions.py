"""The invitations' verbs: send each invitee of a meeting what they need to know, and record
an invitee's answer.

`sync_invitations` compares the meeting as saved with what was sent (models.py) and, in one
transaction, puts the mails in the outbox (`send_once`, keyed by meeting, invitee, SEQUENCE and
method, so a repeated run sends nothing twice):

- a new invitee with an e-mail address gets a REQUEST (the organiser, the assigned user, none);
- a change of start, duration, place, online address or subject raises the SEQUENCE and sends
  every invitee the updated REQUEST; other changes send nothing;
- a removed invitee gets a CANCEL; a meeting set to Not Held or moved to the trash raises the
  SEQUENCE and sends every invitee a CANCEL (restoring it, or setting it back, invites again);
- a meeting that has ended sends nothing.

`answer_invitation` records an answer from the invitation's page: the invitee row's
accept_status and a change-log row on the meeting that its timeline reads ("Anna Schmidt
accepted"). The same answer again writes nothing.
"""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kontor.activities.models import Meeting, MeetingInvitee
from kontor.core.actions import log_event
from kontor.emails.outbox import send_once
from kontor.invitations import message, timeline, tokens
from kontor.invitations.models import InvitationState, SentInvitation

REQUEST, CANCEL = SentInvitation.Method.REQUEST, SentInvitation.Method.CANCEL
#: the keys of meeting_accept_status_dom an invitee may answer
ANSWERS = ("accept", "tentative", "decline")
#: the fields a calendar shows: a change of one of them sends an update
SHOWN = ("date_start", "duration_minutes", "location", "join_url", "name")


def fingerprint(meeting: Meeting) -> str:
    shown = "\x1f".join(str(getattr(meeting, name)) for name in SHOWN)
    return hashlib.sha256(shown.encode()).hexdigest()


def person_key(row: MeetingInvitee) -> str:
    if row.user_id:
        return f"user:{row.user_id}"
    return f"contact:{row.contact_id}" if row.contact_id else f"lead:{row.lead_id}"


def recipients(meeting: Meeting) -> dict[str, message.Recipient]:
    """The invitees who get mail, by person key: an address, an active user, not the organiser,
    no contact or lead in the trash."""
    rows = meeting.invitees.select_related("user__profile", "contact", "lead")
    organiser_zone = _zone(meeting.assigned_user)
    found = {}
    for row in rows:
        if row.user_id:
            user = row.user
            if user.pk == meeting.assigned_user_id or not user.is_active or not user.email:
                continue
            profile = getattr(user, "profile", None)
            language = getattr(profile, "language", "") or settings.LANGUAGE_CODE
            name, email, zone = user.get_full_name() or user.username, user.email, _zone(user)
        else:
            person = row.contact or row.lead
            if person.deleted or not person.email1:  # a person in the trash is not written to
                continue
            # People in the CRM have no language of their own: Kontor's default language.
            name, email = str(person) or person.email1, person.email1
            language, zone = settings.LANGUAGE_CODE, organiser_zone
        found[person_key(row)] = message.Recipient(
            person_key(row), name, email, language, zone, row.accept_status
        )
    return found


def _zone(user) -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    return getattr(profile, "time_zone", "") or settings.TIME_ZONE


def sync_invitations(meeting_id) -> list[tuple[str, str, int]]:
    """Send what the meeting's invitees need; returns (method, person, sequence) of each mail."""
    with transaction.atomic():
        meeting = (
            Meeting.with_deleted.select_for_update(of=("self",))
            .select_related("assigned_user__profile")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None or meeting.date_end <= timezone.now():
            return []
        return _sync(meeting)


def _sync(meeting: Meeting) -> list[tuple[str, str, int]]:
    cancelled = meeting.deleted or meeting.status == "Not Held"
    wanted = {} if cancelled else recipients(meeting)
    sent = {row.person: row for row in SentInvitation.objects.filter(meeting=meeting)}
    state = InvitationState.objects.filter(meeting=meeting).first()
    if state is None:
        if not wanted:
            return []
        state = InvitationState(meeting=meeting, fingerprint=fingerprint(meeting))
    mails, rows = [], []
    stored = (state.pk is not None and not state._state.adding, state.sequence, state.fingerprint)
    gone = [row for person, row in sent.items() if row.method == REQUEST and person not in wanted]
    if cancelled and gone and not state.cancelled:
        state.sequence, state.cancelled = state.sequence + 1, True
    for row in gone:
        who = message.Recipient(row.person, row.name, row.email, row.language, row.time_zone)
        mails.append(_send(meeting, who, CANCEL, state.sequence, row, rows, update=False))
    if not cancelled:
        if fingerprint(meeting) != state.fingerprint or state.cancelled:
            state.sequence += 1
            state.content_sequence, state.fingerprint = state.sequence, fingerprint(meeting)
            state.cancelled = False
        due = [
            who
            for person, who in wanted.items()
            if person not in sent
            or sent[person].method == CANCEL
            or sent[person].sequence < state.content_sequence
        ]
        if any(sent.get(w.person) and sent[w.person].sequence >= state.sequence for w in due):
            state.sequence += 1  # invited again after a cancel of this version: a newer one
        for who in due:
            row = sent.get(who.person)
            update = row is not None and row.method == REQUEST
            mails.append(_send(meeting, who, REQUEST, state.sequence, row, rows, update=update))
    if stored != (True, state.sequence, state.fingerprint):
        state.save()
    # what was sent, in two statements whatever the number of invitees
    SentInvitation.objects.bulk_create([r for r in rows if r.pk is None])
    SentInvitation.objects.bulk_update(
        [r for r in rows if r.pk is not None],
        ["name", "email", "language", "time_zone", "method", "sequence", "sent_at"],
    )
    return mails


def _send(meeting, who, method: str, sequence: int, row, rows: list, *, update: bool):
    token = tokens.make(meeting, who.person, who.language)
    mail = message.build(meeting, who, method, sequence, update=update, token=token)
    send_once(f"invitation:{meeting.pk}:{who.person}:{sequence}:{method}", mail)
    row = row or SentInvitation(meeting=meeting, person=who.person)
    row.name, row.email, row.language, row.time_zone = (
        who.name,
        who.email,
        who.language,
        who.time_zone,
    )
    row.method, row.sequence, row.sent_at = method, sequence, timezone.now()
    rows.append(row)
    return method, who.person, sequence


class AnswerRefused(Exception):
    """The invitation cannot be answered (no longer invited, cancelled, ended)."""


def answer_invitation(meeting: Meeting, person: str, answer: str) -> bool:
    """Record `person`'s answer to `meeting`; False when it was already the answer."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown answer {answer!r}")
    kind, _sep, pk = person.partition(":")
    if kind not in ("user", "contact", "lead"):
        raise AnswerRefused()
    with transaction.atomic():
        row = (
            MeetingInvitee.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(meeting=meeting, **{f"{kind}_id": pk})
            .first()
        )
        if row is None or meeting.deleted or meeting.status == "Not Held":
            raise AnswerRefused()
        if row.accept_status == answer:
            return False
        old, row.accept_status = row.accept_status, answer
        row.save(update_fields=["accept_status"])
        log_event(
            meeting,
            timeline.ACTION,
            actor=row.user if row.user_id else None,
            field=person,
            old=old,
            new=answer,
        )
        return True
