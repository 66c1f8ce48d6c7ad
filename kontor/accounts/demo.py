"""The demo's accounts: German, British and American companies, members after their parents.

The Accounts module's demo factory (`AccountModule.demo_factory`), run by `kontor.demo.build`
first, since contacts, deals and activities hang off accounts.
"""

import random

from kontor.accounts.models import Account
from kontor.core.actions import save_record
from kontor.demo.base import Demo, company_domain

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
OWNERSHIP = {
    "DE": ["Familienunternehmen", "Konzerntochter", "Börsennotiert", "Privat"],
    "GB": ["Private", "Public", "Subsidiary"],
    "US": ["Private", "Public", "Subsidiary"],
}


def account_owner(demo: Demo, country: str):
    """German accounts belong to the German sales team, the others mostly to Tom."""
    if country == "DE":
        return demo.pick_user({"admin": 4, "markus": 2, "lena": 4})
    return demo.pick_user({"admin": 1, "tom": 3})


def revenue(employees: int, country: str, rng: random.Random) -> str:
    """Annual revenue as a finance person would write it, in line with the head count."""
    millions = employees * rng.randint(90, 260) / 1000
    if country == "DE":
        return f"{millions:.1f} Mio. €".replace(".", ",", 1)
    return f"{'£' if country == 'GB' else '$'}{millions:.1f}m"


def create_accounts(demo: Demo) -> None:
    """The companies of ACCOUNTS, members after their parents; a few change type later."""
    rng, by_name = demo.rng, {}
    for name, industry, account_type, country, parent in ACCOUNTS:
        owner, place = account_owner(demo, country), demo.place(country)
        domain = company_domain(name)
        employees = rng.choice([12, 45, 80, 150, 320, 800, 2400, 12000])
        # Prospects that became customers: created as prospects, changed below.
        won = account_type == "Customer" and rng.random() < 0.2
        account = Account(
            name=name,
            industry=industry,
            account_type="Prospect" if won else account_type,
            parent=by_name.get(parent),
            assigned_user=owner,
            website=f"https://www.{domain}",
            email1=f"info@{domain}",
            phone_office=demo.phone(country, place),
            phone_fax=demo.phone(country, place) if rng.random() < 0.4 else "",
            employees=str(employees),
            annual_revenue=revenue(employees, country, rng),
            ownership=rng.choice(OWNERSHIP[country]),
            rating=rng.choice(["A", "B", "B", "C"]),
            **demo.address("billing_address", country, place),
            **demo.address("shipping_address", country, place),
        )
        save_record(account, actor=owner)
        if won:
            account = Account.objects.get(pk=account.pk)
            account.account_type = account_type
            save_record(account, actor=owner)
        demo.countries[account.pk] = country
        by_name[name] = account
        demo.records["accounts"].append(account)
