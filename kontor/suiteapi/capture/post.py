"""A form post made for SuiteCRM's web-to-lead entry points, read as a Kontor web form
submission: for the capture views, so that forms websites already have keep working.

SuiteCRM's forms name fields as the record's fields (`first_name`, `email1`), older ones
`webtolead_email1`, custom fields end in `_c`, multi-selects end in `[]`, and the legacy
entry point allows a `prefix` on every name. What SuiteCRM uses only to drive the form
(required and boolean field lists, campaign, owner, redirect) is not a value of the record.
"""

import hashlib
import json

from django.http import QueryDict

from kontor.webforms.formfields import CUSTOM_PREFIX, HONEYPOT, custom_field

#: Form helpers and settings SuiteCRM reads from the post, never record values. The owner and
#: the campaign come from the capture's web form: an anonymous post does not choose them.
NOT_VALUES = frozenset(
    {
        "campaign_id",
        "assigned_user_id",
        "redirect_url",
        "redirect",
        "req_id",
        "bool_id",
        "dup_checked",
        "client_id_address",
        "moduleDir",
        "prefix",
        "submit",
        "entryPoint",
        "lead_source",
        "campaign_name",
        "consent",
        HONEYPOT,
    }
)
OPT_IN = "opt_in_"


def _normalized(post: QueryDict) -> QueryDict:
    """The post with SuiteCRM's `[]` suffixes and the legacy `prefix` taken off its names."""
    prefix = post.get("prefix", "")
    data = QueryDict(mutable=True)
    for key in post:
        name = key[:-2] if key.endswith("[]") else key
        if prefix and name.startswith(prefix):
            name = name[len(prefix) :]
        data.setlist(name, [*data.getlist(name), *post.getlist(key)])
    return data


def opted_in(post: QueryDict) -> bool:
    """An `opt_in_<e-mail field>` box was sent (SuiteCRM's consent to be e-mailed)."""
    return any(key.startswith(OPT_IN) for key in _normalized(post))


def form_data(post: QueryDict, webform) -> QueryDict:
    """What Kontor's public form of `webform` reads from a SuiteCRM post: its fields under
    their input names, the e-mail from `webtolead_email1` when `email1` is empty, custom
    fields from `<name>_c` (or their plain name), and SuiteCRM's opt-in as the consent box."""
    raw = _normalized(post)
    data = QueryDict(mutable=True)
    for name in raw:
        if name not in NOT_VALUES and not name.startswith(OPT_IN):
            data.setlist(name, raw.getlist(name))
    if not raw.get("email1") and raw.get("webtolead_email1"):
        data["email1"] = raw["webtolead_email1"]
    for spec in webform.fields:
        name = spec["name"]
        if custom_field(webform.module, name) is None:
            continue
        for source in (f"{name}_c", name):
            if source in raw:
                data.setlist(CUSTOM_PREFIX + name, raw.getlist(source))
                break
    if opted_in(post):
        data["consent"] = "on"
    return data


def extra_values(post: QueryDict, fields) -> dict:
    """Values SuiteCRM takes beside the form's fields — the second e-mail and the opt-out
    (either name, any value) — where the administrator put them on the web form (`fields`:
    its field names): an anonymous post fills nothing else. Checked by the record's own
    validation when it is saved."""
    raw = _normalized(post)
    values = {}
    email2 = raw.get("email2") or raw.get("webtolead_email2")
    if email2 and "email2" in fields:
        values["email2"] = email2.strip()
    opted_out = "email_opt_out" in raw or "webtolead_email_opt_out" in raw
    if opted_out and "email_opt_out" in fields:
        values["email_opt_out"] = True
    return values


def fingerprint(webform, post: QueryDict, address: str) -> str:
    """The same post from the same address to the same form, as 64 hex digits: the web form's
    one-time key of a submission, so a double click on a website's form makes one record."""
    content = json.dumps(
        [webform.key, address, sorted((k, post.getlist(k)) for k in post)], sort_keys=True
    )
    return hashlib.sha256(content.encode()).hexdigest()
