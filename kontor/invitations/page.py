"""The invitees of a meeting with their answers, on the meeting's page (an extension of the
meetings' detail page): for whoever looks at the meeting, who is invited and who accepted.

One query for the invitee rows and one per kind of person for the names the viewer may see
(a contact or lead hidden from them is "(not available)").
"""

from django.utils.translation import gettext as _

from kontor.contacts.models import Contact
from kontor.core.records import tables
from kontor.leads.models import Lead

BADGES = {"accept": "success", "tentative": "warning", "decline": "danger", "none": "secondary"}


def detail_context(module, record, user) -> dict:
    rows = list(record.invitees.select_related("user"))
    visible = {}
    for model, fk in ((Contact, "contact_id"), (Lead, "lead_id")):
        ids = [getattr(row, fk) for row in rows if getattr(row, fk)]
        if ids:
            visible.update(
                {pk: name for pk, name in _names(model.objects.visible_to(user, "view"), ids)}
            )
    field = type(rows[0])._meta.get_field("accept_status") if rows else None
    invitees = []
    for row in rows:
        if row.user_id:
            name, icon = row.user.get_full_name() or row.user.username, "person-badge"
        else:
            pk = row.contact_id or row.lead_id
            name = visible.get(pk) or _("(not available)")
            icon = "person" if row.contact_id else "person-plus"
        invitees.append(
            {
                "name": name,
                "icon": icon,
                "answer": tables.display(field, row.accept_status),
                "badge": BADGES.get(row.accept_status, "secondary"),
                "key": row.accept_status,
            }
        )
    invitees.sort(key=lambda item: item["name"].lower())
    return {"invitees": invitees}


def _names(queryset, ids):
    for pk, first, last in queryset.filter(pk__in=ids).values_list("pk", "first_name", "last_name"):
        yield pk, " ".join(part for part in (first, last) if part)
