"""The conversion's part of a record's page: the records a record came from, the banners that
link them, and how the timeline reads the "convert" change-log rows (docs/domain.md §5).

Registered with kontor.core.journey in this app's AppConfig.ready(): a contact shows the whole
history of its source leads and their targets, a lead that of its target, an account or
opportunity the conversion of the leads that became it. Each link is one query, through the
permission filter.
"""

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, TextField, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.conversion.actions import CHOSEN, visible
from kontor.core import registry
from kontor.core.journey import ActionReader, Journey
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target

#: Leads of one account or opportunity whose conversions the page shows, at most.
MAX_SOURCE_LEADS = 50
#: "leads:<uuid>": how conversion rows name the records they link (kontor.conversion.actions.ref);
#: a lead's row lists what it became ("contacts:<id> accounts:<id> …") as its new value.
REF = re.compile(r"([a-z_]+):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
#: The link from a record that a conversion made to the leads it came from.
LEAD_LINK = {Contact: "contact", Opportunity: "opportunity", Account: "account"}
KEY = "conversion"


@dataclass
class Chain:
    """What the journey of one record found: its source leads (newest conversion first) and
    their targets (a lead page: its own target)."""

    leads: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    #: ids of the source leads whose conversion chose the record (an existing one) rather
    #: than created it
    chose: set = field(default_factory=set)


def chain(journey: Journey) -> Chain:
    """The conversion chain the journey found (empty when there is none)."""
    return journey.found.get(KEY) or Chain()


def links(journey: Journey) -> None:
    """Add the records `journey.record` came from: a query per link."""
    record, user = journey.record, journey.user
    link, leads, whole = LEAD_LINK.get(type(record)), [], True
    if link:
        found = Lead.objects.visible_to(user, "view").filter(**{link: record})
        if link == "account":
            found = found.filter(converted=True)
        found = found.annotate(chose_record=_chose(record))
        leads = list(found.order_by("-converted_at", "-pk")[:MAX_SOURCE_LEADS])
        whole = link == "contact"  # accounts and opportunities: the conversion only
    targets = _source_targets(user, [record] if isinstance(record, Lead) else leads)
    chose = {str(lead.pk) for lead in leads if getattr(lead, "chose_record", False)}
    journey.found[KEY] = Chain(leads, targets, chose)
    for lead in leads:
        journey.add(lead, whole=whole)
    for target in targets if whole else ():  # an account's banner names them only
        journey.add(target, whole=True)


def _chose(record) -> Exists:
    """Whether the outer lead's conversion chose `record`, an existing record: its "convert"
    row marked CHOSEN names the lead (read with the leads, no query of its own). The ids are
    compared without hyphens, as SQLite stores them."""
    text = TextField()
    lead_ref = Concat(
        Value("leads:", output_field=text),
        Replace(Cast(OuterRef("pk"), text), Value("-", output_field=text), output_field=text),
        output_field=text,
    )
    return Exists(
        ChangeLog.objects.filter(
            record_type=ContentType.objects.get_for_model(record),
            record_id=record.pk,
            action=ChangeLog.Action.CONVERT,
            field=CHOSEN,
        )
        .annotate(
            plain=Replace(Cast("old_value", text), Value("-", output_field=text), output_field=text)
        )
        .filter(plain=lead_ref)
    )


def _source_targets(user, leads) -> list:
    """The visible targets the leads came from (a conversion links both ways, the lead's link is
    enough); no query when none came from a target."""
    ids = [lead.target_id for lead in leads if lead.target_id]
    if not ids:
        return []
    return list(
        Target.objects.visible_to(user, "view")
        .filter(pk__in=ids)
        .order_by("-date_entered", "-pk")[:MAX_SOURCE_LEADS]
    )


# --- the timeline's "convert" rows ----------------------------------------------------------


def record_phrase(module, name) -> str:
    """'contact Anna Schmidt': a record named in a sentence (German nouns keep their case)."""
    phrases = {
        "targets": _("target %(name)s"),
        "leads": _("lead %(name)s"),
        "contacts": _("contact %(name)s"),
        "accounts": _("account %(name)s"),
        "opportunities": _("opportunity %(name)s"),
    }
    pattern = phrases.get(module.slug) or f"{module.verbose_name} %(name)s"
    return mark_safe(escape(pattern) % {"name": name})


def _model(slug: str):
    """The model of a module slug ("contacts"), None for one no module has (any more)."""
    try:
        return registry.get(slug).model
    except KeyError:
        return None


def _refs(text: str) -> list[tuple]:
    """The (model, id) a conversion row's value names, unknown types left out."""
    return [(model, pk) for slug, pk in REF.findall(text) if (model := _model(slug)) is not None]


def named(row) -> list[tuple]:
    """The records a "convert" row names (both sides)."""
    return _refs(f"{row.old_value} {row.new_value}")


def _link(names, model, pk) -> str:
    """'contact <a>Anna Schmidt</a>', or "" when the user may not see the record."""
    rec = names.record(model, pk)
    if rec is None:
        return ""
    module = registry.for_model(model)
    return record_phrase(
        module, format_html('<a href="{}">{}</a>', names.url(module, rec.pk), str(rec))
    )


def event_text(row, names, whole: bool) -> str | None:
    """'Converted to contact Anna Schmidt, account …' or 'Converted from lead …'.

    The "from" side is left out when the page shows the source's own conversion row, and of a
    member shown for its conversion only (an account's lead) only the "to" side shows.
    """
    sources, results = _refs(row.old_value), _refs(row.new_value)
    if not results and (not whole or sources and all(names.is_member(*s) for s in sources)):
        return None
    parts = []
    came_from = (
        _("Chosen in the conversion of %(records)s")
        if row.field == CHOSEN
        else _("Converted from %(records)s")
    )
    for pattern, refs in (
        (came_from, sources),
        (_("Converted to %(records)s"), results),
    ):
        linked = [item for item in (_link(names, *ref) for ref in dict.fromkeys(refs)) if item]
        if linked:
            parts.append(mark_safe(escape(pattern) % {"records": mark_safe(", ".join(linked))}))
    return mark_safe("; ".join(parts)) if parts else escape(_("Converted"))


READER = ActionReader(names=named, text=event_text, icon="arrow-left-right")


# --- the banners ----------------------------------------------------------------------------


def _linked(record) -> str:
    return record_phrase(
        registry.for_model(type(record)),
        format_html('<a href="{}">{}</a>', record.get_absolute_url(), str(record)),
    )


def banners(journey: Journey) -> list[dict]:
    """The conversion banners at the top of a record: [{"icon", "text", "links"}].

    A converted target links its lead; a converted lead links what it became; a contact, account
    or opportunity links the leads it came from and their targets. Only records the user may
    see are linked (one query per linked record type).
    """
    record, user, found, out = journey.record, journey.user, chain(journey), []

    def add(text, records, pattern=None):
        links = ", ".join(_linked(r) for r in records if r is not None)
        if links and pattern:
            links = mark_safe(escape(pattern) % {"records": mark_safe(links)})
        out.append({"icon": "arrow-left-right", "text": text, "links": mark_safe(links)})

    if isinstance(record, Target) and record.lead_id:
        add(
            _("This target has been converted."),
            [visible(Lead, record.lead_id, user)],
            _("Converted to %(records)s"),
        )
    elif isinstance(record, Lead):
        if record.converted or record.contact_id:
            text = (
                _("This lead was converted on %(date)s.")
                % {"date": date_format(localtime(record.converted_at), "SHORT_DATETIME_FORMAT")}
                if record.converted_at
                else _("This lead has been converted.")
            )
            add(
                text,
                [
                    visible(Contact, record.contact_id, user),
                    visible(Account, record.account_id, user),
                    visible(Opportunity, record.opportunity_id, user),
                ],
                _("Converted to %(records)s"),
            )
        if found.targets:
            add("", found.targets, _("Converted from %(records)s"))
    elif found.leads:
        # "Converted from" only on a record the conversion created; an existing record chosen
        # in a conversion says so instead.
        made = [lead for lead in found.leads if str(lead.pk) not in found.chose]
        chose = [lead for lead in found.leads if str(lead.pk) in found.chose]
        for leads, pattern in (
            (made, _("Converted from %(records)s")),
            (chose, _("Chosen in the conversion of %(records)s")),
        ):
            if leads:
                out.append(_from_leads(leads, found.targets, pattern))
    return out


def _from_leads(leads, targets, pattern) -> dict:
    """A banner linking `leads`, each with the target it came from."""
    by_pk = {t.pk: t for t in targets}
    parts = []
    for lead in leads:
        source = by_pk.get(lead.target_id) or next(
            (t for t in targets if t.lead_id == lead.pk), None
        )
        parts.append(
            _linked(lead)
            if source is None
            else format_html("{} ({})", _linked(lead), _linked(source))
        )
    return {
        "icon": "arrow-left-right",
        "text": "",
        "links": mark_safe(escape(pattern) % {"records": mark_safe(", ".join(parts))}),
    }
