"""`kontor migrate-suitecrm --verify`: compares SuiteCRM with Kontor after a migration, for the
administrator who wants proof before switching over.

Counted on both sides: the users and teams, the records per module (live and in the trash;
in Kontor the records that came from SuiteCRM, found through `core.ExternalId`), the links
(account–contact, account–opportunity, opportunity–contact, invitees of calls and meetings,
record teams), the OAuth2 clients and the currencies (SuiteCRM's live rows against the
currencies the migration noted). Then a random sample of records per module is
compared field by field: names, primary e-mail, owner, created and modified dates, trash.
Every difference is one line. SuiteCRM is only read. A row the migration reported and left
out is a difference here too: the lines say what Kontor lacks, the migration's report why.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.api.models import OAuthClient
from kontor.contacts.models import Contact
from kontor.core.models import ExternalId
from kontor.currencies.models import Currency
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.models import SOURCE, LegacyId
from kontor.suitecrm.people import email_values
from kontor.suitecrm.source import Source, flag, text, when
from kontor.targets.models import Target
from kontor.users.models import Team

#: SuiteCRM table → (SuiteCRM module name, Kontor model, compared name fields)
MODULES = {
    "accounts": ("Accounts", Account, ("name",)),
    "contacts": ("Contacts", Contact, ("first_name", "last_name")),
    "prospects": ("Prospects", Target, ("first_name", "last_name")),
    "leads": ("Leads", Lead, ("first_name", "last_name")),
    "opportunities": ("Opportunities", Opportunity, ("name",)),
    "calls": ("Calls", Call, ("name",)),
    "meetings": ("Meetings", Meeting, ("name",)),
    "tasks": ("Tasks", Task, ("name",)),
    "notes": ("Notes", Note, ("name",)),
}
#: Modules whose records carry a primary e-mail address
EMAIL_MODULES = ("accounts", "contacts", "prospects", "leads")
#: Call and meeting invitee join tables: (table, activity column, other column, other table)
INVITEES = [
    (f"{activity}s_{kind}s", f"{activity}_id", f"{kind}_id", f"{kind}s")
    for activity in ("call", "meeting")
    for kind in ("user", "contact", "lead")
]


@dataclass
class Verification:
    """What `verify` found: (what, SuiteCRM, Kontor) counts, and the differences as lines."""

    counts: list[tuple[str, int, int]] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    sampled: int = 0

    def compare(self, what: str, suitecrm: int, kontor: int) -> None:
        self.counts.append((what, suitecrm, kontor))
        if suitecrm != kontor:
            self.differences.append(f"{what}: SuiteCRM {suitecrm:,}, Kontor {kontor:,}")

    def lines(self) -> list[str]:
        out = [f"{'':<40}{'SuiteCRM':>12}{'Kontor':>12}"]
        out += [f"{what:<40}{sc:>12,}{k:>12,}" for what, sc, k in self.counts]
        out.append(
            ngettext(
                "%(n)s sampled record compared field by field.",
                "%(n)s sampled records compared field by field.",
                self.sampled,
            )
            % {"n": f"{self.sampled:,}"}
        )
        if self.differences:
            n = len(self.differences)
            out.append(ngettext("%(n)d difference:", "%(n)d differences:", n) % {"n": n})
            out += [f"  {line}" for line in self.differences]
        else:
            out.append(_("No differences."))
        return out


def verify(url: str, *, sample: int = 50, seed: int | None = None) -> Verification:
    """Compare the SuiteCRM database at `url` with Kontor; `sample` records per module."""
    result = Verification()
    source = Source.open(url)
    try:
        _people_counts(source, result)
        for table in MODULES:
            if source.has(table):
                _module_counts(source, result, table)
        _link_counts(source, result)
        if source.has("oauth2clients"):
            result.compare(
                "oauth2clients",
                source.scalar("SELECT COUNT(*) FROM oauth2clients"),
                OAuthClient.objects.count(),
            )
        if source.has("currencies"):
            result.compare(
                "currencies",
                int(source.scalar("SELECT COUNT(*) FROM currencies WHERE deleted = 0") or 0),
                _currencies(),
            )
        for table in MODULES:
            if source.has(table):
                _sample(source, result, table, sample, seed)
    finally:
        source.close()
    return result


def _currencies() -> int:
    """How many Kontor currencies the migration noted for a SuiteCRM currency row."""
    codes = LegacyId.objects.filter(kind="currency").values_list("kontor_id", flat=True)
    return Currency.objects.filter(code__in=list(codes)).count()


def _migrated(model):
    """The Kontor records of `model` that came from SuiteCRM (trash included)."""
    ids = ExternalId.objects.filter(
        source=SOURCE, record_type=ContentType.objects.get_for_model(model)
    ).values("record_id")
    return model.with_deleted.filter(pk__in=ids)


def _people_counts(source, result: Verification) -> None:
    """Users who can sign in (no group or portal-only users) and live security groups, against
    the Kontor users and teams the migration noted for them."""
    if source.has("users"):
        columns = set(source.columns("users"))
        where = " AND ".join(
            f"COALESCE({c}, 0) = 0" for c in ("is_group", "portal_only") if c in columns
        )
        result.compare(
            "users",
            int(source.scalar("SELECT COUNT(*) FROM users" + (f" WHERE {where}" if where else ""))),
            _legacy(get_user_model(), "user"),
        )
    if source.has("securitygroups"):
        result.compare(
            "securitygroups (teams)",
            int(source.scalar("SELECT COUNT(*) FROM securitygroups WHERE deleted = 0")),
            _legacy(Team, "team"),
        )


def _legacy(model, kind: str) -> int:
    """How many rows of `model` the migration noted as `kind` (and still exist)."""
    pks = LegacyId.objects.filter(kind=kind).values_list("kontor_id", flat=True)
    return model.objects.filter(pk__in=[int(pk) for pk in pks]).count()


def _module_counts(source, result: Verification, table: str) -> None:
    _module, model, _names = MODULES[table]
    by_flag = {0: 0, 1: 0}
    for row in source.rows(f"SELECT deleted, COUNT(*) AS n FROM `{table}` GROUP BY deleted"):
        by_flag[1 if flag(row["deleted"]) else 0] += row["n"]
    migrated = _migrated(model)
    result.compare(f"{table} (live)", by_flag[0], migrated.filter(deleted=False).count())
    result.compare(f"{table} (trash)", by_flag[1], migrated.filter(deleted=True).count())


def _pairs(source, sql: str) -> int:
    return int(source.scalar(sql) or 0)


def _link_counts(source, result: Verification) -> None:
    """Links whose join row is live and whose both ends exist in SuiteCRM."""
    if source.has("accounts_contacts"):
        result.compare(
            "accounts_contacts (contacts with an account)",
            _pairs(
                source,
                "SELECT COUNT(DISTINCT j.contact_id) FROM accounts_contacts j "
                "JOIN contacts c ON c.id = j.contact_id JOIN accounts a ON a.id = j.account_id "
                "WHERE j.deleted = 0",
            ),
            _migrated(Contact).filter(account__isnull=False).count(),
        )
    if source.has("accounts_opportunities"):
        # Counting deleted join rows too: an opportunity needs an account, so the migration
        # keeps the account of a deleted link when no live one is left (and reports it).
        result.compare(
            "accounts_opportunities (opportunities with an account)",
            _pairs(
                source,
                "SELECT COUNT(DISTINCT j.opportunity_id) FROM accounts_opportunities j "
                "JOIN opportunities o ON o.id = j.opportunity_id "
                "JOIN accounts a ON a.id = j.account_id",
            ),
            _migrated(Opportunity).filter(account__isnull=False).count(),
        )
    if source.has("opportunities_contacts"):
        result.compare(
            "opportunities_contacts",
            _pairs(
                source,
                "SELECT COUNT(*) FROM (SELECT DISTINCT j.opportunity_id, j.contact_id "
                "FROM opportunities_contacts j JOIN opportunities o ON o.id = j.opportunity_id "
                "JOIN contacts c ON c.id = j.contact_id WHERE j.deleted = 0) p",
            ),
            OpportunityContact.objects.filter(
                opportunity__in=_migrated(Opportunity).values("pk")
            ).count(),
        )
    for table, activity_column, other_column, other_table in INVITEES:
        if not (source.has(table) and source.has(other_table)):
            continue
        activity = activity_column.removesuffix("_id")
        kind = other_column.removesuffix("_id")
        if activity == "call":
            kontor = getattr(Call, f"{kind}s").through.objects.filter(
                call__in=_migrated(Call).values("pk")
            )
        else:
            kontor = MeetingInvitee.objects.filter(
                meeting__in=_migrated(Meeting).values("pk"), **{f"{kind}__isnull": False}
            )
        result.compare(
            table,
            _pairs(
                source,
                f"SELECT COUNT(*) FROM (SELECT DISTINCT j.`{activity_column}`, j.`{other_column}` "
                f"FROM `{table}` j JOIN `{activity}s` a ON a.id = j.`{activity_column}` "
                f"JOIN `{other_table}` o ON o.id = j.`{other_column}` WHERE j.deleted = 0) p",
            ),
            kontor.count(),
        )
    if source.has("securitygroups_records"):
        _record_team_counts(source, result)


def _record_team_counts(source, result: Verification) -> None:
    for table, (module, model, _names) in MODULES.items():
        if not source.has(table):
            continue
        suitecrm = int(
            source.scalar(
                "SELECT COUNT(*) FROM (SELECT DISTINCT j.record_id, j.securitygroup_id "
                f"FROM securitygroups_records j JOIN `{table}` r ON r.id = j.record_id "
                "JOIN securitygroups g ON g.id = j.securitygroup_id AND g.deleted = 0 "
                "WHERE j.deleted = 0 AND j.module = %s) p",
                (module,),
            )
            or 0
        )
        column = model.teams.through._meta.get_field(model._meta.model_name).attname
        kontor = model.teams.through.objects.filter(
            **{f"{column}__in": _migrated(model).values("pk")}
        ).count()
        result.compare(f"securitygroups_records ({module})", suitecrm, kontor)


def _sample(source, result: Verification, table: str, size: int, seed) -> None:
    """Compare `size` random records of `table` field by field with their Kontor record."""
    module, model, names = MODULES[table]
    order = f"RAND({int(seed)})" if seed is not None else "RAND()"
    rows = list(
        source.rows(
            "SELECT id, " + ", ".join(f"`{n}`" for n in names) + ", assigned_user_id, "
            f"date_entered, date_modified, deleted FROM `{table}` ORDER BY {order} LIMIT %s",
            (size,),
        )
    )
    if not rows:
        return
    ids = {text(row["id"]): kontor_id(table, text(row["id"])) for row in rows}
    records = model.with_deleted.in_bulk(list(ids.values()))
    emails = email_values(source, module, list(ids)) if table in EMAIL_MODULES else {}
    users = dict(LegacyId.objects.filter(kind="user").values_list("suitecrm_id", "kontor_id"))
    for row in rows:
        suitecrm_id = text(row["id"])
        record = records.get(ids[suitecrm_id])
        result.sampled += 1
        if record is None:
            result.differences.append(
                _("%(table)s %(id)s: not in Kontor") % {"table": table, "id": suitecrm_id}
            )
            continue
        owner = users.get(text(row["assigned_user_id"]))
        expected = {
            **{name: text(row[name]) for name in names},
            "assigned_user_id": int(owner) if owner else None,
            "date_entered": when(row["date_entered"]),
            "date_modified": when(row["date_modified"]),
            "deleted": flag(row["deleted"]),
        }
        if table in EMAIL_MODULES:
            expected["email1"] = emails.get(suitecrm_id, {}).get("email1", "")
        for name, value in expected.items():
            found = getattr(record, name)
            if found != value:
                result.differences.append(
                    f"{table} {suitecrm_id} {name}: SuiteCRM {value!r}, Kontor {found!r}"
                )
