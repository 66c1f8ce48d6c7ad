"""The dropdown lists the Accounts module ships: key, English label, German label.

Keys are SuiteCRM's and never change; admins edit labels, order and activity in Studio.
Declared on the module (`dropdowns`) and seeded after migrate when missing.
"""

from kontor.core.dropdown_seed import Dropdown

ACCOUNT_TYPE = Dropdown(
    "account_type_dom",
    (
        ("Analyst", "Analyst", "Analyst"),
        ("Competitor", "Competitor", "Mitbewerber"),
        ("Customer", "Customer", "Kunde"),
        ("Integrator", "Integrator", "Systemintegrator"),
        ("Investor", "Investor", "Investor"),
        ("Partner", "Partner", "Partner"),
        ("Press", "Press", "Presse"),
        ("Prospect", "Prospect", "Potenzieller Kunde"),
        ("Reseller", "Reseller", "Wiederverkäufer"),
        ("Other", "Other", "Andere"),
    ),
    label=("Account type", "Firmentyp"),
)


INDUSTRY = Dropdown(
    "industry_dom",
    (
        ("Apparel", "Apparel", "Bekleidung"),
        ("Banking", "Banking", "Bankwesen"),
        ("Biotechnology", "Biotechnology", "Biotechnologie"),
        ("Chemicals", "Chemicals", "Chemie"),
        ("Communications", "Communications", "Kommunikation"),
        ("Construction", "Construction", "Baugewerbe"),
        ("Consulting", "Consulting", "Beratung"),
        ("Education", "Education", "Bildung"),
        ("Electronics", "Electronics", "Elektronik"),
        ("Energy", "Energy", "Energie"),
        ("Engineering", "Engineering", "Ingenieurwesen"),
        ("Entertainment", "Entertainment", "Unterhaltung"),
        ("Environmental", "Environmental", "Umwelt"),
        ("Finance", "Finance", "Finanzen"),
        ("Government", "Government", "Öffentliche Verwaltung"),
        ("Healthcare", "Healthcare", "Gesundheitswesen"),
        ("Hospitality", "Hospitality", "Gastgewerbe"),
        ("Insurance", "Insurance", "Versicherung"),
        ("Machinery", "Machinery", "Maschinenbau"),
        ("Manufacturing", "Manufacturing", "Produktion"),
        ("Media", "Media", "Medien"),
        ("Not For Profit", "Not For Profit", "Gemeinnützig"),
        ("Recreation", "Recreation", "Freizeit"),
        ("Retail", "Retail", "Einzelhandel"),
        ("Shipping", "Shipping", "Versand"),
        ("Technology", "Technology", "Technologie"),
        ("Telecommunications", "Telecommunications", "Telekommunikation"),
        ("Transportation", "Transportation", "Transport"),
        ("Utilities", "Utilities", "Versorger"),
        ("Other", "Other", "Andere"),
    ),
    label=("Industry", "Branche"),
)
