"""Seeds the dropdown lists as they were shipped with this migration.

Frozen: the lists are written out here, so what this migration installs never changes with
later code. Lists and values added since are seeded after migrate from the modules'
declarations (kontor.core.dropdown_seed.seed_after_migrate).
"""

from django.db import migrations

SEED = {
    "lead_source_dom": [
        ("Cold Call", "Cold Call", "Kalt-Akquise"),
        ("Existing Customer", "Existing Customer", "Bestehender Kunde"),
        ("Self Generated", "Self Generated", "Selbst generiert"),
        ("Employee", "Employee", "Mitarbeiter"),
        ("Partner", "Partner", "Partner"),
        ("Public Relations", "Public Relations", "Öffentlichkeitsarbeit"),
        ("Direct Mail", "Direct Mail", "Post-Mailing"),
        ("Conference", "Conference", "Konferenz"),
        ("Trade Show", "Trade Show", "Messe"),
        ("Web Site", "Web Site", "Webseite"),
        ("Word of mouth", "Word of mouth", "Mundpropaganda"),
        ("Email", "Email", "E-Mail"),
        ("Campaign", "Campaign", "Kampagne"),
        ("Other", "Other", "Andere"),
    ],
    "lead_status_dom": [
        ("New", "New", "Neu"),
        ("Assigned", "Assigned", "Zugewiesen"),
        ("In Process", "In Process", "In Arbeit"),
        ("Converted", "Converted", "Umgewandelt"),
        ("Recycled", "Recycled", "Wiedereröffnet"),
        ("Dead", "Dead", "Verworfen"),
    ],
    "lead_stage": [
        ("ML", "Marketing Lead", "Marketing-Lead"),
        ("MQL", "Marketing Qualified Lead", "Marketing-qualifizierter Lead"),
        ("SQL", "Sales Qualified Lead", "Vertriebsqualifizierter Lead"),
    ],
    "target_status_dom": [
        ("New", "New", "Neu"),
        ("Contacted", "Contacted", "Kontaktiert"),
        ("Converted", "Converted", "Umgewandelt"),
        ("Dead", "Dead", "Verworfen"),
    ],
    "sales_stage_dom": [
        ("Prospecting", "Prospecting", "Prospecting", {"probability": 10}),
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
    ],
    "opportunity_type_dom": [
        ("Existing Business", "Existing Business", "Bestehendes Geschäft"),
        ("New Business", "New Business", "Neues Geschäft"),
    ],
    "account_type_dom": [
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
    ],
    "industry_dom": [
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
    ],
    "salutation_dom": [
        ("Mr.", "Mr.", "Herr"),
        ("Ms.", "Ms.", "Frau"),
        ("Mrs.", "Mrs.", "Frau"),
        ("Miss", "Miss", "Frau"),
        ("Dr.", "Dr.", "Dr."),
        ("Prof.", "Prof.", "Prof."),
    ],
    "call_status_dom": [
        ("Planned", "Planned", "Geplant"),
        ("Held", "Held", "Durchgeführt"),
        ("Not Held", "Not Held", "Nicht durchgeführt"),
    ],
    "meeting_status_dom": [
        ("Planned", "Planned", "Geplant"),
        ("Held", "Held", "Durchgeführt"),
        ("Not Held", "Not Held", "Nicht durchgeführt"),
    ],
    "call_direction_dom": [
        ("Inbound", "Inbound", "Eingehend"),
        ("Outbound", "Outbound", "Ausgehend"),
    ],
    "task_status_dom": [
        ("Not Started", "Not Started", "Nicht begonnen"),
        ("In Progress", "In Progress", "In Bearbeitung"),
        ("Completed", "Completed", "Abgeschlossen"),
        ("Pending Input", "Pending Input", "Rückmeldung ausstehend"),
        ("Deferred", "Deferred", "Zurückgestellt"),
    ],
    "task_priority_dom": [
        ("High", "High", "Hoch"),
        ("Medium", "Medium", "Mittel"),
        ("Low", "Low", "Niedrig"),
    ],
    "opportunity_relationship_type_dom": [
        ("Primary Decision Maker", "Primary Decision Maker", "Hauptentscheider"),
        ("Business Decision Maker", "Business Decision Maker", "Kaufmännischer Entscheider"),
        ("Business Evaluator", "Business Evaluator", "Kaufmännischer Bewerter"),
        ("Technical Decision Maker", "Technical Decision Maker", "Technischer Entscheider"),
        ("Technical Evaluator", "Technical Evaluator", "Technischer Bewerter"),
        ("Executive Sponsor", "Executive Sponsor", "Sponsor in der Geschäftsleitung"),
        ("Influencer", "Influencer", "Beeinflusser"),
        ("Other", "Other", "Andere"),
    ],
    "meeting_accept_status_dom": [
        ("accept", "Accepted", "Zugesagt"),
        ("decline", "Declined", "Abgesagt"),
        ("tentative", "Tentative", "Vorläufig"),
        ("none", "No answer", "Keine Antwort"),
    ],
    "lawful_basis_dom": [
        ("consent", "Consent", "Einwilligung"),
        ("contract", "Contract", "Vertrag"),
        ("legal_obligation", "Legal obligation", "Rechtliche Verpflichtung"),
        ("protection_of_interest", "Protection of interest", "Schutz lebenswichtiger Interessen"),
        ("public_interest", "Public interest", "Öffentliches Interesse"),
        ("legitimate_interest", "Legitimate interest", "Berechtigtes Interesse"),
        ("withdrawn", "Withdrawn", "Widerrufen"),
    ],
    "lawful_basis_source_dom": [
        ("website", "Website", "Webseite"),
        ("phone", "Phone", "Telefon"),
        ("given_to_user", "Given to user", "Dem Benutzer übergeben"),
        ("email", "Email", "E-Mail"),
        ("third_party", "Third Party", "Drittanbieter"),
    ],
}

# Values a new record gets when the form leaves the field empty.
DEFAULTS = {
    "lead_status_dom": "New",
    "lead_stage": "ML",
    "target_status_dom": "New",
    "call_status_dom": "Planned",
    "meeting_status_dom": "Planned",
    "call_direction_dom": "Outbound",
    "task_status_dom": "Not Started",
    "task_priority_dom": "Medium",
    "sales_stage_dom": "Prospecting",
    "meeting_accept_status_dom": "none",
}


def seed(apps, schema_editor):
    DropdownList = apps.get_model("core", "DropdownList")
    DropdownValue = apps.get_model("core", "DropdownValue")
    for name, rows in SEED.items():
        dropdown, _ = DropdownList.objects.get_or_create(name=name)
        existing = set(dropdown.values.values_list("key", flat=True))
        DropdownValue.objects.bulk_create(
            DropdownValue(
                dropdown=dropdown,
                key=row[0],
                label_en=row[1],
                label_de=row[2],
                position=position,
                extra=row[3] if len(row) > 3 else {},
                is_default=DEFAULTS.get(name) == row[0],
            )
            for position, row in enumerate(rows)
            if row[0] not in existing
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
