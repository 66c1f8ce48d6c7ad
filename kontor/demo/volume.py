"""The rows of `kontor generate`: German and English people, companies, phones (with their
E.164 columns) and addresses, drawn with a long-tailed weight from the word lists below, and
dropdown fields holding keys of the modules' shipped lists. Deterministic per (seed, kind):
the same seed and counts give the same rows, ids included."""

import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache

from kontor.core.dropdown_seed import shipped
from kontor.core.matching import company_key
from kontor.currencies import rates

# --- vocabulary (weights: the first names of each list are the most common) ------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


DE_FIRST_F = _words(
    "Anna Maria Ursula Monika Petra Sabine Andrea Claudia Susanne Stefanie Julia "
    "Katrin Nicole Birgit Sandra Laura Lea Sophie Lena Jana Jördis"
)
DE_FIRST_M = _words(
    "Thomas Michael Andreas Peter Stefan Klaus Wolfgang Jürgen Frank Uwe Markus "
    "Christian Tobias Jan Lukas Felix Jonas Sebastian Matthias Björn Jörg"
)
EN_FIRST_F = _words("Emma Olivia Sarah Emily Jessica Hannah Charlotte Grace Amy Chloe Lucy")
EN_FIRST_M = _words("James John Robert David William Oliver George Harry Jack Daniel Thomas")
DE_LAST = _words(
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann "
    "Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun "
    "Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid "
    "Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang "
    "Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank "
    "Berger Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig "
    "Böhm Winter Kraus Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß "
    "Seidel Heinrich Brandt Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Kühn "
    "Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff Pfeiffer"
)
EN_LAST = _words(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
    "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
    "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker"
)
# German (city, area code, postal code start); English (city, country code, area, postal)
DE_CITIES = [
    ("Berlin", "30", "10"),
    ("Hamburg", "40", "20"),
    ("München", "89", "80"),
    ("Köln", "221", "50"),
    ("Frankfurt am Main", "69", "60"),
    ("Stuttgart", "711", "70"),
    ("Düsseldorf", "211", "40"),
    ("Leipzig", "341", "04"),
    ("Dresden", "351", "01"),
    ("Hannover", "511", "30"),
    ("Nürnberg", "911", "90"),
    ("Bremen", "421", "28"),
    ("Essen", "201", "45"),
    ("Dortmund", "231", "44"),
    ("Münster", "251", "48"),
]
EN_CITIES = [
    ("London", "44", "20", "SW1A"),
    ("Manchester", "44", "161", "M1"),
    ("Birmingham", "44", "121", "B1"),
    ("Leeds", "44", "113", "LS1"),
    ("New York", "1", "212", "100"),
    ("Chicago", "1", "312", "606"),
    ("Boston", "1", "617", "021"),
]
DE_STREETS = _words(
    "Hauptstraße|Bahnhofstraße|Gartenweg|Schillerstraße|Goethestraße|"
    "Lindenallee|Marktplatz|Friedrichstraße|Bergstraße|Am Rathaus",
    "|",
)
EN_STREETS = _words("High Street|Station Road|Church Lane|Main Street|Park Avenue|Mill Road", "|")
DE_SUFFIX = ("GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "UG")
EN_SUFFIX = ("Ltd", "plc", "Inc.", "LLC", "Group")
TRADES = _words(
    "Maschinenbau Logistik Software Bau Elektro Medizintechnik Consulting Handel "
    "Solar Verpackung Druck Automotive Systems Analytics Foods Energy"
)
TITLES = _words(
    "Geschäftsführer|Einkaufsleiterin|Head of Sales|IT-Leiter|CFO|Marketing Manager|"
    "Projektleiterin|Office Manager|Procurement Lead|Vertriebsleiter",
    "|",
)
DEPARTMENTS = _words("Einkauf|Vertrieb|IT|Marketing|Finance|Geschäftsleitung|Operations", "|")
FREEMAIL = ("web.de", "gmx.de", "t-online.de", "gmail.com", "outlook.com", "yahoo.co.uk")
PRODUCTS = ("Lizenzen", "Wartungsvertrag", "Rollout", "Support Plan", "Hardware", "Schulung")
NEXT_STEPS = ("Angebot senden", "Demo vereinbaren", "Call with CFO", "Send proposal", "")
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-", "&": "", ".": ""})


@cache
def keys(dropdown: str) -> list[str]:
    return shipped()[dropdown].keys()


_CUMULATIVE: dict[int, list[float]] = {}


def weighted(items, rng) -> object:
    """Pick from `items` with a long tail: item i has weight 1/(i+20), a flattened Zipf law, so
    the most common surname (Müller) is about 3 % of its list, as in real German data."""
    cum = _CUMULATIVE.get(id(items))
    if cum is None:
        total, cum = 0.0, []
        for i in range(len(items)):
            total += 1 / (i + 20)
            cum.append(total)
        _CUMULATIVE[id(items)] = cum
    return rng.choices(items, cum_weights=cum)[0]


# --- rows ------------------------------------------------------------------------------------


class Generator:
    """Rows of each record type as {attname: value}; deterministic per (seed, kind)."""

    def __init__(self, seed: int, users: list[int], until: datetime, years: int):
        self.seed, self.users, self.until = seed, users, until
        self.span = int(timedelta(days=365 * years).total_seconds())
        self.accounts: list[tuple[uuid.UUID, str]] = []

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")

    def common(self, rng) -> dict:
        entered = self.until - timedelta(seconds=rng.randrange(self.span))
        user = rng.choice(self.users)
        return {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "date_entered": entered,
            "date_modified": entered + timedelta(seconds=rng.randrange(86400 * 30)),
            "created_by_id": user,
            "modified_by_id": user,
            "assigned_user_id": rng.choice(self.users),
        }

    @staticmethod
    def phone(rng, german: bool, mobile: bool = False) -> tuple[str, str]:
        """(as typed, E.164) of a German or English-speaking phone number."""
        if german:
            area = rng.choice(("151", "160", "170", "176")) if mobile else rng.choice(DE_CITIES)[1]
            # Ten-digit landline numbers (area + subscriber), eleven-digit mobiles.
            size = 8 if mobile or len(area) == 2 else 7
            digits = str(rng.randrange(10 ** (size - 1), 10**size))
            typed = f"0{area} {digits}" if rng.random() < 0.5 else f"+49 {area} {digits}"
            return typed, f"+49{area}{digits}"
        _city, cc, area, _postal = rng.choice(EN_CITIES)
        digits = (
            str(rng.randrange(10**6, 10**7))
            if cc == "1" or len(area) == 3
            else str(rng.randrange(10**7, 10**8))
        )
        return f"+{cc} {area} {digits}", f"+{cc}{area}{digits}"

    def company(self, rng, german: bool) -> str:
        last = weighted(DE_LAST if german else EN_LAST, rng)
        trade = rng.choice(TRADES)
        return f"{last} {trade} {rng.choice(DE_SUFFIX if german else EN_SUFFIX)}"

    def person(self, rng) -> dict:
        german = rng.random() < 0.7
        female = rng.random() < 0.5
        if german:
            first = weighted(DE_FIRST_F if female else DE_FIRST_M, rng)
            last = weighted(DE_LAST, rng)
            city, area, postal = rng.choice(DE_CITIES)
            street = f"{rng.choice(DE_STREETS)} {rng.randint(1, 180)}"
            country, postalcode = "Deutschland", f"{postal}{rng.randrange(1000):03d}"
        else:
            first = weighted(EN_FIRST_F if female else EN_FIRST_M, rng)
            last = weighted(EN_LAST, rng)
            city, _cc, _area, postal = rng.choice(EN_CITIES)
            street = f"{rng.randint(1, 300)} {rng.choice(EN_STREETS)}"
            country = "United States" if _cc == "1" else "United Kingdom"
            postalcode = (
                f"{postal} {rng.randint(1, 9)}AB"
                if _cc == "44"
                else f"{postal}{rng.randint(10, 99)}"
            )
        work, work_e164 = self.phone(rng, german)
        mobile, mobile_e164 = (
            self.phone(rng, german, mobile=True) if rng.random() < 0.6 else ("", "")
        )
        local = f"{first.lower().translate(TRANSLIT)}.{last.lower().translate(TRANSLIT)}"
        email = f"{local}{rng.randrange(1, 1000)}@{rng.choice(FREEMAIL)}"
        return {
            **self.common(rng),
            "first_name": first,
            "last_name": last,
            "salutation": ("Ms." if female else "Mr.") if rng.random() < 0.9 else "Dr.",
            "title": rng.choice(TITLES),
            "department": rng.choice(DEPARTMENTS),
            "email1": email,
            "phone_work": work,
            "phone_work_e164": work_e164,
            "phone_mobile": mobile,
            "phone_mobile_e164": mobile_e164,
            "primary_address_street": street,
            "primary_address_city": city,
            "primary_address_postalcode": postalcode,
            "primary_address_country": country,
            "lead_source": rng.choice(keys("lead_source_dom")),
            "lawful_basis": rng.choice(("", "consent", "legitimate_interest")),
        }

    def account_rows(self, n: int):
        rng = self.rng("accounts")
        types, industries = keys("account_type_dom"), keys("industry_dom")
        for _ in range(n):
            german = rng.random() < 0.7
            name = self.company(rng, german)
            city = rng.choice(DE_CITIES)[0] if german else rng.choice(EN_CITIES)[0]
            domain = name.split(" ")[0].lower().translate(TRANSLIT) + (
                ".de" if german else ".co.uk"
            )
            phone, _e164 = self.phone(rng, german)
            row = {
                **self.common(rng),
                "name": name,
                "account_type": rng.choice(types),
                "name_key": company_key(name),
                "domain": domain,  # as Account.clean sets
                "industry": rng.choice(industries),
                "website": f"https://www.{domain}",
                "email1": f"info@{domain}",
                "phone_office": phone,
                "employees": str(rng.choice((5, 12, 40, 120, 800, 5000))),
                "billing_address_city": city,
                "billing_address_country": "Deutschland" if german else "United Kingdom",
            }
            self.accounts.append((row["id"], name))
            yield row

    def lead_rows(self, n: int):
        rng = self.rng("leads")
        statuses = (
            ["New"] * 8 + ["Assigned"] * 4 + ["In Process"] * 4 + ["Converted", "Recycled", "Dead"]
        )
        for _ in range(n):
            row = self.person(rng)
            status = rng.choice(statuses)
            known = self.accounts and rng.random() < 0.5
            account_id, name = rng.choice(self.accounts) if known else (None, None)
            row.update(
                status=status,
                lifecycle_stage=rng.choice(keys("lead_stage")),
                account_name=name or self.company(rng, rng.random() < 0.7),
                converted=status == "Converted",
                converted_at=row["date_modified"] if status == "Converted" else None,
                account_id=account_id if status == "Converted" else None,
                stage_entered_at=row["date_entered"],
                opportunity_amount=Decimal(rng.randrange(500, 250_000))
                if rng.random() < 0.3
                else None,
            )
            yield row

    def contact_rows(self, n: int):
        rng = self.rng("contacts")
        for _ in range(n):
            row = self.person(rng)
            if self.accounts:
                row["account_id"] = rng.choice(self.accounts)[0]
            yield row

    def target_rows(self, n: int):
        rng = self.rng("targets")
        for _ in range(n):
            row = self.person(rng)
            row.update(
                status=rng.choice(keys("target_status_dom")),
                account_name=self.company(rng, rng.random() < 0.7),
            )
            yield row

    def opportunity_rows(self, n: int):
        # The rates are read now: the writer's COPY pulls the rows, and no other query may run
        # on its connection meanwhile.
        return self._opportunity_rows(n, rates.table())

    def _opportunity_rows(self, n: int, table: rates.Rates):
        rng = self.rng("opportunities")
        stages = {row[0]: row[3]["probability"] for row in shipped()["sales_stage_dom"].values}
        today = rates.today()
        for _ in range(n):
            account_id, account = rng.choice(self.accounts) if self.accounts else (None, "")
            stage = rng.choice(list(stages))
            row = self.common(rng)
            # Drawn in this order so that a seed makes the rows it always made.
            name = f"{account or self.company(rng, True)} – {rng.choice(PRODUCTS)}"
            amount = Decimal(rng.randrange(1_000, 500_000))
            closed = (row["date_entered"] + timedelta(days=rng.randrange(14, 270))).date()
            # What Opportunity.fill_base_amount() stores: the close date's rate once closed.
            day = closed if stage.startswith("Closed") else today
            row.update(
                name=name,
                amount=amount,
                currency="EUR",
                amount_base=rates.to_base(amount, "EUR", day, rates=table),
                date_closed=closed,
                sales_stage=stage,
                probability=stages[stage],
                opportunity_type=rng.choice(keys("opportunity_type_dom")),
                lead_source=rng.choice(keys("lead_source_dom")),
                next_step=rng.choice(NEXT_STEPS),
                account_id=account_id,
            )
            yield row
