"""The dropdown lists the Opportunities module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

SALES_STAGE = Dropdown(
    "sales_stage_dom",
    (
        (
            "Prospecting",
            "Prospecting",
            "Akquise",
            {"probability": 10, "forecast_category": "pipeline"},
        ),
        (
            "Qualification",
            "Qualification",
            "Qualifikation",
            {"probability": 20, "forecast_category": "pipeline"},
        ),
        (
            "Needs Analysis",
            "Needs Analysis",
            "Bedarfsanalyse",
            {"probability": 25, "forecast_category": "pipeline"},
        ),
        (
            "Value Proposition",
            "Value Proposition",
            "Nutzenversprechen",
            {"probability": 30, "forecast_category": "best_case"},
        ),
        (
            "Id. Decision Makers",
            "Id. Decision Makers",
            "Entscheidungsträger identifizieren",
            {"probability": 40, "forecast_category": "best_case"},
        ),
        (
            "Perception Analysis",
            "Perception Analysis",
            "Wahrnehmungsanalyse",
            {"probability": 50, "forecast_category": "best_case"},
        ),
        (
            "Proposal/Price Quote",
            "Proposal/Price Quote",
            "Angebot",
            {"probability": 65, "forecast_category": "commit"},
        ),
        (
            "Negotiation/Review",
            "Negotiation/Review",
            "Verhandlung",
            {"probability": 80, "forecast_category": "commit"},
        ),
        (
            "Closed Won",
            "Closed Won",
            "Gewonnen",
            {"probability": 100, "forecast_category": "closed"},
        ),
        (
            "Closed Lost",
            "Closed Lost",
            "Verloren",
            {"probability": 0, "forecast_category": "omitted"},
        ),
    ),
    default="Prospecting",
    label=("Sales stage", "Verkaufsphase"),
)


#: Where an opportunity counts in the forecast. Each sales stage names its default category
#: (`forecast_category` in the stage's extra, kept in Studio beside its probability); the
#: opportunity may override it.
FORECAST_CATEGORY = Dropdown(
    "forecast_category_dom",
    (
        ("pipeline", "Pipeline", "Pipeline"),
        ("best_case", "Best case", "Bester Fall"),
        ("commit", "Commit", "Zugesagt"),
        ("closed", "Closed", "Abgeschlossen"),
        ("omitted", "Omitted", "Nicht berücksichtigt"),
    ),
    label=("Forecast category", "Prognosekategorie"),
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
