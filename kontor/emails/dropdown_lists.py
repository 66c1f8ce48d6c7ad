"""The dropdown lists of the E-mails module, SuiteCRM's keys: key, English label, German label.

Declared on the module (kontor.emails.modules) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

EMAIL_TYPES = Dropdown(
    "dom_email_types",
    (
        ("out", "Sent", "Gesendet"),
        ("archived", "Archived", "Archiviert"),
        ("draft", "Draft", "Entwurf"),
        ("inbound", "Inbound", "Eingegangen"),
    ),
    default="out",
    label=("E-mail type", "E-Mail-Typ"),
)


EMAIL_STATUS = Dropdown(
    "dom_email_status",
    (
        ("archived", "Archived", "Archiviert"),
        ("draft", "Draft", "Entwurf"),
        # Not SuiteCRM's (it sends while saving): handed to the outbox, not yet delivered
        ("queued", "Queued", "Wird gesendet"),
        ("read", "Read", "Gelesen"),
        ("send_error", "Send error", "Sendefehler"),
        ("sent", "Sent", "Gesendet"),
        ("unread", "Unread", "Ungelesen"),
    ),
    default="draft",
    label=("E-mail status", "E-Mail-Status"),
)
