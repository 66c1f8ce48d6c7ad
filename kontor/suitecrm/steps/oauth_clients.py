"""Step "oauth_clients": SuiteCRM's OAuth2 clients (`oauth2clients`) → `api.OAuthClient`.

Each client keeps its id (the `client_id` integrations send), its name, its allowed grant
(`password` or `client_credentials`), the user a client-credentials client acts as, and its
secret exactly as SuiteCRM stores it (the hex SHA-256 of the plain secret), so that the
integrations of a SuiteCRM API compatibility authenticate with the secret they already have.
A client deleted in SuiteCRM moves inactive; so does one whose stored secret is no SHA-256
hash (SuiteCRM could not authenticate it either), without that value, which might be a
secret in plain text. The report names clients only, never a secret;
each created or changed client gets an entry in the administration change log. A second run
takes over SuiteCRM's changes (Kontor has no form to edit these clients).
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kontor.api.models import OAuthClient
from kontor.core.admin_log import log_admin_change
from kontor.suitecrm import lookups
from kontor.suitecrm.source import flag, text, when
from kontor.suitecrm.steps import step

TABLE = "oauth2clients"
_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
_GRANTS = {choice.value for choice in OAuthClient.Grant}
#: The fields compared on a second run (what makes a client "updated")
_FIELDS = (
    "name",
    "secret_hash",
    "grant",
    "user_id",
    "is_confidential",
    "redirect_url",
    "active",
    "created_at",
    "modified_at",
)


@step("oauth_clients", 160, tables=(TABLE,))
def run(context):
    if not lookups.actor_administers(context, TABLE):
        return
    report = context.report
    sql = (
        "SELECT id, name, secret, allowed_grant_type, assigned_user_id, is_confidential, "
        "redirect_url, deleted, date_entered, date_modified FROM oauth2clients ORDER BY id"
    )
    for row in context.source.rows(sql):
        client_id = text(row["id"])
        wanted = _wanted(context, client_id, row)
        if wanted is None:
            report.count(TABLE, "skipped")
            continue
        with transaction.atomic():
            outcome = _save(context, client_id, wanted)
        report.count(TABLE, outcome)


def _wanted(context, client_id: str, row) -> dict | None:
    """The fields of the Kontor client for SuiteCRM row `row`, or None (reported) to skip it."""
    report = context.report
    if not client_id or len(client_id) > OAuthClient._meta.get_field("client_id").max_length:
        report.problem(TABLE, client_id, _("OAuth2 client without a usable id: not migrated."))
        return None
    secret = text(row["secret"])
    if not _SHA256_HEX.match(secret):
        # SuiteCRM itself compares sha256_hex(secret) with this column: such a client could
        # not authenticate there either. It moves inactive so nothing changes for it.
        report.problem(
            TABLE,
            client_id,
            _("The stored secret is no SHA-256 hash: the client moves inactive."),
        )
    grant = text(row["allowed_grant_type"]) or OAuthClient.Grant.PASSWORD
    if grant not in _GRANTS:
        report.problem(
            TABLE, client_id, _("Unknown grant %(grant)s: not migrated.") % {"grant": grant}
        )
        return None
    user_id = lookups.user_id_for(context, row["assigned_user_id"])
    if row["assigned_user_id"] and user_id is None:
        report.problem(
            TABLE,
            client_id,
            _("User %(user)s the client acts as not found.") % {"user": row["assigned_user_id"]},
        )
    wanted = {
        "name": text(row["name"])[:255],
        "secret_hash": secret if _SHA256_HEX.match(secret) else "",
        "grant": grant,
        "user_id": user_id,
        "is_confidential": flag(row["is_confidential"]),
        "redirect_url": text(row["redirect_url"])[:255],
        "active": not flag(row["deleted"]) and bool(_SHA256_HEX.match(secret)),
    }
    # Without a date (NULL, 0000-00-00) a new client gets the time of the run and a later
    # run keeps it, instead of counting the client as updated every time.
    created = when(row["date_entered"])
    for name, value in (("created_at", created), ("modified_at", when(row["date_modified"]))):
        if value or created:
            wanted[name] = value or created
    return wanted


def _save(context, client_id: str, wanted: dict) -> str:
    client = OAuthClient.objects.filter(client_id=client_id).first()
    if client is None:
        client = OAuthClient.objects.create(client_id=client_id, **wanted)
        outcome, summary = "created", _("OAuth2 client %(client)s migrated from SuiteCRM.")
    else:
        changed = [f for f in _FIELDS if f in wanted and getattr(client, f) != wanted[f]]
        if not changed:
            return "unchanged"
        for name in changed:
            setattr(client, name, wanted[name])
        client.save(update_fields=[f.removesuffix("_id") for f in changed])
        outcome, summary = "updated", _("OAuth2 client %(client)s updated from SuiteCRM.")
    log_admin_change(
        actor=context.actor,
        area="api_client",
        target=client_id,
        summary=summary % {"client": client_id},
        detail={"grant": client.grant, "active": client.active, "user": client.user_id},
    )
    return outcome
