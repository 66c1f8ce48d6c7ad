"""The demo's contacts: two or more people per account, some reporting to the boss.

The Contacts module's demo factory (`ContactModule.demo_factory`), run by `kontor.demo.build`
after the accounts.
"""

from datetime import timedelta

from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.demo.base import Demo, company_domain

#: Contacts the demo creates.
COUNT = 120


def create_contacts(demo: Demo) -> None:
    """Two or more people per account; the first is the boss, some others report to them."""
    rng, accounts = demo.rng, demo.records["accounts"]
    sizes = [2] * len(accounts)
    for _ in range(COUNT - sum(sizes)):
        sizes[rng.randrange(len(sizes))] += 1
    for account, size in zip(accounts, sizes, strict=True):
        boss = None
        for position in range(size):
            contact = new_contact(demo, account, boss=position == 0)
            if position and rng.random() < 0.5:
                contact.reports_to = boss
            save_record(contact, actor=account.assigned_user)
            boss = boss or contact
            demo.records["contacts"].append(contact)


def new_contact(demo: Demo, account, boss: bool) -> Contact:
    """An unsaved contact of `account`, living in the account's country."""
    rng, country = demo.rng, demo.countries[account.pk]
    person = demo.person(country)
    contact = Contact(
        account=account,
        assigned_user=account.assigned_user,
        salutation=person["salutation"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        **demo.title(person, country, boss=boss),
        email1=demo.email(person, company_domain(account.name)),
        phone_work=demo.phone(country, demo.place(country, account.billing_address_city)),
        lead_source=rng.choice(
            ["Existing Customer", "Trade Show", "Web Site", "Partner", "Word of mouth"]
        ),
        phone_mobile=demo.phone(country, mobile=True) if rng.random() < 0.6 else "",
        birthdate=(
            demo.today - timedelta(days=rng.randint(27 * 365, 62 * 365))
            if rng.random() < 0.2
            else None
        ),
        lawful_basis="contract" if account.account_type == "Customer" else "",
        email_opt_out=rng.random() < 0.05,
        do_not_call=rng.random() < 0.03,
        **{
            key.replace("billing", "primary"): getattr(account, key)
            for key in (
                "billing_address_street",
                "billing_address_city",
                "billing_address_postalcode",
                "billing_address_state",
                "billing_address_country",
            )
        },
    )
    return contact
