"""Every page a German-speaking user reaches reads German: no English UI words, no "du".

For translators and reviewers: the test signs in an administrator whose language is German,
opens the pages derived from the registry (each module's list, a seeded record's detail and
edit form, the new-record form), the administration menu's pages, settings, My Day and the
import upload, then follows every link those pages show (one page per URL pattern). From each
page it reads the visible text (text nodes outside script and style, plus the title,
placeholder, aria-label and alt attributes) and fails on

- a common English UI word ("Save", "Cancel", "required" …) as a whole word,
- a text that is exactly an English message of the catalogue whose German differs (a string
  rendered without translation),
- the informal address ("Gib", "Deine", "dein", "Du ") where Kontor says "Sie".

The test's records carry German or neutral values, so data does not trip it.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import polib
import pytest
from django.conf import settings
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.utils import translation

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, MeetingFactory, NoteFactory, TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.conversion.actions import convert_lead, convert_target
from kontor.core import admin_area, registry
from kontor.core.dropdown_seed import shipped
from kontor.core.models import DropdownList
from kontor.emails.tests.factories import EmailFactory
from kontor.imports.actions import run_import
from kontor.imports.tests.helpers import queued
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions import dropdowns as studio_dropdowns
from kontor.studio.actions import fields as studio_fields
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user, profile_of, update_profile

pytestmark = pytest.mark.django_db

#: English words of a user interface that German pages never show as whole words. Words that
#: are German as well ("Name", "Status", "Team", "Teams", "Details", "Filter", "Export",
#: "Import", "Position", "Partner", "Login", "Administration", "Layout", "Lead", "Link") are
#: left out: the catalogue check catches them where a German translation differs.
ENGLISH_WORDS = """
    Save Cancel Delete Edit Create Search Date Assigned Description Show Add Remove Next
    Previous None required Required Please Choose Select Yes No Close Open Back Home Settings
    Update Upload Download New View Yes Submit Continue Confirm Undo Restore Trash Print Clear
    Reset Apply Sort Order Hide Columns Column Sign Signed Password Username User Users Roles
    Role Account Accounts Contact Contacts Target Targets Opportunity
    Opportunities Call Calls Meeting Meetings Task Tasks Note Notes Subject Priority Planned
    Held Completed Pending Started Amount Probability Stage Source Type Industry Phone Mobile
    Office Address Street City State Country Title First Last Birthdate Website Email Created
    Modified Entered Due Start End Duration Today Tomorrow Yesterday Overdue Upcoming Mine All
    Any Other Unknown Active Inactive Enabled Disabled Loading Error Warning Success Failed
    Nothing Empty Total Items Page Results Found Record Records Field Fields Value Values
    Label List Lists Dropdown Custom Change Changes History Activity Activities
    Convert Converted Duplicate Duplicates Merge Related Unlink Relate Selected Mass
    Configuration Change Log When Who What Area Kind dropdown layout the and
    or of to for with from this that your you is are was were be been has have not only
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())

#: Words an English-looking check must let through, each for a reason.
ALLOWED = frozenset(
    {
        "Kontor",  # the product
        "SuiteCRM",  # the system Kontor migrates from, a product name
        "English",  # the language switch names each language in its own language
        "OAuth",  # a protocol's name
        "E-Mail",  # German
    }
)

#: The informal address: Kontor speaks to its users with "Sie".
INFORMAL = re.compile(r"\b(Gib|Gibst|Deine[nmrs]?|[Dd]ein(e[nmrs]?)?|Du|Dich|Dir|Dein)\b(?!-)")

#: Elements whose text is not prose: code and keys show identifiers (field and list names).
SKIPPED_TEXT = {"script", "style", "code", "pre", "kbd", "template", "noscript"}
ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

#: Pages never opened: they sign out, switch language, download files or stream data.
NOT_OPENED = re.compile(
    r"^/(logout|i18n|api|Api|index\.php|healthz|readyz|metrics|static|media)\b|/export"
    r"|\.(csv|json|vcf|xlsx|ics)$|/download|/feeds?/|/lookup/|/count/"
)

WORD = re.compile(r"[A-Za-zÄÖÜäöüß][\w'’-]*")


def english_catalogue() -> dict[str, str]:
    """English message → its German, for entries whose German is not the same text."""
    path = settings.BASE_DIR / "kontor" / "locale" / "de" / "LC_MESSAGES" / "django.po"
    found = {}
    german = set()
    for entry in polib.pofile(str(path)):
        if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags:
            german.add(entry.msgstr)
            if entry.msgstr != entry.msgid and len(entry.msgid) > 2:
                found[entry.msgid] = entry.msgstr
    return {english: de for english, de in found.items() if english not in german}


def visible_texts(html: str) -> list[str]:
    """The text a reader sees or hears: text nodes and the attributes ATTRIBUTES names."""
    document = lxml.html.fromstring(html)
    texts = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if element.tag not in SKIPPED_TEXT and element.text:
            texts.append(element.text)
        if element.tail and element.getparent() is not None:
            texts.append(element.tail)
        texts.extend(element.get(name) for name in ATTRIBUTES if element.get(name))
    return [" ".join(t.split()) for t in texts if t.strip()]


#: Pages that name people by their sign-in name on purpose: the user list's "Username" column
#: and the sign-in audit trail and throttles (they record the name that was typed).
SHOWS_USERNAMES = {"admin-users", "admin-sign-ins", "admin-signin-throttles"}


def leftovers(html: str, catalogue: dict[str, str], username: str = "") -> set[str]:
    """What a German page must not show: English words, English messages, "du", and a
    person's sign-in name where the full name belongs (`username`: the name to look for)."""
    found = set()
    for text in visible_texts(html):
        if username and re.search(rf"\b{re.escape(username)}\b", text):
            found.add(f"user name instead of the full name in {text!r}")
        for word in WORD.findall(text):
            if word in ENGLISH and word not in ALLOWED:
                found.add(f"English word {word!r} in {text!r}")
        if text in catalogue and text not in ALLOWED:
            found.add(f"untranslated {text!r} (German: {catalogue[text]!r})")
        if INFORMAL.search(text):
            found.add(f"informal address in {text!r}")
    return found


def seed(user) -> tuple[dict, list]:
    """One record of each module, with German values, a target converted to a lead and that
    lead to a contact (their pages show the journey); returns ({slug: record}, [records
    still to convert, whose conversion forms the walk opens])."""
    account = AccountFactory(name="Gärtnerei Blum GmbH", billing_address_city="Köln", actor=user)
    contact = ContactFactory(
        first_name="Jörg", last_name="Möller", account=account, title="Einkauf", actor=user
    )
    records = {
        "accounts": account,
        "contacts": contact,
        "opportunities": OpportunityFactory(name="Gewächshäuser", account=account, actor=user),
        "targets": TargetFactory(
            first_name="Uwe", last_name="Kühn", account_name="Kühn OHG", actor=user
        ),
        "calls": CallFactory(name="Rückruf Angebot", parent=account, actor=user),
        "meetings": MeetingFactory(name="Besprechung Köln", parent=account, actor=user),
        "tasks": TaskFactory(name="Angebot schreiben", contact=contact, actor=user),
        "notes": NoteFactory(
            name="Gesprächsnotiz", description="Termin vereinbart.", contact=contact, actor=user
        ),
        "emails": EmailFactory(name="Ihre Anfrage", parent=account, actor=user),
    }
    records["leads"] = convert_target(records["targets"], actor=user)
    converted = convert_lead(records["leads"], actor=user, new_contact={}, account=account)
    records["contacts"] = converted.contact
    to_convert = [
        LeadFactory(first_name="Heike", last_name="Brandt", account_name="Brandt KG", actor=user),
        TargetFactory(first_name="Petra", last_name="Vogt", account_name="Vogt OHG", actor=user),
    ]
    with translation.override("de"):  # an administration change is logged in its actor's words
        studio_fields.set_required(registry.get("accounts"), ["industry"], actor=user)
        studio_dropdowns.add_value(
            DropdownList.objects.get(name="industry_dom"),
            key="Gartenbau",
            label_en="Horticulture",
            label_de="Gartenbau",
            actor=user,
        )
    return records, to_convert


def route_of(path: str):
    """The URL pattern a path belongs to, with the record type it names if any: pages of one
    pattern are read once per record type (each module has its own fields and labels); None
    for a path of no pattern."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    slugs = {m.slug for m in registry.modules()}
    named = tuple(sorted(v for v in map(str, match.kwargs.values()) if v in slugs))
    return (match.view_name, match.route, named)


def parameterless(patterns=None, prefix="/") -> list[str]:
    """Every URL of the URL map that needs no argument (settings pages, admin pages …)."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        path = prefix + str(pattern.pattern)
        if "<" in path or "^" in path or "(" in path:
            continue
        if isinstance(pattern, URLResolver):
            found += parameterless(pattern.url_patterns, path)
        else:
            found.append(path)
    return found


def start_pages(records, to_convert) -> list[str]:
    """The pages the walk starts from: each module's own pages (from the registry), the
    administration menu, every page without an argument; links found lead further."""
    pages = ["/", "/search/?q=Möller"]
    for module in registry.modules():
        record = records[module.slug]
        pages += [
            module.url("list"),
            module.url("create"),
            module.url("detail", record.pk),
            module.url("timeline", record.pk),  # loaded after the detail page
            module.url("related", record.pk),
            module.url("edit", record.pk),
            module.url("filters"),
            module.url("mass") + "?field=assigned_user",
        ]
    for record in to_convert:
        pages.append(registry.for_model(type(record)).url("convert", record.pk))
    pages += [page.url for page in admin_area.pages()]
    return pages + parameterless()


def test_every_page_reads_german(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the import's upload
    user = create_user(
        "greta", password="pw-greta-123!", first_name="Greta", last_name="Gärtner",
        email="greta@kontor.example", is_superuser=True,
    )  # fmt: skip
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    assert profile_of(user).language == "de"
    records, to_convert = seed(user)
    batch = run_import(queued("Nachname;E-Mail\nBrandt;brandt@kontor.example\n", actor=user).pk)
    assert batch.status == "done"
    assert set(records) == {m.slug for m in registry.modules()}, "seed a record of each module"
    client.force_login(user)
    catalogue = english_catalogue()

    queue = [*start_pages(records, to_convert), f"/imports/batch/{batch.pk}/"]
    seen_routes, read, problems = set(), [], {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        route = route_of(path)
        if route is None or route in seen_routes or NOT_OPENED.search(path):
            continue
        seen_routes.add(route)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        read.append(path)
        named = route[0] not in SHOWS_USERNAMES
        found = leftovers(html, catalogue, user.username if named else "")
        if found:
            problems[path] = sorted(found)
        for href in lxml.html.fromstring(html).xpath("//a/@href"):
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)

    assert len(read) > 60, read  # the walk reached the pages, not only a sign-in redirect
    report = "\n".join(f"{p}: {'; '.join(f)}" for p, f in problems.items())
    if os.environ.get("GERMAN_PAGES_REPORT"):
        Path(os.environ["GERMAN_PAGES_REPORT"]).write_text(report + "\n" + "\n".join(read))
    assert problems == {}, "\n".join(f"{p}: {'; '.join(f)}" for p, f in problems.items())


def test_the_checks_find_what_they_look_for():
    catalogue = {"Save changes": "Änderungen speichern"}
    page = (
        '<html><body><p>Kontakte</p><button title="Cancel">x</button><p>Save changes</p>'
        "<p>Gib Deine Adresse ein</p><script>var Save = 1;</script><code>Delete</code>"
        "</body></html>"
    )
    found = leftovers(page, catalogue)
    assert "English word 'Cancel' in 'Cancel'" in found
    assert "untranslated 'Save changes' (German: 'Änderungen speichern')" in found
    assert "informal address in 'Gib Deine Adresse ein'" in found
    assert not any("'Delete'" in f or "var Save" in f for f in found)
    assert leftovers("<p>Kontakte speichern, Adresse des Kunden</p>", catalogue) == set()


def test_every_shipped_dropdown_value_has_its_own_german_label():
    """Dropdown labels live in the database, not in the catalogue: the pages show what is
    seeded. A German label the same as the English one is a leftover unless it is German too;
    two values of one list never read the same."""
    # German words too ("Pipeline": the forecast category, as German sales teams say it).
    same_in_german = {"Partner", "Dr.", "Prof.", "Normal", "Analyst", "Investor", "Pipeline"}
    problems = []
    for dropdown in shipped().values():
        germans = [row[2] for row in dropdown.values]
        problems += [
            f"{dropdown.name}: {row[0]!r} reads {row[2]!r} in German"
            for row in dropdown.values
            if row[2] == row[1] and row[2] not in same_in_german
        ]
        problems += [f"{dropdown.name}: {g!r} twice" for g in set(germans) if germans.count(g) > 1]
        if not all(dropdown.label):
            problems.append(f"{dropdown.name}: no label of its own")
    assert problems == []
    stored = DropdownList.objects.get(name="sales_stage_dom")
    assert (stored.label_de, stored.values.get(key="Prospecting").label_de) == (
        "Verkaufsphase",
        "Akquise",
    )


def test_the_not_imported_rows_give_their_reasons_in_the_importer_s_language(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = create_user(
        "heinz",
        password="pw-heinz-123!",
        first_name="Heinz",
        last_name="Lang",
        roles=["sales_manager"],
    )
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    rows = "Nachname;E-Mail\n;ohne-nachname@kontor.example\nKrüger;keine-adresse\n"
    batch = run_import(queued(rows, actor=user).pk)  # the task runs with no language active
    client.force_login(user)
    response = client.get(f"/imports/batch/{batch.pk}/not-imported.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == "\ufeffNachname;E-Mail;Zeile;Grund"
    reasons = [line.rsplit(";", 1)[1] for line in lines[1:]]
    assert len(reasons) == 2, lines
    catalogue = english_catalogue()
    assert [leftovers(f"<p>{reason}</p>", catalogue) for reason in reasons] == [set(), set()]
    assert all(reason.startswith(("Nachname", "E-Mail")) for reason in reasons), reasons


def test_the_pages_before_sign_in_read_german(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    catalogue = english_catalogue()
    problems = {}
    for url in ("/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/done/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="de"' in response.content.decode(), url
        found = leftovers(response.content.decode(), catalogue)
        if found:
            problems[url] = sorted(found)
    assert problems == {}
