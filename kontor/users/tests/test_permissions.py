"""The permission filter itself: scopes, several roles, admins, teams of new records."""

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import TaskFactory
from kontor.conversion.actions import convert_lead, convert_target
from kontor.core import permissions
from kontor.core.models import ChangeLog
from kontor.core.testing_tools import whole_page
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.targets.models import Target
from kontor.targets.tests.factories import TargetFactory
from kontor.users.actions import create_user, save_role
from kontor.users.models import Role, Team


@pytest.fixture
def teams(db):
    return Team.objects.create(name="Nord"), Team.objects.create(name="Süd")


def person(name, *roles, teams=()):
    return create_user(name, password=f"pw-{name}-12345!", roles=roles, teams=teams)


def team_names(record) -> set[str]:
    return set(record.teams.values_list("name", flat=True))


def test_a_user_without_roles_sees_nothing(teams):
    nobody, boss = person("nobody"), person("boss", "sales_manager")
    LeadFactory(actor=boss)
    assert not permissions.can(nobody, "list", Lead)
    assert Lead.objects.visible_to(nobody, "view").count() == 0
    assert Lead.objects.visible_to(boss, "view").count() == 1


@pytest.fixture(params=["few", "many"])
def team_size(request, settings):
    """Both query shapes of the Team scope: a small team set collected first, a large one
    filtered while walking the sort index."""
    settings.KONTOR_SMALL_TEAM_SET = 5000 if request.param == "few" else 0


def test_scopes_owner_team_and_all(teams, team_size):
    nord, sued = teams
    rep = person("rep", "sales_rep", teams=[nord])
    mate = person("mate", "sales_manager", teams=[nord])
    other = person("other", "sales_manager", teams=[sued])
    own, mates, others = (LeadFactory(actor=u) for u in (rep, mate, other))
    assert set(Lead.objects.visible_to(rep, "view")) == {own, mates}
    assert set(Lead.objects.visible_to(rep, "edit")) == {own, mates}
    assert set(Lead.objects.visible_to(rep, "delete")) == {own}
    assert set(Lead.objects.visible_to(mate, "view")) == {own, mates, others}
    assert permissions.allows(rep, "edit", mates) and not permissions.allows(rep, "edit", others)
    assert not permissions.allows(rep, "delete", mates)


def test_an_unassigned_record_belongs_to_its_creator(teams):
    rep = person("rep", "sales_rep")
    lead = LeadFactory(actor=rep)
    Lead.objects.filter(pk=lead.pk).update(assigned_user=None)
    assert list(Lead.objects.visible_to(rep, "delete")) == [lead]


def test_several_roles_give_the_widest_grant(teams):
    narrow = Role.objects.create(
        name="Narrow", grants={"leads": {"access": "all", "view": "owner", "export": "none"}}
    )
    wide = Role.objects.create(
        name="Wide",
        grants={
            "leads": {"access": "all", "view": "all"},
            "targets": {"access": "none", "view": "all"},
        },
    )
    user = person("both", narrow, wide)
    assert permissions.scope(user, "view", Lead) == "all"
    assert permissions.scope(user, "export", Lead) == "none"
    # Without access a record type stays closed whatever else is granted.
    assert permissions.scope(user, "view", Target) == "none"


def test_admins_bypass_roles(teams, admin):
    assert permissions.is_admin(admin)
    assert permissions.scope(admin, "delete", Lead) == "all"
    chief = person("chief", "administrator")
    assert permissions.is_admin(chief) and permissions.can(chief, "import", Target)
    inactive = person("gone", "administrator")
    inactive.is_active = False
    assert not permissions.is_admin(inactive) and not permissions.can(inactive, "view", Lead)


def test_unknown_actions_are_a_programming_error(teams):
    with pytest.raises(ValueError):
        permissions.restrict(Lead.objects.all(), person("x", "sales_rep"), "publish")


def test_new_records_join_their_creators_teams(teams):
    nord, sued = teams
    rep = person("rep", "sales_rep", teams=[nord, sued])
    assert team_names(LeadFactory(actor=rep)) == {"Nord", "Süd"}


def test_an_activity_joins_its_parents_teams(teams):
    nord, sued = teams
    owner = person("owner", "sales_rep", teams=[nord])
    helper = person("helper", "sales_manager", teams=[sued])
    lead = LeadFactory(actor=owner)
    task = TaskFactory(
        actor=helper, parent_type=ContentType.objects.get_for_model(Lead), parent_id=lead.pk
    )
    assert team_names(task) == {"Nord", "Süd"}
    # So the lead's team sees the task the helper from another team added.
    assert task in set(type(task).objects.visible_to(owner, "view"))


def test_converted_records_join_the_teams_they_came_from(teams, settings):
    settings.KONTOR_MODE = "b2c"
    nord, sued = teams
    marketer = person("marketer", "sales_manager", teams=[nord])
    closer = person("closer", "sales_manager", teams=[sued])
    target = TargetFactory(actor=marketer)
    lead = convert_target(target, actor=closer)
    assert team_names(lead) == {"Nord", "Süd"}
    result = convert_lead(
        lead,
        actor=closer,
        opportunity={
            "name": "Deal",
            "amount": "100",
            "sales_stage": "Prospecting",
            "date_closed": "2027-01-31",
        },
        task={"name": "Follow up"},
    )
    for record in (result.contact, result.opportunity, result.task):
        assert team_names(record) == {"Nord", "Süd"}, record


def test_editing_a_role_takes_effect_on_the_next_request(teams, admin):
    rep = person("rep", "sales_rep", teams=[teams[0]])
    LeadFactory(actor=admin)
    assert Lead.objects.visible_to(rep, "view").count() == 0
    role = Role.objects.get(key="sales_rep")
    grants = {**role.grants, "leads": {**role.grants["leads"], "view": "all"}}
    save_role(role, actor=admin, grants=grants, users=role.users.all())
    permissions.forget(rep)  # the next request loads the user afresh
    assert Lead.objects.visible_to(rep, "view").count() == 1


def test_editors_set_a_records_teams_and_the_change_is_logged(client, teams):
    nord, sued = teams
    rep = person("rep", "sales_rep", teams=[nord])
    lead = LeadFactory(actor=rep)
    client.force_login(rep)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert f'value="{nord.pk}"' in page and f'value="{sued.pk}"' not in page
    # A team the rep is not in is not offered, and a forged post naming it is refused.
    assert client.post(f"/leads/{lead.pk}/teams/", {"teams": [sued.pk]}).status_code == 404
    assert team_names(lead) == {"Nord"}
    assert client.post(f"/leads/{lead.pk}/teams/", {"teams": []}).status_code == 302
    assert team_names(lead) == set()
    row = ChangeLog.objects.filter(record_id=lead.pk, field="teams").get()
    assert (row.old_value, row.new_value) == ("Nord", "")


def test_the_detail_page_offers_only_what_the_user_may_do(client, teams):
    nord, _sued = teams
    rep = person("rep", "sales_rep", teams=[nord])
    mate = person("mate", "sales_manager", teams=[nord])
    lead = LeadFactory(actor=mate)
    client.force_login(rep)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert f'href="/leads/{lead.pk}/edit/"' in page
    assert f'href="/leads/{lead.pk}/delete/"' not in page  # delete: own records only
    accounts_only = Role.objects.create(
        name="Accounts only",
        grants={"accounts": dict.fromkeys(("access", "view", "list", "edit"), "all")},
    )
    account = AccountFactory(actor=mate)
    client.force_login(person("outsider", accounts_only))
    page = whole_page(client, account.get_absolute_url()).content.decode()
    assert 'id="subpanel-contacts"' not in page and "/contacts/new/" not in page
    assert "/calls/new/" not in page and f'href="/accounts/{account.pk}/edit/"' in page
    client.force_login(mate)
    page = whole_page(client, account.get_absolute_url()).content.decode()
    assert 'id="subpanel-contacts"' in page and "/calls/new/" in page
