"""The raw material of the demo CRM: team, companies, places, names and activity texts.

Only data lives here (read by `kontor.demo.build` and its helpers), so a translator or product
person can make the demo more believable without reading the building code. Company names are
invented; e-mail domains end in the reserved `.example`; UK numbers use Ofcom's drama ranges and
US numbers the fictional 555-01xx range.
"""

#: The demo team besides the admin login (admin / admin, Ada Admin).
#: (username, first name, last name, preset role key, team, language, time zone)
TEAM = [
    ("markus", "Markus", "Koch", "sales_manager", "Vertrieb DACH", "de", "Europe/Berlin"),
    ("lena", "Lena", "Hoffmann", "sales_rep", "Vertrieb DACH", "de", "Europe/Berlin"),
    ("tom", "Tom", "Whitfield", "sales_rep", "Sales UK", "en", "Europe/London"),
    ("sarah", "Sarah", "Mitchell", "marketing", "Marketing", "en", "Europe/Berlin"),
    (
        "jonas",
        "Jonas",
        "Becker",
        "external_lead_generation",
        "Lead generation",
        "de",
        "Europe/Berlin",
    ),
]
#: The password of every demo login except admin.
TEAM_PASSWORD = "demo"

#: (city, postal code, state, dialling code without the national prefix)
PLACES = {
    "DE": [
        ("Berlin", "10117", "Berlin", "30"),
        ("Hamburg", "20095", "Hamburg", "40"),
        ("München", "80331", "Bayern", "89"),
        ("Köln", "50667", "Nordrhein-Westfalen", "221"),
        ("Frankfurt am Main", "60311", "Hessen", "69"),
        ("Stuttgart", "70173", "Baden-Württemberg", "711"),
        ("Düsseldorf", "40213", "Nordrhein-Westfalen", "211"),
        ("Leipzig", "04109", "Sachsen", "341"),
        ("Dresden", "01067", "Sachsen", "351"),
        ("Hannover", "30159", "Niedersachsen", "511"),
        ("Nürnberg", "90402", "Bayern", "911"),
        ("Bremen", "28195", "Bremen", "421"),
        ("Kiel", "24103", "Schleswig-Holstein", "431"),
        ("Freiburg im Breisgau", "79098", "Baden-Württemberg", "761"),
    ],
    "GB": [
        ("London", "EC2A 4NE", "Greater London", "20 7946 0"),
        ("Manchester", "M1 4BT", "Greater Manchester", "161 496 0"),
        ("Bristol", "BS1 4DJ", "Bristol", "117 496 0"),
        ("Leeds", "LS1 4AP", "West Yorkshire", "113 496 0"),
        ("Edinburgh", "EH2 2BY", "Scotland", "131 496 0"),
    ],
    "US": [
        ("New York", "10013", "NY", "212"),
        ("Boston", "02110", "MA", "617"),
        ("Chicago", "60601", "IL", "312"),
        ("Seattle", "98101", "WA", "206"),
    ],
}
COUNTRY_NAMES = {"DE": "Deutschland", "GB": "United Kingdom", "US": "USA"}
CURRENCIES = {"DE": "EUR", "GB": "GBP", "US": "USD"}
MOBILE_PREFIXES_DE = ["151", "152", "160", "162", "170", "171", "172", "176", "177"]

STREETS = {
    "DE": [
        "Hauptstraße",
        "Bahnhofstraße",
        "Lindenallee",
        "Am Hafen",
        "Industriestraße",
        "Schillerstraße",
        "Goethestraße",
        "Friedrichstraße",
        "Marktplatz",
        "Gartenweg",
        "Kaiserstraße",
        "Mühlenweg",
        "Am Sandtorkai",
        "Rosenheimer Straße",
        "Hansaring",
    ],
    "GB": [
        "High Street",
        "Station Road",
        "Church Lane",
        "King's Road",
        "Victoria Street",
        "Queen Street",
        "Mill Lane",
        "Park Road",
    ],
    "US": [
        "Main Street",
        "Market Street",
        "Broadway",
        "Harbor Drive",
        "Elm Street",
        "Lake Shore Drive",
    ],
}

#: The accounts: (name, industry, account type, country, member of). Parents come first.
ACCOUNTS = [
    ("Nordlicht Holding AG", "Energy", "Customer", "DE", ""),
    ("Nordlicht Energie GmbH", "Energy", "Customer", "DE", "Nordlicht Holding AG"),
    ("Nordlicht Netze GmbH", "Utilities", "Customer", "DE", "Nordlicht Holding AG"),
    ("Brenner Maschinenbau GmbH", "Machinery", "Customer", "DE", ""),
    ("Brenner Service GmbH", "Machinery", "Customer", "DE", "Brenner Maschinenbau GmbH"),
    ("Isarwerk Software AG", "Technology", "Reseller", "DE", ""),
    ("Isarwerk Cloud GmbH", "Technology", "Reseller", "DE", "Isarwerk Software AG"),
    ("Alpenblick Hotels AG", "Hospitality", "Prospect", "DE", ""),
    ("Hanse Logistik GmbH", "Transportation", "Customer", "DE", ""),
    ("Rheinwerk Chemie AG", "Chemicals", "Prospect", "DE", ""),
    ("Südstern Versicherung AG", "Insurance", "Customer", "DE", ""),
    ("Elbtal Bau GmbH", "Construction", "Prospect", "DE", ""),
    ("Mühlenhof Lebensmittel GmbH", "Retail", "Customer", "DE", ""),
    ("Weber & Söhne Elektrotechnik GmbH", "Electronics", "Customer", "DE", ""),
    ("Kranich Medien GmbH", "Media", "Press", "DE", ""),
    ("Lindner Beratung GmbH", "Consulting", "Partner", "DE", ""),
    ("Klinikverbund Falkenstein gGmbH", "Healthcare", "Prospect", "DE", ""),
    ("Stadtwerke Wiesental GmbH", "Utilities", "Customer", "DE", ""),
    ("Bergmann Textil GmbH", "Apparel", "Prospect", "DE", ""),
    ("Kaiser Finanzpartner AG", "Finance", "Investor", "DE", ""),
    ("Tannenberg Biotech GmbH", "Biotechnology", "Prospect", "DE", ""),
    ("Ostsee Reederei GmbH", "Shipping", "Customer", "DE", ""),
    ("Fichtner Systemhaus GmbH", "Technology", "Integrator", "DE", ""),
    ("Vogt Telekommunikation GmbH", "Telecommunications", "Competitor", "DE", ""),
    ("Brightwater Group plc", "Finance", "Customer", "GB", ""),
    ("Brightwater Logistics Ltd", "Transportation", "Customer", "GB", "Brightwater Group plc"),
    ("Harrington & Cole Ltd", "Consulting", "Partner", "GB", ""),
    ("Thistle Energy Ltd", "Energy", "Prospect", "GB", ""),
    ("Oakridge Manufacturing Ltd", "Manufacturing", "Customer", "GB", ""),
    ("Pennine Health Services Ltd", "Healthcare", "Prospect", "GB", ""),
    ("Kestrel Media Ltd", "Media", "Analyst", "GB", ""),
    ("Lambeth Engineering Ltd", "Engineering", "Customer", "GB", ""),
    ("Avonmore Learning Ltd", "Education", "Prospect", "GB", ""),
    ("Saxon Telecom Ltd", "Telecommunications", "Customer", "GB", ""),
    ("Northgate Analytics Inc.", "Technology", "Customer", "US", ""),
    ("Bluestone Capital Inc.", "Finance", "Investor", "US", ""),
    ("Redwood Robotics Inc.", "Electronics", "Prospect", "US", ""),
    ("Clearwater Foods Inc.", "Retail", "Customer", "US", ""),
    ("Summit Outdoor Inc.", "Recreation", "Prospect", "US", ""),
    ("Greenfield Environmental Inc.", "Environmental", "Other", "US", ""),
]
#: Account types that buy from us: opportunities are only opened with these.
BUYING_TYPES = ("Customer", "Prospect", "Reseller", "Partner")
LEGAL_FORMS = ("GmbH", "gGmbH", "AG", "Ltd", "plc", "Inc.")
OWNERSHIP = {
    "DE": ["Familienunternehmen", "Konzerntochter", "Börsennotiert", "Privat"],
    "GB": ["Private", "Public", "Subsidiary"],
    "US": ["Private", "Public", "Subsidiary"],
}

#: Companies that are not accounts yet: the free-text company of targets and leads.
PROSPECTS = {
    "DE": [
        "Sonnenfeld Solar GmbH",
        "Brückner Automotive AG",
        "Waldhaus Möbel GmbH",
        "Seeblick Immobilien GmbH",
        "Hartmann Pharma AG",
        "Glockner Druck GmbH",
        "Adler Sicherheitstechnik GmbH",
        "Zeller Agrar GmbH",
        "Schwarzwald Uhren GmbH",
        "Kronberg Kliniken AG",
        "Fuchs & Partner Steuerberatung",
        "Wendt Verpackungen GmbH",
        "Ahorn Software GmbH",
        "Dietz Fahrzeugbau GmbH",
        "Lorenz Gastronomie GmbH",
        "Quellwasser Getränke GmbH",
        "Steinbach Metallbau GmbH",
        "Pfeiffer Optik GmbH",
        "Rotdorn Verlag GmbH",
        "Greif Personaldienste GmbH",
    ],
    "GB": [
        "Ashdown Consulting Ltd",
        "Wexford Retail Ltd",
        "Marlow Biotech Ltd",
        "Cotswold Breweries Ltd",
        "Fenwick Insurance plc",
        "Highgate Architects Ltd",
        "Tamar Marine Ltd",
        "Ravenscroft Legal LLP",
    ],
    "US": [
        "Pinecrest Software Inc.",
        "Lakeside Dental Group Inc.",
        "Ironbridge Freight Inc.",
        "Silverline Media Inc.",
    ],
}

#: Person names by country: (male first names, female first names, last names).
NAMES = {
    "DE": (
        [
            "Alexander",
            "Andreas",
            "Christian",
            "Daniel",
            "Florian",
            "Jan",
            "Jürgen",
            "Klaus",
            "Matthias",
            "Michael",
            "Niklas",
            "Peter",
            "Philipp",
            "Sebastian",
            "Stefan",
            "Thomas",
            "Uwe",
            "Wolfgang",
        ],
        [
            "Anna",
            "Birgit",
            "Claudia",
            "Franziska",
            "Hannah",
            "Julia",
            "Katharina",
            "Laura",
            "Marie",
            "Nicole",
            "Petra",
            "Sabine",
            "Sandra",
            "Sophie",
            "Stefanie",
            "Susanne",
            "Ursula",
            "Yvonne",
        ],
        [
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Schulz",
            "Zimmermann",
            "Krüger",
            "Hartmann",
            "Lange",
            "Werner",
            "Krause",
            "Lehmann",
            "Köhler",
            "Schäfer",
            "Neumann",
            "Schwarz",
            "Braun",
            "Hofmann",
            "Vogel",
            "Friedrich",
            "Keller",
            "Günther",
            "Frank",
            "Berger",
            "Winkler",
            "Lorenz",
            "Baumann",
            "Seidel",
            "Brandt",
        ],
    ),
    "GB": (
        [
            "Oliver",
            "George",
            "Harry",
            "James",
            "William",
            "Jack",
            "Thomas",
            "Daniel",
            "Matthew",
            "Edward",
            "Samuel",
            "Richard",
        ],
        [
            "Olivia",
            "Amelia",
            "Emily",
            "Charlotte",
            "Sophie",
            "Jessica",
            "Lucy",
            "Hannah",
            "Eleanor",
            "Grace",
            "Rachel",
            "Victoria",
        ],
        [
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Clarke",
            "Hughes",
        ],
    ),
    "US": (
        ["Michael", "David", "John", "Robert", "Chris", "Kevin", "Brian", "Ryan"],
        ["Jennifer", "Jessica", "Ashley", "Sarah", "Megan", "Lauren", "Emily", "Rachel"],
        [
            "Miller",
            "Davis",
            "Garcia",
            "Martinez",
            "Anderson",
            "Moore",
            "Jackson",
            "Harris",
            "Clark",
            "Lewis",
            "Young",
            "King",
        ],
    ),
}

#: Job titles: (German male form, German female form, English, department DE, department EN).
BOSS_TITLE = (
    "Geschäftsführer",
    "Geschäftsführerin",
    "Managing Director",
    "Geschäftsleitung",
    "Management",
)
TITLES = [
    ("Leiter Einkauf", "Leiterin Einkauf", "Head of Procurement", "Einkauf", "Procurement"),
    ("Einkäufer", "Einkäuferin", "Buyer", "Einkauf", "Procurement"),
    ("IT-Leiter", "IT-Leiterin", "IT Director", "IT", "IT"),
    ("Systemadministrator", "Systemadministratorin", "Systems Administrator", "IT", "IT"),
    ("Vertriebsleiter", "Vertriebsleiterin", "Sales Director", "Vertrieb", "Sales"),
    ("Kaufmännischer Leiter", "Kaufmännische Leiterin", "Finance Director", "Finanzen", "Finance"),
    ("Projektleiter", "Projektleiterin", "Project Manager", "Projekte", "Projects"),
    ("Marketingleiter", "Marketingleiterin", "Head of Marketing", "Marketing", "Marketing"),
    (
        "Assistent der Geschäftsführung",
        "Assistentin der Geschäftsführung",
        "Executive Assistant",
        "Geschäftsleitung",
        "Management",
    ),
    ("Produktionsleiter", "Produktionsleiterin", "Operations Manager", "Produktion", "Operations"),
]

#: What is sold: opportunity topics by language.
OPPORTUNITY_TOPICS = {
    "de": [
        "Rahmenvertrag Wartung",
        "Einführung Kundenportal",
        "Lizenzerweiterung",
        "Schulungspaket",
        "Ersatzteilvertrag",
        "Migration in die Cloud",
        "Support-Verlängerung",
        "Pilotprojekt Standort Süd",
        "Beratungsprojekt Vertrieb",
        "Neue Filialen",
    ],
    "en": [
        "Support renewal",
        "Licence expansion",
        "Customer portal rollout",
        "Training package",
        "Cloud migration",
        "Framework agreement",
        "Pilot project",
        "Spare parts contract",
    ],
}
NEXT_STEPS = {
    "de": [
        "Angebot nachfassen",
        "Demo vereinbaren",
        "Entscheider einbinden",
        "Vertragsentwurf schicken",
        "Referenzbesuch planen",
    ],
    "en": [
        "Follow up on proposal",
        "Schedule demo",
        "Meet decision maker",
        "Send draft contract",
        "Arrange reference call",
    ],
}
CAMPAIGNS = [
    "Frühjahrs-Newsletter",
    "Webinar CRM-Grundlagen",
    "Messe Hannover",
    "Partner-Tag Süd",
    "Autumn product launch",
    "LinkedIn Ads Q3",
]

#: (German, English) texts of the activities; each owner writes in their own language.
CALL_SUBJECTS = [
    ("Erstgespräch", "Introductory call"),
    ("Rückfrage zum Angebot", "Questions on proposal"),
    ("Bedarfsklärung", "Discovery call"),
    ("Nachfassen nach der Messe", "Trade show follow-up"),
    ("Preisverhandlung", "Pricing discussion"),
    ("Termin für Demo abstimmen", "Book a demo"),
    ("Reklamation Lieferung", "Delivery complaint"),
    ("Verlängerung besprechen", "Renewal chat"),
]
CALL_OUTCOMES = [
    (
        "Interesse bestätigt, Unterlagen per E-Mail geschickt.",
        "Interest confirmed, sent the brochure by e-mail.",
    ),
    ("Nicht erreicht, Nachricht auf der Mailbox hinterlassen.", "No answer, left a voicemail."),
    ("Budget wird im nächsten Quartal freigegeben.", "Budget gets approved next quarter."),
    (
        "Möchte ein angepasstes Angebot bis Ende der Woche.",
        "Wants a revised proposal by the end of the week.",
    ),
]
MEETING_SUBJECTS = [
    ("Produktdemo", "Product demo"),
    ("Anforderungsworkshop", "Requirements workshop"),
    ("Quartalsgespräch", "Quarterly business review"),
    ("Vertragsverhandlung", "Contract review"),
    ("Kick-off Projekt", "Project kick-off"),
    ("Vorstellung beim Vorstand", "Board presentation"),
]
MEETING_LOCATIONS = [
    ("Beim Kunden vor Ort", "At the customer's office"),
    ("Besprechungsraum Elbe", "Meeting room Thames"),
    ("Online", "Online"),
]
TASK_SUBJECTS = [
    ("Angebot erstellen", "Prepare proposal"),
    ("Referenzen zusammenstellen", "Collect references"),
    ("Vertrag zur Unterschrift schicken", "Send contract for signature"),
    ("Preisliste aktualisieren", "Update price list"),
    ("Demo-Zugang einrichten", "Set up demo access"),
    ("Rückruf einplanen", "Schedule call back"),
    ("Protokoll verschicken", "Send meeting minutes"),
    ("Ansprechpartner in der IT finden", "Find the IT contact"),
]
NOTES = [
    (
        ("Gesprächsnotiz", "Entscheidung fällt im Einkaufsgremium, Termin im nächsten Monat."),
        ("Call notes", "The purchasing committee decides next month."),
    ),
    (
        ("Wettbewerb", "Vergleicht uns mit Vogt Telekommunikation; Preis ist das Hauptthema."),
        ("Competition", "Comparing us with two other vendors; price is the main topic."),
    ),
    (
        ("Anforderungen", "Schnittstelle zum ERP und Single Sign-on sind Pflicht."),
        ("Requirements", "ERP integration and single sign-on are must-haves."),
    ),
    (
        ("Persönliches", "Bevorzugt Termine am Vormittag, spricht gern über Segeln."),
        ("Personal", "Prefers morning meetings, keen sailor."),
    ),
    (
        ("Zahlungsbedingungen", "Wünscht 60 Tage Zahlungsziel statt 30."),
        ("Payment terms", "Asks for 60 days payment terms instead of 30."),
    ),
]
LEAD_STATUS_NOTES = {
    "Dead": [
        ("Kein Budget in diesem Jahr.", "No budget this year."),
        ("Hat sich für einen Mitbewerber entschieden.", "Went with a competitor."),
    ],
    "Recycled": [
        (
            "Später erneut ansprechen, Projekt verschoben.",
            "Reach out again later, project postponed.",
        )
    ],
}
