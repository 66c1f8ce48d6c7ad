"""The demo's calls, meetings, tasks and notes, hung off accounts, contacts, leads and deals.

Part of the demo CRM built by `kontor.demo.build`. Each activity belongs to the owner of the
record it hangs off and is written in the owner's language. The admin gets calls and meetings
today and tasks due today or overdue, so the home page "My day" is full right after `make run`.
"""

from datetime import timedelta

from kontor.accounts.models import Account
from kontor.activities.actions import complete_task, save_with_invitees
from kontor.activities.models import Call, Meeting, Note, Task
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.demo import data
from kontor.demo.base import Demo, parent_of, slug
from kontor.opportunities.models import Opportunity

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


def create_activities(demo: Demo, counts: dict) -> None:
    """All four activity types, as many of each as `counts` (model → number) says."""
    create_calls(demo, counts[Call])
    create_meetings(demo, counts[Meeting])
    create_tasks(demo, counts[Task])
    create_notes(demo, counts[Note])


def pick_parent(demo: Demo, owner=None):
    """A record to hang an activity off: a contact, deal, open lead or account (of `owner`)."""
    kind = demo.rng.choices(
        ["contacts", "opportunities", "leads", "accounts"], weights=[35, 25, 20, 20]
    )[0]
    records = getattr(demo, kind)
    if kind == "leads":
        records = [lead for lead in records if lead.is_open]
    if owner is not None:
        records = [r for r in records if r.assigned_user_id == owner.pk] or records
    return demo.rng.choice(records)


def contact_for(demo: Demo, parent) -> Contact | None:
    """The person a task or note is about, where the parent record has one."""
    if isinstance(parent, Contact):
        return parent
    if isinstance(parent, Opportunity):
        return parent.contacts.order_by("opportunitycontact__id").first()
    if isinstance(parent, Account):
        people = [c for c in demo.contacts if c.account_id == parent.pk]
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


def create_calls(demo: Demo, count: int) -> None:
    rng = demo.rng
    for name, start in schedule(demo, count, PAST_CALLS, CALLS_TODAY):
        owner = demo.users[name] if name else None
        parent = pick_parent(demo, owner)
        owner = owner or parent.assigned_user
        minutes = rng.choice([5, 10, 15, 15, 30, 45])
        status = status_at(demo, start, minutes)
        call = Call(
            name=demo.says(owner, rng.choice(data.CALL_SUBJECTS)),
            **parent_of(parent),
            direction=rng.choice(["Outbound", "Outbound", "Inbound"]),
            status=status,
            date_start=start,
            duration_minutes=minutes,
            assigned_user=owner,
            description=(
                demo.says(owner, rng.choice(data.CALL_OUTCOMES)) if status == "Held" else ""
            ),
        )
        save_with_invitees(call, [owner], actor=owner)


def create_meetings(demo: Demo, count: int) -> None:
    rng = demo.rng
    team = list(demo.users.values())
    for name, start in schedule(demo, count, PAST_MEETINGS, MEETINGS_TODAY):
        owner = demo.users[name] if name else None
        parent = pick_parent(demo, owner)
        owner = owner or parent.assigned_user
        minutes = rng.choice([30, 60, 60, 90, 120])
        location = rng.choice(data.MEETING_LOCATIONS)
        online = location[1] == "Online"
        subject = demo.says(owner, rng.choice(data.MEETING_SUBJECTS))
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
        name=demo.says(owner, rng.choice(data.TASK_SUBJECTS)),
        **parent_of(parent),
        status=status,
        priority=rng.choice(["High", "Medium", "Medium", "Low"]),
        date_start=due - timedelta(days=rng.randint(1, 5)),
        date_due=due,
        contact=contact_for(demo, parent),
        assigned_user=owner,
    )


def create_tasks(demo: Demo, count: int) -> None:
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
    for _ in range(count - len(ADMIN_TASKS_DUE) - COMPLETED_TASKS):
        parent = pick_parent(demo)
        owner = parent.assigned_user
        task = new_task(demo, owner, parent, rng.randint(-10, 30), rng.choice(OPEN_TASK_STATUSES))
        save_record(task, actor=owner)


def create_notes(demo: Demo, count: int) -> None:
    rng = demo.rng
    for _ in range(count):
        parent = pick_parent(demo)
        owner = parent.assigned_user
        subject, text = demo.says(owner, rng.choice(data.NOTES))
        note = Note(
            name=subject,
            description=text,
            **parent_of(parent),
            contact=contact_for(demo, parent),
            assigned_user=owner,
        )
        save_record(note, actor=owner)
