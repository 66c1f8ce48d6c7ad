"""E-mails and e-mail templates from SuiteCRM, for `kontor migrate-suitecrm`.

`emails` with its `emails_text` row (addresses, text and HTML part) becomes a Kontor e-mail
with the same id, its owner, dates, trash state and parent as the activities get them
(`activities.map_common`); `date_sent_received` is the date sent, the type and status keep
SuiteCRM's keys (out, inbound, archived, draft; sent, read, unread …). `emails_beans` — the
records a mail is logged on — becomes the e-mail's links, live rows only: a deleted row is a
link SuiteCRM took back, and a second run removes it from Kontor too. The parent stays the
parent even where SuiteCRM moved the mail's links away from it (a deleted account).
`email_templates` become templates in the installation's language, matched by name on a
second run. Mail bodies are kept whole: a SuiteCRM text part may be far longer than an
activity's description.
"""

from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.emails.models import Email, EmailLink, EmailTemplate
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.source import text, when
from kontor.suitecrm.steps import Context, step
from kontor.suitecrm.steps.activities import PARENTS, Mapped, dropdown_key, map_common, write

CHUNK = 2000
BODY_MAX = Email._meta.get_field("description").max_length
ADDRESS_MAX = Email._meta.get_field("from_addr").max_length
TEMPLATE_TYPES = {t.value for t in EmailTemplate.Type}


def map_email(row: dict, user) -> Mapped:
    """One `emails` row joined with its `emails_text` row as Kontor field values."""
    subject = text(row.get("name"))
    mapped = map_common({**row, "name": subject or "-", "description": ""}, "emails", user)
    values = mapped.values
    values["name"] = subject[: len(values["name"])] if subject else ""
    body = text(row.get("description"))
    if len(body) > BODY_MAX:
        mapped.problems.append(
            _("Text longer than %(max)d characters, shortened.") % {"max": BODY_MAX}
        )
    values["description"] = body[:BODY_MAX]
    values["description_html"] = text(row.get("description_html"))[:BODY_MAX]
    dropdown_key(mapped, "type", row.get("type"), "archived")
    dropdown_key(mapped, "status", row.get("status"), "archived")
    from_name, from_addr = parseaddr(text(row.get("from_addr")))
    values["from_name"], values["from_addr"] = from_name[:255], from_addr[:ADDRESS_MAX]
    for column in ("to_addrs", "cc_addrs", "bcc_addrs", "reply_to_addr"):
        values[column] = _addresses(text(row.get(column)))
    values["date_sent"] = when(row.get("date_sent_received"))
    values["message_id"] = text(row.get("message_id")).strip().strip("<>")[:998]
    values["in_reply_to"], values["mailbox_id"], values["private"] = "", None, False
    values["thread_id"] = values["id"]
    return mapped


def _addresses(value: str) -> str:
    """SuiteCRM's address lists ("a@x.de, Name <b@y.de>"; sometimes ";") as Kontor keeps
    them: comma-separated, names kept."""
    pairs = getaddresses([value.replace(";", ",")])
    return ", ".join(
        f"{name} <{address}>" if name else address for name, address in pairs if address
    )


@step("emails", 135, tables=("emails", "emails_text"), delta=True)
def run(context: Context) -> None:
    def user(suitecrm_id):
        from kontor.suitecrm.lookups import user_id_for

        return user_id_for(context, suitecrm_id)

    where, params = context.delta("e.date_modified >= %s")
    sql = (
        "SELECT e.*, t.from_addr, t.reply_to_addr, t.to_addrs, t.cc_addrs, t.bcc_addrs,"
        " t.description, t.description_html FROM emails e"
        f" LEFT JOIN emails_text t ON t.email_id = e.id WHERE 1 = 1{where} ORDER BY e.id"
    )
    chunk: list[Mapped] = []
    for row in context.source.rows(sql, params):
        if not text(row["id"]):
            context.report.problem("emails", "", _("Row without id skipped."))
            continue
        chunk.append(map_email(row, user))
        if len(chunk) >= CHUNK:
            _write(context, chunk)
            chunk = []
    if chunk:
        _write(context, chunk)


def _write(context: Context, chunk: list[Mapped]) -> None:
    write(context, Email, "emails", chunk)


@step("email_links", 145, tables=("emails_beans",), delta=True)
def run_links(context: Context) -> None:
    """The records each mail is logged on; links SuiteCRM took back leave Kontor."""
    where, params = context.delta()
    sql = (
        "SELECT b.id, b.email_id, b.bean_id, b.bean_module, b.deleted, NOT EXISTS (SELECT 1"
        " FROM emails_beans l WHERE l.deleted = 0 AND l.email_id = b.email_id"
        f" AND l.bean_id = b.bean_id) AS withdrawn FROM emails_beans b WHERE 1 = 1{where}"
        " ORDER BY b.email_id, b.id"
    )
    chunk: list[dict] = []
    for row in context.source.rows(sql, params):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            _links(context, chunk)
            chunk = []
    if chunk:
        _links(context, chunk)


def _links(context: Context, rows: list[dict]) -> None:
    report = context.report
    wanted, gone = {}, set()
    for row in rows:
        module = text(row["bean_module"])
        if module not in PARENTS:
            report.problem(
                "emails_beans",
                row["id"],
                _("Module %(module)s is not migrated; the link is left out.") % {"module": module},
            )
            continue
        table, label = PARENTS[module]
        key = (
            kontor_id("emails", text(row["email_id"])),
            label,
            kontor_id(table, text(row["bean_id"])),
        )
        if int(row["deleted"] or 0):
            if row["withdrawn"]:
                gone.add(key)
        else:
            wanted.setdefault(key, row["id"])
    models = {
        label: ContentType.objects.get_by_natural_key(*label.lower().split("."))
        for _e, label, _o in {*wanted, *gone}
    }
    emails = {e for e, _l, _o in {*wanted, *gone}}
    present_emails = set(Email.with_deleted.filter(pk__in=emails).values_list("pk", flat=True))
    present = {}
    for label, ct in models.items():
        ids = {o for _e, lab, o in wanted if lab == label}
        present[label] = set(
            ct.model_class().with_deleted.filter(pk__in=ids).values_list("pk", flat=True)
        )
    new = []
    for (email, label, other), row_id in wanted.items():
        if email not in present_emails:
            report.problem(
                "emails_beans",
                row_id,
                _("E-mail %(id)s was not migrated; its link is left out.") % {"id": email},
            )
        elif other not in present[label]:
            report.problem(
                "emails_beans",
                row_id,
                _("Record %(id)s was not migrated; the link is left out.") % {"id": other},
            )
        else:
            new.append(EmailLink(email_id=email, content_type=models[label], object_id=other))
    with transaction.atomic():
        stored = set(
            EmailLink.objects.filter(email_id__in={link.email_id for link in new}).values_list(
                "email_id", "content_type_id", "object_id"
            )
        )
        fresh = [
            link
            for link in new
            if (link.email_id, link.content_type.pk, link.object_id) not in stored
        ]
        removed = 0
        for email, label, other in gone:
            links = EmailLink.objects.filter(
                email_id=email, content_type=models[label], object_id=other
            )
            removed += links.delete()[0]
        EmailLink.objects.bulk_create(fresh, ignore_conflicts=True)
    report.count("emails_beans", "created", len(fresh))
    report.count("emails_beans", "unchanged", len(new) - len(fresh))
    report.count("emails_beans", "updated", removed)  # a link taken back


@step("email_templates", 150, tables=("email_templates",))
def run_templates(context: Context) -> None:
    """SuiteCRM's templates in the installation's language (SuiteCRM keeps no language on
    them); a second run updates those of the same name and adds the new ones."""
    language = settings.LANGUAGE_CODE.split("-")[0]
    rows = context.source.rows(
        "SELECT id, name, description, subject, body, body_html, type FROM email_templates"
        " WHERE deleted = 0 ORDER BY name, id"
    )
    outcome = {"created": 0, "updated": 0, "unchanged": 0}
    seen = set()
    for row in rows:
        name = text(row["name"])[:255]
        if not name or name in seen:
            context.report.problem(
                "email_templates",
                row["id"],
                _("Template without a name, or a second of its name; left out."),
            )
            continue
        seen.add(name)
        kind = text(row["type"])
        values = {
            "subject": text(row["subject"])[:255] or name,
            # SuiteCRM's own templates hold some line breaks as the two characters \n
            "body": text(row["body"]).replace("\\n", "\n")[:100_000],
            "body_html": text(row["body_html"])[:200_000],
            "description": text(row["description"])[:255],
            "type": kind if kind in TEMPLATE_TYPES else EmailTemplate.Type.EMAIL,
        }
        template = EmailTemplate.objects.filter(name=name, language=language).first()
        if template is not None and all(getattr(template, k) == v for k, v in values.items()):
            outcome["unchanged"] += 1
            continue
        kind = "created" if template is None else "updated"
        template = template or EmailTemplate(name=name, language=language)
        for key, value in values.items():
            setattr(template, key, value)
        try:
            template.full_clean()  # Kontor's own checks, as its template pages apply them
        except ValidationError as error:
            context.report.problem(
                "email_templates", row["id"], "; ".join(error.messages) + " " + _("Left out.")
            )
            continue
        template.save()
        outcome[kind] += 1
    for name, n in outcome.items():
        context.report.count("email_templates", name, n)
