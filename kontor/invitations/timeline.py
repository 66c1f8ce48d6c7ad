"""How a meeting's timeline reads an invitee's answer: "Anna Schmidt accepted".

The answer's change-log row (action "answer", written by `answer_invitation`) names the
invitee in `field` ("contact:<uuid>", "lead:<uuid>", "user:<id>") and the answer in
`new_value`; the name is looked up with the page's other names, through the permission filter
(an invitee the reader may not see is "An invitee").
"""

from django.contrib.auth import get_user_model
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kontor.contacts.models import Contact
from kontor.core.journey import ActionReader
from kontor.leads.models import Lead

ACTION = "answer"


def _model(kind: str):
    return {"user": get_user_model(), "contact": Contact, "lead": Lead}.get(kind)


def named(row) -> list[tuple]:
    kind, _sep, pk = row.field.partition(":")
    model = _model(kind)
    return [(model, pk)] if model is not None and pk else []


def text(row, names, whole: bool) -> str:
    found = [names.record(model, pk) for model, pk in named(row)]
    person = found[0] if found and found[0] is not None else None
    if person is None:
        name = _("An invitee")
    elif isinstance(person, get_user_model()):
        name = person.get_full_name() or person.username
    else:
        name = str(person)
    sentence = {
        "accept": _("%(name)s accepted"),
        "tentative": _("%(name)s tentatively accepted"),
        "decline": _("%(name)s declined"),
    }.get(row.new_value, _("%(name)s answered"))
    return format_html(sentence.replace("%(name)s", "{}"), name)


READER = ActionReader(names=named, text=text, icon="envelope-check", partial=False)
