"""The journey timeline and the conversion banners (kontor.core.records.timeline, with the
links, banners and "convert" rows kontor.conversion registers in kontor.core.journey).

The chain target → lead → contact/account/opportunity is built the way the conversion actions
build it: records and links through `save_record`, "convert" change-log rows on every record of
the chain ("contacts:<id>" as the lead's new value, "leads:<id>" as the contact's old value),
activities handed over with `hand_over_activities`.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import strip_tags

from kontor.activities.actions import complete_task, save_with_invitees
from kontor.activities.models import Call, Meeting
from kontor.activities.tests.factories import CallFactory, NoteFactory, TaskFactory
from kontor.conversion import actions as conversion
from kontor.core.actions import delete_records, save_record
from kontor.core.context import origin
from kontor.core.journey import Journey, banners
from kontor.core.records.timeline import planned_and_history, timeline
from kontor.core.testing import whole_page
from kontor.leads.tests.factories import LeadFactory
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user


@pytest.fixture(autouse=True)
def _english():
    # A German page request leaves German active in this thread (the user-preferences
    # middleware activates the profile's language and never deactivates it).
    translation.activate("en")
    yield
    translation.deactivate()


def texts(events) -> list[str]:
    """Each event as the reader sees it: "[tag] text change…" in plain text."""
    out = []
    for e in events:
        changes = "; ".join(f"{c['label']}: {c['old']} → {c['new']}" for c in e.changes)
        line = " ".join(
            p for p in (f"[{e.tag}]" if e.tag else "", strip_tags(e.text), changes) if p
        )
        out.append(line)
    return out


def convert_target(target, *, actor, activities="move"):
    """Target → lead through the real action, as one request."""
    with origin():
        return conversion.convert_target(target, actor=actor, activities=activities)


def convert_lead(lead, *, actor, activities="move"):
    """Lead → Anna Schmidt at Schmidt Maschinenbau with an opportunity, as one request."""
    with origin():
        result = conversion.convert_lead(
            lead,
            actor=actor,
            activities=activities,
            new_contact={"first_name": "Anna", "last_name": "Schmidt"},
            new_account={"name": "Schmidt Maschinenbau GmbH"},
            opportunity={"name": "Interesse Produkt A", "amount": "1000"},
        )
    return result.contact, result.account, result.opportunity


@pytest.fixture
def journey(rep):
    """Tom Ziel (target, called once) → lead (stage ML → MQL, a note) → Anna Schmidt."""
    target = TargetFactory(first_name="Tom", last_name="Ziel", actor=rep)
    target.status = "Contacted"
    save_record(target, actor=rep)
    CallFactory(
        name="Erstgespräch",
        parent=target,
        status="Held",
        date_start=timezone.now() - timedelta(days=3),
        actor=rep,
    )
    lead = convert_target(target, actor=rep)
    lead.lifecycle_stage = "MQL"
    save_record(lead, actor=rep)
    NoteFactory(name="Budget geklärt", parent=lead, contact=None, actor=rep)
    contact, account, opportunity = convert_lead(lead, actor=rep, activities="leave")
    return {
        "target": target,
        "lead": lead,
        "contact": contact,
        "account": account,
        "opportunity": opportunity,
    }


def test_events_merge_change_log_and_activities_newest_first(rep):
    lead = LeadFactory(first_name="Lena", last_name="Berg", actor=rep)
    CallFactory(
        name="Rückruf",
        parent=lead,
        status="Held",
        date_start=timezone.now() - timedelta(days=1),
        actor=rep,
    )
    NoteFactory(name="Preisliste geschickt", parent=lead, contact=None, actor=rep)
    lead.status = "In Process"
    save_record(lead, actor=rep)
    task = TaskFactory(name="Angebot schreiben", parent=lead, contact=None, actor=rep)
    planned, events = planned_and_history(lead, rep)
    assert texts(planned) == ["Task: Angebot schreiben"]  # due in two days: planned, apart
    assert texts(events) == [
        "Status: New → In Process",
        "Note: Preisliste geschickt",
        "Lead created",
        "Call held: Rückruf",
    ]
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert (planned[0].status, planned[0].is_open, planned[0].url) == (
        "Not Started",
        True,
        f"/tasks/{task.pk}/",
    )
    assert {e.actor for e in events} == {"Rolf Rep"}
    complete_task(task, actor=rep)
    assert texts(timeline(lead, rep))[0] == "Task completed: Angebot schreiben"
    assert len(timeline(lead, rep, limit=3)) == 3


def test_field_changes_show_labels_and_the_fields_of_one_save_are_one_event(rep, admin):
    lead = LeadFactory(actor=rep)
    lead.lifecycle_stage, lead.lead_source, lead.assigned_user = "SQL", "Trade Show", admin
    save_record(lead, actor=admin)
    lead.email_opt_out = True
    save_record(lead, actor=admin)
    first, second = timeline(lead, rep)[:2]
    assert texts([first]) == ["Email opt out: No → Yes"]
    assert sorted(texts([second])[0].split("; ")) == [
        "Assigned to: Rolf Rep → Ada Admin",
        "Lead source: Web Site → Trade Show",
        "Lifecycle stage: Marketing Lead → Sales Qualified Lead",
    ]
    assert (second.kind, second.actor, len(second.entries)) == ("update", "Ada Admin", 3)
    with translation.override("de"):
        change = next(
            c for c in timeline(lead, rep)[1].changes if c["entry"].field == "lifecycle_stage"
        )
        assert (str(change["label"]), change["old"], change["new"]) == (
            "Lebenszyklusphase",
            "Marketing-Lead",
            "Vertriebsqualifizierter Lead",
        )


def test_the_contact_shows_the_history_of_its_lead_and_target(rep, journey):
    events = timeline(journey["contact"], rep)
    shown = texts(events)
    assert shown[:3] == [
        "[Lead] Converted to contact Anna Schmidt, account Schmidt Maschinenbau GmbH, "
        "opportunity Interesse Produkt A",
        "[Lead] Status: New → Converted; Account:  → Schmidt Maschinenbau GmbH",
        "Contact created",
    ]
    for line in (
        "[Lead] Status: New → Converted",
        "[Lead] Note: Budget geklärt",
        "[Lead] Lifecycle stage: Marketing Lead → Marketing Qualified Lead",
        "[Lead] Lead created",
        "[Target] Converted to lead Tom Ziel",
        "[Target] Status: New → Contacted",
        "[Target] Target created",
        "[Lead] Call held: Erstgespräch",
    ):
        assert any(shown_line.startswith(line) for shown_line in shown), line
    # The "converted from" rows repeat their source's "converted to": shown once.
    assert not any("Converted from" in line for line in shown)
    assert shown.index("[Target] Target created") > shown.index("[Lead] Lead created")
    call = next(e for e in events if e.kind == "calls")
    assert (call.owner, call.owner_url) == (journey["lead"], f"/leads/{journey['lead'].pk}/")
    with translation.override("de"):
        tags = {e.tag for e in timeline(journey["contact"], rep)}
    assert tags == {"", "Interessent", "Zielkontakt"}


def test_account_and_opportunity_show_only_the_conversion_of_their_lead(rep, journey):
    for record in (journey["account"], journey["opportunity"]):
        shown = texts(timeline(record, rep))
        assert any(line.startswith("[Lead] Converted to contact Anna Schmidt") for line in shown)
        assert not any("Stage" in line or "Target" in line or "Budget" in line for line in shown)
        assert not any("Converted from" in line for line in shown)


def test_moved_and_copied_activities_show_once_as_the_contacts_own(rep):
    lead = LeadFactory(actor=rep)
    CallFactory(name="Bedarf klären", parent=lead, status="Held", actor=rep)
    contact, _account, _opportunity = convert_lead(lead, actor=rep, activities="copy")
    calls = [e for e in timeline(contact, rep) if e.kind == "calls"]
    assert [(strip_tags(e.text), e.tag) for e in calls] == [("Call held: Bedarf klären", "")]
    assert Call.objects.filter(name="Bedarf klären").count() == 2


def test_invitations_and_the_contact_field_bring_activities_to_the_contact(rep, journey):
    contact, lead = journey["contact"], journey["lead"]
    meeting = Meeting(
        name="Vorführung",
        parent=journey["opportunity"],
        status="Planned",
        date_start=timezone.now() + timedelta(days=5),
        duration_minutes=60,
    )
    save_with_invitees(meeting, users=[rep], contacts=[contact], actor=rep)
    call = Call(name="Nachfassen", status="Held", date_start=timezone.now(), duration_minutes=15)
    save_with_invitees(call, leads=[lead], actor=rep)
    TaskFactory(name="Unterlagen senden", parent=journey["account"], contact=contact, actor=rep)
    planned, history = planned_and_history(contact, rep)
    assert texts(planned) == ["Task: Unterlagen senden", "Meeting planned: Vorführung"]
    assert "[Lead] Call held: Nachfassen" in texts(history)


def test_a_lead_the_user_may_not_see_contributes_nothing(rep, journey):
    delete_records([journey["lead"]], actor=rep)
    shown = texts(timeline(journey["contact"], rep))
    assert not any(line.startswith(("[Lead]", "[Target]")) for line in shown)
    assert "Converted" in shown  # the contact's own row, without the hidden lead's name
    assert Journey.of(journey["contact"], rep).found["conversion"].targets == []
    assert banners(Journey.of(journey["contact"], rep)) == []
    # Names of hidden records never show, not even as the value of a changed field.
    contact = journey["contact"]
    account = journey["account"]
    delete_records([account], actor=rep)
    contact.account = None
    save_record(contact, actor=rep)
    assert "Account: (not available) → —" in [
        f"{c['label']}: {c['old']} → {c['new'] or '—'}"
        for e in timeline(contact, rep)
        for c in e.changes
    ]


def test_someone_who_may_not_see_the_record_gets_no_timeline(rep, journey):
    inactive = create_user("ina", password="pw-ina-123!", first_name="Ina")
    inactive.is_active = False
    assert timeline(journey["contact"], inactive) == []
    assert timeline(journey["target"], None) == []


def test_the_origin_of_a_job_shows_on_the_creation(rep):
    with origin("job:nightly-sync"):
        lead = LeadFactory(actor=rep)
    (created,) = timeline(lead, rep)
    assert (created.kind, created.origin, created.origin_url) == ("create", "nightly-sync", "")


def test_an_origin_an_app_registered_gets_its_label_and_link(rep):
    """Imports register their origins: an old 8-character origin gets a label, a full id a
    link to the import's page."""
    import uuid

    batch_id = uuid.uuid4()
    with origin(f"job:import-{batch_id}"):
        lead = LeadFactory(actor=rep)
    with origin("job:import-1a2b3c4d"):
        old = LeadFactory(actor=rep)
    (created,) = timeline(lead, rep)
    assert (created.origin, created.origin_url) == (
        f"import {str(batch_id)[:8]}",
        f"/imports/batch/{batch_id}/",
    )
    assert [(e.origin, e.origin_url) for e in timeline(old, rep)] == [("import 1a2b3c4d", "")]


def test_the_detail_page_shows_one_timeline_and_the_banners(rep_client, journey):
    contact, lead, target = journey["contact"], journey["lead"], journey["target"]
    response = whole_page(rep_client, f"/contacts/{contact.pk}/")
    page = response.content.decode()
    assert 'id="timeline"' in page and 'id="open-activities"' in page
    assert 'id="changelog"' not in page and 'id="history"' not in page
    assert "Converted from lead" in page and f'href="/leads/{lead.pk}/"' in page
    assert f'href="/targets/{target.pk}/"' in page
    assert "Call held: <a" in page
    assert [e["entry"].action for e in response.context["changelog"]] == ["create"]
    page = whole_page(rep_client, f"/leads/{lead.pk}/").content.decode()
    assert "This lead was converted on" in page
    for record in (contact, journey["account"], journey["opportunity"], target):
        assert f'href="{record.get_absolute_url()}"' in page
    page = rep_client.get(f"/targets/{target.pk}/").content.decode()
    assert "This target has been converted." in page and f'href="/leads/{lead.pk}/"' in page
    for record in (journey["account"], journey["opportunity"]):
        page = rep_client.get(record.get_absolute_url()).content.decode()
        assert "Converted from lead" in page and f'href="/targets/{target.pk}/"' in page


def test_the_detail_page_speaks_german(client, journey):
    german = create_user(
        "greta",
        password="pw-greta-123!",
        first_name="Greta",
        language="de",
        roles=["sales_manager"],
    )
    client.force_login(german)
    page = whole_page(client, f"/contacts/{journey['contact'].pk}/").content.decode()
    for words in (
        "Verlauf",
        "Interessent",
        "Zielkontakt",
        "Umgewandelt aus Interessent",
        "Anruf durchgeführt",
        "Kontakt erstellt",
    ):
        assert words in page, words


def test_the_number_of_queries_does_not_grow_with_the_events(rep, journey):
    contact, lead = journey["contact"], journey["lead"]

    def add(n):
        for i in range(n):
            CallFactory(parent=contact, status="Held", actor=rep)
            TaskFactory(parent=lead, contact=contact, actor=rep)
            NoteFactory(parent=contact, contact=contact, actor=rep)
            contact.title = f"Version {n}.{i}"
            save_record(contact, actor=rep)

    def measure():
        with CaptureQueriesContext(connection) as captured:
            planned, events = planned_and_history(contact, rep, limit=500)
        return len(captured.captured_queries), len(planned) + len(events)

    add(2)
    timeline(contact, rep)  # warm the caches (content types, dropdown lists)
    few, some = measure()
    add(48)
    many, more = measure()
    assert more >= some + 190 and more >= 200
    assert few == many == 14, f"{few} queries for {some} events, {many} for {more}"


def test_the_journey_through_the_conversion_actions(rep):
    """The rows kontor.conversion writes read as the timeline expects."""
    target = TargetFactory(
        first_name="Vorname", last_name="Nachname", account_name="Firma", actor=rep
    )
    CallFactory(
        name="Kaltakquise",
        parent=target,
        status="Held",
        date_start=timezone.now() - timedelta(days=2),
        actor=rep,
    )
    lead = conversion.convert_target(target, actor=rep)
    lead.lifecycle_stage = "SQL"
    save_record(lead, actor=rep)
    contact = conversion.convert_lead(
        lead,
        actor=rep,
        new_account={},
        opportunity={"name": "Interesse Produkt A", "amount": "5000"},
        call={"name": "Erstgespräch", "date_start": timezone.now(), "duration_minutes": 15},
        task={"name": "Feature-Recherche", "date_due": timezone.now() + timedelta(days=1)},
    ).contact
    planned, history = planned_and_history(contact, rep)
    assert texts(planned) == ["Task: Feature-Recherche"]
    shown = texts(history)
    for line in (
        "Call held: Erstgespräch",
        "Contact created",
        "[Lead] Converted to contact Vorname Nachname, account Firma, "
        "opportunity Interesse Produkt A",
        "[Lead] Lifecycle stage: Marketing Lead → Sales Qualified Lead",
        "[Lead] Lead created",
        "[Target] Converted to lead Vorname Nachname",
        "[Target] Target created",
        "Call held: Kaltakquise",
    ):
        assert line in shown, line
    assert not any("Converted from" in line for line in shown)
