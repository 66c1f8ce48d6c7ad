"""Web forms for tests, saved through the admin's action, and a visitor's page and post."""

import re

from django.urls import reverse

from kontor.webforms.actions import save_webform
from kontor.webforms.models import WebForm

FIELDS = [
    {"name": "first_name", "required": False, "label_en": "First name", "label_de": "Vorname"},
    {"name": "last_name", "required": True, "label_en": "Last name", "label_de": "Nachname"},
    {"name": "email1", "required": True, "label_en": "Email", "label_de": "E-Mail"},
    {"name": "phone_work", "required": False, "label_en": "", "label_de": ""},
    {"name": "description", "required": False, "label_en": "Message", "label_de": "Nachricht"},
]


def make_webform(owner, **fields) -> WebForm:
    values = {
        "name": "Contact us",
        "module": "leads",
        "language": "en",
        "fields": FIELDS,
        "lead_source": "Web Site",
        "campaign_name": "Spring 2027",
        "assigned_user": owner,
        "thank_you_en": "Thanks, we will call you.",
        "consent_text_en": "I agree that Kontor GmbH stores my data.",
        "consent_text_de": "Ich bin einverstanden, dass die Kontor GmbH meine Daten speichert.",
    }
    values.update(fields)
    return save_webform(WebForm(**values), actor=owner)


def rendered_page(visitor, webform, query="") -> tuple[str, str]:
    """(token, HTML) of the public page of `webform` as `visitor` gets it."""
    response = visitor.get(reverse("webforms:page", args=[webform.key]) + query)
    assert response.status_code == 200
    html = response.content.decode()
    return re.search(r'name="token" value="([^"]+)"', html).group(1), html


def rendered_token(visitor, webform, query="") -> str:
    """The token of the public page of `webform` as `visitor` gets it."""
    return rendered_page(visitor, webform, query)[0]


def submit(visitor, webform, token, *, addr="203.0.113.5", **data):
    """`visitor` sends `webform` with `token` from address `addr`: Anna Berg, consenting,
    unless `data` says otherwise."""
    values = {
        "token": token,
        "first_name": "Anna",
        "last_name": "Berg",
        "email1": "anna@example.org",
        "consent": "on",
        **data,
    }
    return visitor.post(reverse("webforms:submit", args=[webform.key]), values, REMOTE_ADDR=addr)
