"""Web forms for tests, saved through the admin's action."""

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
