"""The dropdown lists the Opportunities module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

SALES_STAGE = Dropdown(
    "sales_stage_dom",
    (
        ("Prospecting", "Prospecting", "Akquise", {"probability": 10}),
        ("Qualification", "Qualification", "Qualifikation", {"probability": 20}),
        ("Needs Analysis", "Needs Analysis", "Bedarfsanalyse", {"probability": 25}),
        ("Value Proposition", "Value Proposition", "Nutzenversprechen", {"probability": 30}),
        (
            "Id. Decision Makers",
            "Id. Decision Makers",
            "Entscheidungsträger identifizieren",
            {"probability": 40},
        ),
        ("Perception Analysis", "Perception Analysis", "Wahrnehmungsanalyse", {"probability": 50}),
        ("Proposal/Price Quote", "Proposal/Price Quote", "Angebot", {"probability": 65}),
        ("Negotiation/Review", "Negotiation/Review", "Verhandlung", {"probability": 80}),
        ("Closed Won", "Closed Won", "Gewonnen", {"probability": 100}),
        ("Closed Lost", "Closed Lost", "Verloren", {"probability": 0}),
    ),
    default="Prospecting",
    label=("Sales stage", "Verkaufsphase"),
)


OPPORTUNITY_TYPE = Dropdown(
    "opportunity_type_dom",
    (
        ("Existing Business", "Existing Business", "Bestehendes Geschäft"),
        ("New Business", "New Business", "Neues Geschäft"),
    ),
    label=("Opportunity type", "Art der Verkaufschance"),
)


OPPORTUNITY_RELATIONSHIP_TYPE = Dropdown(
    "opportunity_relationship_type_dom",
    (
        ("Primary Decision Maker", "Primary Decision Maker", "Hauptentscheider"),
        ("Business Decision Maker", "Business Decision Maker", "Kaufmännischer Entscheider"),
        ("Business Evaluator", "Business Evaluator", "Kaufmännischer Bewerter"),
        ("Technical Decision Maker", "Technical Decision Maker", "Technischer Entscheider"),
        ("Technical Evaluator", "Technical Evaluator", "Technischer Bewerter"),
        ("Executive Sponsor", "Executive Sponsor", "Sponsor in der Geschäftsleitung"),
        ("Influencer", "Influencer", "Beeinflusser"),
        ("Other", "Other", "Andere"),
    ),
    label=("Contact role in an opportunity", "Rolle des Kontakts in der Verkaufschance"),
)
