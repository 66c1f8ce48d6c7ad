"""Polling: what the task workers do with each active mailbox every few minutes.

Incremental: while the folder keeps its UIDVALIDITY only UIDs above the mailbox's `last_uid`
are asked for, in batches. Each batch first fetches the small headers, drops the messages
already stored (by Message-ID, so a folder rebuilt under a new UIDVALIDITY, or a message
delivered twice, is not stored again nor downloaded again), then fetches the rest whole —
a message above `KONTOR_MAIL_MAX_MESSAGE_BYTES` only by its header — and stores the batch with
its matches in one transaction, moving the bookmark. A mailbox that cannot be read records
why (shown on its page) and the others go on.
"""

import imaplib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_noop

from kontor.mailboxes import actions, imap, matching, parsing
from kontor.mailboxes.models import Mailbox, MailboxMessage

log = logging.getLogger(__name__)

BATCH = 50


@dataclass
class PollResult:
    fetched: int = 0
    stored: int = 0
    error: str = ""
    skipped: bool = False


def poll_all() -> dict[str, PollResult]:
    """Poll every active mailbox; the result of each by its address. A poll that fails
    unexpectedly (a bug met by one mailbox's mail or settings) is logged and recorded on its
    mailbox, and the others are still read."""
    results = {}
    for mailbox in Mailbox.objects.filter(active=True).select_related("owner").order_by("pk"):
        try:
            results[mailbox.email_address] = poll(mailbox)
        except Exception as error:
            log.exception("mailbox %s: the poll failed", mailbox.email_address)
            failure = imap.MailboxError(
                gettext_noop("Reading the mailbox failed unexpectedly: %(error)s"),
                error=f"{type(error).__name__}: {error}",
            )
            actions.record_poll(mailbox, error=failure)
            results[mailbox.email_address] = PollResult(error=failure.message)
    return results


def poll(mailbox: Mailbox, *, batch: int = BATCH) -> PollResult:
    """Fetch and store what is new in `mailbox` since its last poll (nothing when another
    poll of it is still running: `skipped`)."""
    result, failure = PollResult(), None
    if not actions.claim_poll(mailbox):
        result.skipped = True
        return result
    try:
        with imap.connect(actions.connection_settings(mailbox)) as connection:
            changed = connection.uidvalidity != mailbox.uidvalidity
            uids = connection.uids_above(0 if changed else mailbox.last_uid)
            for start in range(0, len(uids), batch):
                chunk = uids[start : start + batch]
                fetched, stored = _batch(mailbox, connection, chunk)
                result.fetched += fetched
                result.stored += stored
    except imap.MailboxError as error:
        failure = error
    except (imaplib.IMAP4.error, OSError) as error:
        failure = imap.MailboxError.lost(mailbox.host, error)
    except BaseException:
        # a bug, not the mailbox: free it for the next poll, and let the caller record it
        Mailbox.objects.filter(pk=mailbox.pk).update(polling_since=None)
        raise
    if failure is not None:
        result.error = failure.message
        log.warning("mailbox %s: %s", mailbox.email_address, failure.text % failure.params)
    actions.record_poll(mailbox, error=failure)
    return result


def _batch(mailbox: Mailbox, connection: imap.Connection, uids: list[int]) -> tuple[int, int]:
    headers = connection.headers(uids)
    keys = {uid: parsing.message_key(header) for uid, (_size, header) in headers.items()}
    known = set(
        MailboxMessage.objects.filter(mailbox=mailbox, message_key__in=keys.values()).values_list(
            "message_key", flat=True
        )
    )
    limit = settings.KONTOR_MAIL_MAX_MESSAGE_BYTES
    new = [uid for uid in uids if uid in keys and keys[uid] not in known]
    whole = connection.messages([uid for uid in new if headers[uid][0] <= limit])
    mails = []
    for uid in new:
        if uid in whole:
            raw, header_only = whole[uid], False
        else:
            raw, header_only = headers[uid][1], True
        mails.append(
            parsing.parse(
                raw,
                max_attachment=settings.KONTOR_MAIL_MAX_ATTACHMENT_BYTES,
                header_only=header_only,
            )
        )
    found = matching.match(mails, own_addresses=(mailbox.email_address, mailbox.username))
    stored = actions.store_batch(
        mailbox,
        [(uid, mail, match) for uid, mail, match in zip(new, mails, found, strict=True)],
        uidvalidity=connection.uidvalidity,
        last_uid=uids[-1],
    )
    return len(whole), stored
