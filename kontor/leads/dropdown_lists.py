"""The dropdown lists the Leads module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

LEAD_STATUS = Dropdown(
    "lead_status_dom",
    (
        ("New", "New", "Neu"),
        ("Assigned", "Assigned", "Zugewiesen"),
        ("In Process", "In Process", "In Arbeit"),
        ("Converted", "Converted", "Umgewandelt"),
        ("Recycled", "Recycled", "Wiedereröffnet"),
        ("Dead", "Dead", "Verworfen"),
    ),
    default="New",
    label=("Lead status", "Status des Interessenten"),
)


LEAD_STAGE = Dropdown(
    "lead_stage",
    (
        ("ML", "Marketing Lead", "Marketing-Lead"),
        ("MQL", "Marketing Qualified Lead", "Marketing-qualifizierter Lead"),
        ("SQL", "Sales Qualified Lead", "Vertriebsqualifizierter Lead"),
    ),
    default="ML",
    label=("Lifecycle stage", "Lebenszyklusphase"),
)
