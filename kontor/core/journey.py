"""The records whose history belongs on a record's page, and the apps that link them.

A record's timeline (kontor.core.records.timeline) shows its own history and that of the
records its journey links it to. Core knows no such link: an app that makes them (the
conversion: a contact's source leads and their targets) registers in its AppConfig.ready()
- `add_links(fn)`: `fn(journey)` adds the linked records the user may see (`journey.add`),
  a query per link, and may keep what it found in `journey.found[...]` for its banners;
- `add_banners(fn)`: `fn(journey)` returns the banners at the top of the record's page;
- `add_action(action, reader)`: how the timeline reads change-log rows of `action` that the
  app writes (the records a row names and its sentence).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

_links: list[Callable] = []
_banners: list[Callable] = []
_actions: dict[str, "ActionReader"] = {}


@dataclass
class Journey:
    """A record and the records whose history belongs on its page, all visible to the user.

    `members` maps (model, pk) to the record and whether its whole history shows (True) or only
    its own conversion-like rows (False); the page's own record is always a whole member.
    `found` holds what each linking app found, for its banners (by the app's key).
    """

    record: object
    user: object
    members: dict = field(default_factory=dict)
    found: dict = field(default_factory=dict)

    @classmethod
    def of(cls, record, user, *, visible: bool = False) -> "Journey":
        """Collect the linked records; `visible=True` when the caller loaded `record` through
        the permission filter already (the detail view)."""
        journey, model = cls(record, user), type(record)
        if not visible and not model.objects.visible_to(user, "view").filter(pk=record.pk).exists():
            return journey  # no members: not even the record's own events
        journey.members[(model, record.pk)] = (record, True)
        for links in _links:
            links(journey)
        return journey

    def add(self, record, *, whole: bool = True) -> None:
        """Show `record`'s history (`whole`) or only its rows of a registered action."""
        self.members.setdefault((type(record), record.pk), (record, whole))

    def ids(self, model) -> list:
        """The ids of the members of `model` whose whole history shows."""
        return [pk for (m, pk), (_r, whole) in self.members.items() if m is model and whole]


@dataclass(frozen=True)
class ActionReader:
    """How the timeline reads the change-log rows of one action an app writes.

    `names(row)` gives the (model, pk) of the records the row names, looked up with every
    other name of the page (one query per type, through the permission filter); `text(row,
    names, whole)` gives the event's sentence as safe HTML, or None to leave the row out
    (`names` is the timeline's `Names`: `record`, `url`, `is_member`).
    """

    names: Callable
    text: Callable
    icon: str = "dot"
    #: rows a member shown only in part (`whole` False) contributes
    partial: bool = True


def add_links(links: Callable) -> None:
    """Register `links(journey)`, which adds the records linked to `journey.record`."""
    _links.append(links)


def add_banners(banners: Callable) -> None:
    """Register `banners(journey) -> [{"icon", "text", "links"}]` for the record's page."""
    _banners.append(banners)


def add_action(action: str, reader: ActionReader) -> None:
    """Register how the timeline reads change-log rows of `action`."""
    _actions[action] = reader


def action_reader(action: str) -> ActionReader | None:
    """How the timeline reads rows of `action`, None for core's own actions."""
    return _actions.get(action)


def partial_actions() -> list[str]:
    """The actions whose rows a member shown in part contributes."""
    return [action for action, found in _actions.items() if found.partial]


def banners(journey: Journey) -> list[dict]:
    """The banners of `journey.record`'s page, in registration order."""
    return [banner for make in _banners for banner in make(journey)]
