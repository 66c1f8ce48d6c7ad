"""The dropdown lists the Targets module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

TARGET_STATUS = Dropdown(
    "target_status_dom",
    (
        ("New", "New", "Neu"),
        ("Contacted", "Contacted", "Kontaktiert"),
        ("Converted", "Converted", "Umgewandelt"),
        ("Dead", "Dead", "Verworfen"),
    ),
    default="New",
    label=("Target status", "Status des Zielkontakts"),
)
