"""`permissions.visible_ids` answers what the one permission filter (`restrict`) answers, with
its pinned cost: no query for a type seen whole or not at all, one for a type seen in part
(never a count or a collection of the team's records first)."""

import pytest

from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import permissions
from kontor.core.actions import delete_records
from kontor.users.actions import create_user
from kontor.users.models import Team


@pytest.fixture
def people(db):
    team = Team.objects.create(name="DACH")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    tina = create_user("tina", password="pw-tina-123!", roles=["sales_rep"], teams=[team])
    stan = create_user("stan", password="pw-stan-123!", roles=["sales_manager"])
    loner = create_user("lone", password="pw-lone-123!", roles=["sales_rep"])
    records = {
        "own": ContactFactory(last_name="Eigen", account=None, actor=sven),
        "team": ContactFactory(last_name="Team", account=None, actor=tina),
        "hidden": ContactFactory(last_name="Fremd", account=None, actor=stan),
        "trashed_team": ContactFactory(last_name="Papierkorb", account=None, actor=tina),
    }
    delete_records([records["trashed_team"]], actor=tina)
    return {"sven": sven, "stan": stan, "loner": loner, "tina": tina}, records


def _fresh_grants(user):
    """The user's grants and teams as a request starts with them (read before the count)."""
    permissions.forget(user)
    permissions.grants_of(user).team_ids  # noqa: B018 - read now, not inside the count


@pytest.mark.parametrize(
    ("who", "expected", "queries"),
    [
        ("sven", {"own", "team", "trashed_team"}, 1),  # Team: one probe query
        ("loner", set(), 1),  # Team scope without a team: his own, by one query
        ("stan", {"own", "team", "hidden", "trashed_team"}, 0),  # All: no query
    ],
)
def test_visible_ids_is_the_filter_over_just_these_ids(
    people, who, expected, queries, django_assert_num_queries
):
    users, records = people
    user = users[who]
    ids = {r.pk for r in records.values()} | {None}
    _fresh_grants(user)
    with django_assert_num_queries(queries):
        visible = permissions.visible_ids(user, Contact, ids)
    assert visible == {records[name].pk for name in expected}
    through_filter = permissions.restrict(Contact.with_deleted.filter(pk__in=ids - {None}), user)
    assert visible == set(through_filter.values_list("pk", flat=True))


def test_visible_ids_of_a_type_refused_costs_nothing(people, django_assert_num_queries):
    users, records = people
    user = users["sven"]
    user.roles.clear()
    _fresh_grants(user)
    with django_assert_num_queries(0):
        assert permissions.visible_ids(user, Contact, {r.pk for r in records.values()}) == set()
