"""Shipped dropdown lists: how a module declares one, the lists shared by every person record,
and the seeding after each migrate.

A list is declared where it is used: a record module names its lists in `Module.dropdowns`
(e.g. kontor/accounts/dropdown_lists.py); the lists of `kontor.core.people.Person` (salutation,
lead source, GDPR basis) are shared by several modules and live here. Keys are SuiteCRM's and
never change; admins edit labels, order and activity in Studio. After every `migrate`, lists
and values that do not exist yet are created; existing ones are never changed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dropdown:
    """One shipped list: its name, its values as (key, English label, German label[, extra]),
    the key a new record gets when the form leaves the field empty, and the list's own
    (English, German) label that Studio shows beside its name."""

    name: str
    values: tuple
    default: str = ""
    label: tuple = ("", "")

    def keys(self) -> list[str]:
        return [row[0] for row in self.values]


SALUTATION = Dropdown(
    "salutation_dom",
    (
        ("Mr.", "Mr.", "Herr"),
        ("Ms.", "Ms.", "Frau"),
        # German has one word for all three; the English title tells the stored keys apart.
        ("Mrs.", "Mrs.", "Frau (Mrs.)"),
        ("Miss", "Miss", "Frau (Miss)"),
        ("Dr.", "Dr.", "Dr."),
        ("Prof.", "Prof.", "Prof."),
    ),
    label=("Salutation", "Anrede"),
)


LEAD_SOURCE = Dropdown(
    "lead_source_dom",
    (
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
    ),
    label=("Lead source", "Quelle des Interessenten"),
)


LAWFUL_BASIS = Dropdown(
    "lawful_basis_dom",
    (
        ("consent", "Consent", "Einwilligung"),
        ("contract", "Contract", "Vertrag"),
        ("legal_obligation", "Legal obligation", "Rechtliche Verpflichtung"),
        ("protection_of_interest", "Protection of interest", "Schutz lebenswichtiger Interessen"),
        ("public_interest", "Public interest", "Öffentliches Interesse"),
        ("legitimate_interest", "Legitimate interest", "Berechtigtes Interesse"),
        ("withdrawn", "Withdrawn", "Widerrufen"),
    ),
    label=("Lawful basis", "Gesetzliche Grundlage"),
)


LAWFUL_BASIS_SOURCE = Dropdown(
    "lawful_basis_source_dom",
    (
        ("website", "Website", "Webseite"),
        ("phone", "Phone", "Telefon"),
        ("given_to_user", "Given to user", "Dem Benutzer übergeben"),
        ("email", "Email", "E-Mail"),
        ("third_party", "Third Party", "Drittanbieter"),
    ),
    label=("Lawful basis source", "Quelle der gesetzlichen Grundlage"),
)

#: The lists of the person fields every person module (contacts, leads, targets) shares.
SHARED = (SALUTATION, LEAD_SOURCE, LAWFUL_BASIS, LAWFUL_BASIS_SOURCE)


def shipped() -> dict[str, Dropdown]:
    """Every shipped list by name: the shared ones and those the registered modules declare."""
    from kontor.core import registry

    found: dict[str, Dropdown] = {}
    declared = [*SHARED, *(d for m in registry.modules() for d in m.get_dropdowns())]
    for dropdown in declared:
        if found.get(dropdown.name, dropdown) != dropdown:
            raise ValueError(f"Dropdown list {dropdown.name!r} is declared twice, differently.")
        found[dropdown.name] = dropdown
    return found


def seed(apps=None, lists=None) -> None:
    """Create the lists and values that do not exist yet; existing ones are left as edited.

    `apps`: the app registry to take the models from (the migration state's after migrate),
    `lists`: the Dropdowns to seed (every shipped one when not given).
    """
    from django.apps import apps as global_apps

    registry = apps or global_apps
    DropdownList = registry.get_model("core", "DropdownList")  # noqa: N806 - a model class
    DropdownValue = registry.get_model("core", "DropdownValue")  # noqa: N806
    for dropdown in shipped().values() if lists is None else lists:
        label_en, label_de = dropdown.label
        row, created = DropdownList.objects.get_or_create(
            name=dropdown.name, defaults={"label_en": label_en, "label_de": label_de}
        )
        existing = set(row.values.values_list("key", flat=True))
        missing = [value for value in dropdown.values if value[0] not in existing]
        # A value added to a list that exists goes last and leaves the admins' default alone.
        after = 0 if created else row.values.count()
        DropdownValue.objects.bulk_create(
            DropdownValue(
                dropdown=row,
                key=value[0],
                label_en=value[1],
                label_de=value[2],
                position=after + position,
                extra=value[3] if len(value) > 3 else {},
                is_default=created and dropdown.default == value[0],
            )
            for position, value in enumerate(missing)
        )


def seed_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate receiver: add the shipped lists and values a database does not have yet
    (a module added after install brings its lists without a migration of its own)."""
    if apps is None:
        # `flush` (the teardown of transactional tests) sends no migration state; seeding
        # again gives the next transactional test the shipped lists.
        from django.apps import apps
    try:
        apps.get_model("core", "DropdownValue")
    except LookupError:
        return  # core's tables are not there (migrated back to zero)
    seed(apps)
