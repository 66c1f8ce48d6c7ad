"""The dropdown lists the Activities module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

CALL_STATUS = Dropdown(
    "call_status_dom",
    (
        ("Planned", "Planned", "Geplant"),
        ("Held", "Held", "Durchgeführt"),
        ("Not Held", "Not Held", "Nicht durchgeführt"),
    ),
    default="Planned",
    label=("Call status", "Status des Anrufs"),
)


CALL_DIRECTION = Dropdown(
    "call_direction_dom",
    (
        ("Inbound", "Inbound", "Eingehend"),
        ("Outbound", "Outbound", "Ausgehend"),
    ),
    default="Outbound",
    label=("Call direction", "Richtung des Anrufs"),
)


MEETING_STATUS = Dropdown(
    "meeting_status_dom",
    (
        ("Planned", "Planned", "Geplant"),
        ("Held", "Held", "Durchgeführt"),
        ("Not Held", "Not Held", "Nicht durchgeführt"),
    ),
    default="Planned",
    label=("Meeting status", "Status der Besprechung"),
)


MEETING_ACCEPT_STATUS = Dropdown(
    "meeting_accept_status_dom",
    (
        ("accept", "Accepted", "Zugesagt"),
        ("decline", "Declined", "Abgesagt"),
        ("tentative", "Tentative", "Vorläufig"),
        ("none", "No answer", "Keine Antwort"),
    ),
    default="none",
    label=("Invitation response", "Antwort auf die Einladung"),
)


TASK_STATUS = Dropdown(
    "task_status_dom",
    (
        ("Not Started", "Not Started", "Nicht begonnen"),
        ("In Progress", "In Progress", "In Bearbeitung"),
        ("Completed", "Completed", "Abgeschlossen"),
        ("Pending Input", "Pending Input", "Rückmeldung ausstehend"),
        ("Deferred", "Deferred", "Zurückgestellt"),
    ),
    default="Not Started",
    label=("Task status", "Status der Aufgabe"),
)


TASK_PRIORITY = Dropdown(
    "task_priority_dom",
    (
        ("High", "High", "Hoch"),
        ("Medium", "Medium", "Mittel"),
        ("Low", "Low", "Niedrig"),
    ),
    default="Medium",
    label=("Task priority", "Priorität der Aufgabe"),
)


REPEAT_TYPE = Dropdown(
    "repeat_type_dom",
    (
        ("Daily", "Daily", "Täglich"),
        ("Weekly", "Weekly", "Wöchentlich"),
        ("Monthly", "Monthly", "Monatlich"),
        ("Yearly", "Yearly", "Jährlich"),
    ),
    label=("Repeat", "Wiederholung"),
)
