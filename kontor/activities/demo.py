"""The demo's calls, meetings, tasks and notes, hung off accounts, contacts, leads and deals.

The demo factories of the four activity modules (`demo_factory` in modules.py), run by
`kontor.demo.build` after the records they hang off. Each activity belongs to the owner of the
record it hangs off and is written in the owner's language. The admin gets calls and meetings
today and tasks due today or overdue, so the home page "My day" is full right after `make run`.
"""

from datetime import timedelta

from kontor.activities.actions import complete_task, save_with_invitees
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.core.actions import save_record
from kontor.demo.base import Demo, parent_of, slug

#: Activities the demo creates, per module.
COUNTS = {"calls": 70, "meetings": 40, "tasks": 70, "notes": 50}
#: Today's calls and meetings: (owner, hour, minute).
CALLS_TODAY = [
    ("admin", 9, 30),
    ("admin", 11, 0),
    ("admin", 15, 30),
    ("lena", 13, 0),
    ("tom", 10, 30),
    ("markus", 16, 0),
]
MEETINGS_TODAY = [("admin", 10, 0), ("admin", 14, 0), ("lena", 11, 30)]
#: The admin's own open tasks: days until due (negative: overdue).
ADMIN_TASKS_DUE = [0, 0, 0, -2, -5, -9, 3, 7]
PAST_CALLS, PAST_MEETINGS, COMPLETED_TASKS = 40, 20, 20
OPEN_TASK_STATUSES = ["Not Started", "Not Started", "In Progress", "Pending Input", "Deferred"]


def pick_parent(demo: Demo, owner=None):
    """A record to hang an activity off: a contact, deal, open lead or account (of `owner`)."""
    kind = demo.rng.choices(
        ["contacts", "opportunities", "leads", "accounts"], weights=[35, 25, 20, 20]
    )[0]
    records = demo.records[kind]
    if kind == "leads":
        records = [lead for lead in records if lead.is_open]
    if owner is not None:
        records = [r for r in records if r.assigned_user_id == owner.pk] or records
    return demo.rng.choice(records)


def contact_for(demo: Demo, parent):
    """The person a task or note is about, where the parent record has one."""
    kind = parent._meta.model_name
    if kind == "contact":
        return parent
    if kind == "opportunity":
        return parent.contacts.order_by("opportunitycontact__id").first()
    if kind == "account":
        people = [c for c in demo.records["contacts"] if c.account_id == parent.pk]
        return demo.rng.choice(people) if people else None
    return None


def schedule(demo: Demo, count: int, past: int, today: list) -> list:
    """(owner name or None, start) for `count` activities: today's, past ones, future ones."""
    slots = [(name, demo.at(0, hour, minute)) for name, hour, minute in today]
    slots += [(None, demo.office_hours(-60, -1)) for _ in range(past)]
    slots += [(None, demo.office_hours(1, 21)) for _ in range(count - len(slots))]
    return slots


def status_at(demo: Demo, start, minutes: int) -> str:
    """Planned until it is over; afterwards mostly held."""
    if start + timedelta(minutes=minutes) > demo.now:
        return "Planned"
    return "Held" if demo.rng.random() < 0.85 else "Not Held"


def create_calls(demo: Demo) -> None:
    """Today's calls of CALLS_TODAY, past ones (mostly held) and planned ones."""
    rng = demo.rng
    for name, start in schedule(demo, COUNTS["calls"], PAST_CALLS, CALLS_TODAY):
        owner = demo.users[name] if name else None
        parent = pick_parent(demo, owner)
        owner = owner or parent.assigned_user
        minutes = rng.choice([5, 10, 15, 15, 30, 45])
        status = status_at(demo, start, minutes)
        call = Call(
            name=demo.says(owner, rng.choice(CALL_SUBJECTS)),
            **parent_of(parent),
            direction=rng.choice(["Outbound", "Outbound", "Inbound"]),
            status=status,
            date_start=start,
            duration_minutes=minutes,
            assigned_user=owner,
            description=(demo.says(owner, rng.choice(CALL_OUTCOMES)) if status == "Held" else ""),
        )
        save_with_invitees(call, [owner], actor=owner)


def create_meetings(demo: Demo) -> None:
    """Today's meetings of MEETINGS_TODAY, past and planned ones, with invitees."""
    rng = demo.rng
    team = list(demo.users.values())
    for name, start in schedule(demo, COUNTS["meetings"], PAST_MEETINGS, MEETINGS_TODAY):
        owner = demo.users[name] if name else None
        parent = pick_parent(demo, owner)
        owner = owner or parent.assigned_user
        minutes = rng.choice([30, 60, 60, 90, 120])
        location = rng.choice(MEETING_LOCATIONS)
        online = location[1] == "Online"
        subject = demo.says(owner, rng.choice(MEETING_SUBJECTS))
        meeting = Meeting(
            name=subject,
            **parent_of(parent),
            status=status_at(demo, start, minutes),
            location=demo.says(owner, location),
            date_start=start,
            duration_minutes=minutes,
            join_url=f"https://meet.kontor.example/{slug(subject)}-{rng.randint(100, 999)}"
            if online
            else "",
            assigned_user=owner,
        )
        others = rng.sample([u for u in team if u != owner], k=rng.randint(0, 2))
        save_with_invitees(meeting, [owner, *others], actor=owner)


def new_task(demo: Demo, owner, parent, due_in: int, status: str) -> Task:
    """An unsaved task of `owner` on `parent`, due `due_in` days from today."""
    rng = demo.rng
    due = demo.at(due_in, rng.choice([10, 12, 17]))
    return Task(
        name=demo.says(owner, rng.choice(TASK_SUBJECTS)),
        **parent_of(parent),
        status=status,
        priority=rng.choice(["High", "Medium", "Medium", "Low"]),
        date_start=due - timedelta(days=rng.randint(1, 5)),
        date_due=due,
        contact=contact_for(demo, parent),
        assigned_user=owner,
    )


def create_tasks(demo: Demo) -> None:
    """The admin's own tasks, tasks completed later through complete_task, and open ones."""
    rng, admin = demo.rng, demo.users["admin"]
    for due_in in ADMIN_TASKS_DUE:
        task = new_task(
            demo,
            admin,
            pick_parent(demo, admin),
            due_in,
            "In Progress" if due_in < 0 else "Not Started",
        )
        if due_in <= 0:
            task.priority = "High"
        save_record(task, actor=admin)
    for _ in range(COMPLETED_TASKS):
        parent = pick_parent(demo)
        owner = parent.assigned_user
        task = new_task(demo, owner, parent, -rng.randint(1, 30), "Not Started")
        save_record(task, actor=owner)
        complete_task(Task.objects.get(pk=task.pk), actor=owner)
    for _ in range(COUNTS["tasks"] - len(ADMIN_TASKS_DUE) - COMPLETED_TASKS):
        parent = pick_parent(demo)
        owner = parent.assigned_user
        task = new_task(demo, owner, parent, rng.randint(-10, 30), rng.choice(OPEN_TASK_STATUSES))
        save_record(task, actor=owner)


def create_notes(demo: Demo) -> None:
    """Notes on the records of their owners, some about a person."""
    rng = demo.rng
    for _ in range(COUNTS["notes"]):
        parent = pick_parent(demo)
        owner = parent.assigned_user
        subject, text = demo.says(owner, rng.choice(NOTES))
        note = Note(
            name=subject,
            description=text,
            **parent_of(parent),
            contact=contact_for(demo, parent),
            assigned_user=owner,
        )
        save_record(note, actor=owner)


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
