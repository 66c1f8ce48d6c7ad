"""How the top bar places record types (`kontor.core.navigation.arrange`): the user's order
first, within what they may list, never an empty bar."""

from dataclasses import dataclass

from kontor.core.navigation import FEW, arrange


@dataclass(frozen=True)
class M:
    slug: str
    nav: str = "main"


MAIN = [M("accounts"), M("contacts"), M("opportunities"), M("leads")]
MORE = [M("targets", "more"), M("calls", "more"), M("tasks", "more")]
ALL = MAIN + MORE


def slugs(modules) -> list[str]:
    return [m.slug for m in modules]


def test_without_a_choice_the_declarations_place_them():
    placed = arrange(ALL, None)
    assert slugs(placed.bar) == slugs(MAIN) and slugs(placed.more) == slugs(MORE)


def test_few_modules_all_stand_in_the_bar():
    placed = arrange(MORE, None)
    assert len(MORE) <= FEW
    assert slugs(placed.bar) == slugs(MORE) and placed.more == []


def test_the_saved_order_and_places_win():
    placed = arrange(ALL, {"order": ["tasks", "leads", "accounts"], "more": ["accounts"]})
    assert slugs(placed.bar)[:2] == ["tasks", "leads"]
    assert "accounts" in slugs(placed.more)


def test_modules_the_saved_order_does_not_name_keep_their_declared_place():
    # Saved before "calls" was granted: it goes where its declaration says, after the others.
    placed = arrange(ALL, {"order": ["leads", "targets"], "more": []})
    assert slugs(placed.bar) == ["leads", "targets", "accounts", "contacts", "opportunities"]
    assert slugs(placed.more) == ["calls", "tasks"]


def test_a_saved_slug_the_user_may_not_list_is_ignored():
    placed = arrange([M("targets", "more")], {"order": ["leads", "targets"], "more": ["targets"]})
    assert slugs(placed.bar) == ["targets"] and placed.more == []


def test_the_bar_is_never_left_empty():
    placed = arrange(ALL, {"order": slugs(ALL), "more": slugs(ALL)})
    assert slugs(placed.bar) == ["accounts"] and len(placed.more) == len(ALL) - 1
