"""What one demo build shares: the seeded random source, the clock, the team, the records made.

The demo factories of the record modules (`Module.demo_factory`, e.g. kontor/accounts/demo.py)
get one `Demo` from `kontor.demo.build` and use its small generators of believable people,
places, phone numbers, e-mail addresses and dates, so every random choice comes from the one
seeded `random.Random`.
"""

import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from kontor.demo import data

_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str, sep: str = "-") -> str:
    """ASCII, lower case, words joined by `sep` ("Mühlenhof" → "muehlenhof")."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)


def company_domain(name: str) -> str:
    """The invented web domain of a company, legal form left out, under `.example`."""
    words = [w for w in name.split() if w not in data.LEGAL_FORMS and w != "&"]
    return f"{slug(' '.join(words))}.example"


def parent_of(record) -> dict:
    """The `parent_type` / `parent_id` values that hang an activity off `record`."""
    return {"parent_type": ContentType.objects.get_for_model(record), "parent_id": record.pk}


def person_fields(demo: "Demo", country: str, company: str) -> dict:
    """Name, job, e-mail, phones and address of a new person working at `company`."""
    person, place = demo.person(country), demo.place(country)
    return {
        "salutation": person["salutation"],
        "first_name": person["first_name"],
        "last_name": person["last_name"],
        **demo.title(person, country),
        "email1": demo.email(person, company_domain(company)),
        "phone_work": demo.phone(country, place),
        "phone_mobile": demo.phone(country, mobile=True) if demo.rng.random() < 0.4 else "",
        **demo.address("primary_address", country, place),
    }


def shuffled_plan(demo: "Demo", plan: dict) -> list:
    """The keys of `plan` (key → how many), each as often as it says, in random order."""
    items = [key for key, count in plan.items() for _ in range(count)]
    demo.rng.shuffle(items)
    return items


@dataclass
class Demo:
    """The state of one build: random source, start time, team and the records created.

    `users` maps usernames to users, `languages` user ids to "de"/"en", `countries` account
    ids to "DE"/"GB"/"US", `records` module slugs to the live records each factory made (the
    factories that run later pick from them).
    """

    rng: random.Random
    now: datetime
    users: dict = field(default_factory=dict)
    languages: dict = field(default_factory=dict)
    countries: dict = field(default_factory=dict)
    records: defaultdict = field(default_factory=lambda: defaultdict(list))
    _names: set = field(default_factory=set)

    # --- team ---------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    def pick_user(self, weights: dict[str, int]):
        """A team member, e.g. `pick_user({"admin": 3, "lena": 2})`."""
        names = list(weights)
        return self.users[self.rng.choices(names, weights=[weights[n] for n in names])[0]]

    def says(self, user, texts: tuple[str, str]) -> str:
        """The German or English text of a pair, in the language of `user`."""
        return texts[0] if self.languages[user.pk] == "de" else texts[1]

    def language_of(self, user) -> str:
        return self.languages[user.pk]

    # --- people and places --------------------------------------------------------------

    def country(self) -> str:
        """Mostly German, some British and American."""
        return self.rng.choices(["DE", "GB", "US"], weights=[70, 20, 10])[0]

    def person(self, country: str) -> dict:
        """Salutation, first and last name of a new person (no name is used twice)."""
        male_names, female_names, last_names = data.NAMES[country]
        while True:
            female = self.rng.random() < 0.45
            first = self.rng.choice(female_names if female else male_names)
            last = self.rng.choice(last_names)
            if (first, last) not in self._names:
                break
        self._names.add((first, last))
        salutation = (
            ("Ms." if female else "Mr.")
            if country == "DE"
            else (self.rng.choice(["Ms.", "Mrs."]) if female else "Mr.")
        )
        if self.rng.random() < 0.08:
            salutation = "Dr."
        return {"salutation": salutation, "first_name": first, "last_name": last, "female": female}

    def title(self, person: dict, country: str, boss: bool = False) -> dict:
        """Job title and department in the person's language."""
        male, female, english, dept_de, dept_en = (
            data.BOSS_TITLE if boss else self.rng.choice(data.TITLES)
        )
        if country == "DE":
            return {"title": female if person["female"] else male, "department": dept_de}
        return {"title": english, "department": dept_en}

    def place(self, country: str, city: str = "") -> tuple:
        """(city, postal code, state, dialling code): the named city or a random one."""
        places = data.PLACES[country]
        return next((p for p in places if p[0] == city), None) or self.rng.choice(places)

    def address(self, prefix: str, country: str, place: tuple | None = None) -> dict:
        """The five fields of an address named `prefix` (e.g. "billing_address")."""
        city, postal_code, state, _code = place or self.place(country)
        street, number = self.rng.choice(data.STREETS[country]), self.rng.randint(1, 120)
        return {
            f"{prefix}_street": f"{street} {number}" if country == "DE" else f"{number} {street}",
            f"{prefix}_city": city,
            f"{prefix}_postalcode": postal_code,
            f"{prefix}_state": state,
            f"{prefix}_country": data.COUNTRY_NAMES[country],
        }

    def phone(self, country: str, place: tuple | None = None, mobile: bool = False) -> str:
        """A plausible number: German area codes, UK drama ranges, US 555-01xx."""
        digits = self.rng.randint
        if country == "DE":
            if mobile:
                prefix = self.rng.choice(data.MOBILE_PREFIXES_DE)
                return f"+49 {prefix} {digits(1000, 9999)} {digits(1000, 9999)}"
            # Area code and subscriber number make ten digits, as most German numbers do.
            code = (place or self.place(country))[3]
            subscriber = digits(10 ** (7 - len(code)), 10 ** (8 - len(code)) - 1)
            return f"+49 {code} {subscriber}{digits(10, 99)}"
        if country == "GB":
            prefix = "7700 900" if mobile else (place or self.place(country))[3]
            return f"+44 {prefix}{digits(100, 999)}"
        return f"+1 {(place or self.place(country))[3]} 555 01{digits(10, 99)}"

    def email(self, person: dict, domain: str) -> str:
        first, last = slug(person["first_name"], "."), slug(person["last_name"], ".")
        return f"{first}.{last}@{domain}"

    # --- time ---------------------------------------------------------------------------

    def at(self, days: int, hour: int, minute: int = 0) -> datetime:
        """`days` from today at a local time of day (workdays only unless `days` is 0)."""
        day = self.today + timedelta(days=days)
        if days and day.weekday() >= 5:
            day += timedelta(days=(7 - day.weekday()) if days > 0 else -(day.weekday() - 4))
        return timezone.make_aware(datetime.combine(day, time(hour, minute)))

    def office_hours(self, first_day: int, last_day: int) -> datetime:
        """A random office-hours time between `first_day` and `last_day` from today."""
        return self.at(
            self.rng.randint(first_day, last_day),
            self.rng.randint(8, 16),
            self.rng.choice([0, 15, 30, 45]),
        )
