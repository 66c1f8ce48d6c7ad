"""Inline edit of one field (kontor.core.records.inline) and the list's comforts: totals per
currency, a task's quick "done", the remembered density."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import TaskFactory
from kontor.core import registry
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions.fields import create_custom_field
from kontor.users.actions import create_user, update_profile
from kontor.users.models import Role


def fetch(record):
    return type(record).with_deleted.get(pk=record.pk)


def url(record, field: str) -> str:
    return reverse(f"{registry.for_model(type(record)).slug}:inline", args=[record.pk, field])


def token(response) -> str:
    found = re.search(r'name="inline_shown" value="([^"]+)"', response.content.decode())
    assert found, response.content.decode()
    return found.group(1)


def updates(record) -> list[tuple]:
    rows = ChangeLog.objects.filter(record_id=record.pk, action="update").order_by("at", "id")
    return [(r.field, r.old_value, r.new_value, r.actor.username) for r in rows]


@pytest.fixture
def lead(rep):
    return LeadFactory(title="Einkauf", email1="lena@lead.example", actor=rep)


def save(client, record, field: str, value, **extra):
    editor = client.get(url(record, field))
    assert editor.status_code == 200
    return client.post(url(record, field), {field: value, "inline_shown": token(editor), **extra})


# --- the editor and its save ---------------------------------------------------------------


def test_the_editor_shows_the_field_with_its_stored_value(rep_client, lead):
    response = rep_client.get(url(lead, "title"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="title"' in body and 'value="Einkauf"' in body
    assert 'class="inline-editor' in body


def test_a_save_changes_the_field_logs_it_and_shows_the_new_value(rep_client, lead):
    response = save(rep_client, lead, "title", "Vertrieb")
    assert response.status_code == 200
    assert "Vertrieb" in response.content.decode()
    assert 'data-inline="' in response.content.decode()  # editable again
    assert fetch(lead).title == "Vertrieb"
    assert updates(lead) == [("title", "Einkauf", "Vertrieb", "rolf")]


def test_the_save_s_queries_are_pinned(rep_client, lead, django_assert_num_queries):
    editor = rep_client.get(url(lead, "title"))
    data = {"title": "Vertrieb", "inline_shown": token(editor)}
    # session, user with profile, roles; the record; the row lock, the update and the
    # change-log row: as many for any field (the unchanged owner is not looked up, and a
    # refusal writes nothing, so no savepoint)
    with django_assert_num_queries(7):
        response = rep_client.post(url(lead, "title"), data)
    assert response.status_code == 200


def test_a_dropdown_saves_its_key_and_shows_its_label(rep_client, lead):
    response = save(rep_client, lead, "status", "Assigned")
    assert response.status_code == 200
    assert fetch(lead).status == "Assigned"
    assert "<option" not in response.content.decode()


def test_an_invalid_value_is_refused_at_the_field_and_changes_nothing(rep_client, lead):
    before = fetch(lead).date_modified
    response = save(rep_client, lead, "email1", "not an address")
    assert response.status_code == 400
    body = response.content.decode()
    assert "invalid-feedback" in body and "valid email" in body
    stored = fetch(lead)
    assert (stored.email1, stored.date_modified) == ("lena@lead.example", before)
    assert updates(lead) == []


def test_a_required_field_left_empty_is_refused_in_german(client, rep, lead):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    client.force_login(rep)
    response = save(client, lead, "last_name", "")
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert fetch(lead).last_name == lead.last_name


def test_a_rule_of_the_record_is_refused_at_the_field(rep_client, rep):
    deal = OpportunityFactory(actor=rep)
    response = save(rep_client, deal, "amount", "-5")
    assert response.status_code == 400
    assert "The amount cannot be negative." in response.content.decode()
    assert fetch(deal).amount == Decimal("1000.00")


def test_a_b2b_rule_on_another_field_is_named_beside_the_field(rep_client, rep, settings):
    settings.KONTOR_MODE = "b2c"
    deal = OpportunityFactory(account=None, actor=rep)  # from before the switch to B2B
    settings.KONTOR_MODE = "b2b"
    response = save(rep_client, deal, "amount", "2000")
    assert response.status_code == 400
    assert "An opportunity needs an account (B2B mode)." in response.content.decode()
    assert fetch(deal).amount == Decimal("1000.00")


def test_an_amount_typed_as_german_lists_show_it_is_saved(client, rep):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    client.force_login(rep)
    deal = OpportunityFactory(actor=rep)
    response = save(client, deal, "amount", "12.500,50")
    assert response.status_code == 200
    assert fetch(deal).amount == Decimal("12500.50")
    assert "12.500,50 EUR" in response.content.decode()


# --- who may, and which fields ----------------------------------------------------------------


@pytest.fixture
def viewer(db):
    """Vera sees every lead and may change only her own."""
    role = Role.objects.create(
        name="Leads to read",
        grants={"leads": {"access": "all", "view": "all", "list": "all", "edit": "owner"}},
    )
    user = create_user("vera", password="pw-vera-123!")
    user.roles.add(role)
    return user


def test_a_record_the_user_may_see_but_not_change_is_refused(client, viewer, lead):
    client.force_login(viewer)
    assert client.get(url(lead, "title")).status_code == 403
    response = client.post(url(lead, "title"), {"title": "Vertrieb"})
    assert response.status_code == 403
    assert fetch(lead).title == "Einkauf" and updates(lead) == []


def test_a_record_the_user_may_not_see_is_not_found(client, lead):
    role = Role.objects.create(name="Accounts only", grants={"accounts": {"access": "all"}})
    user = create_user("otto", password="pw-otto-123!")
    user.roles.add(role)
    client.force_login(user)
    assert client.post(url(lead, "title"), {"title": "Vertrieb"}).status_code == 404
    assert fetch(lead).title == "Einkauf"


@pytest.mark.parametrize("field", ["assigned_user", "date_modified", "created_by", "nothing"])
def test_a_field_the_edit_form_does_not_offer_inline_is_not_found(rep_client, lead, field):
    assert rep_client.get(url(lead, field)).status_code == 404
    assert rep_client.post(url(lead, field), {field: "x"}).status_code == 404
    assert updates(lead) == []


def test_a_custom_field_is_edited_inline_and_its_other_values_kept(admin_client, admin, rep):
    leads = registry.get("leads")
    for name, kind in (("budget", "integer"), ("region", "text")):
        create_custom_field(
            leads, name=name, label_en=name, label_de=name, field_type=kind, actor=admin
        )
    lead = LeadFactory(custom={"budget": 5, "region": "Nord"}, actor=rep)
    response = save(admin_client, lead, "budget", "7")
    assert response.status_code == 200
    assert fetch(lead).custom == {"budget": 7, "region": "Nord"}


# --- someone else changed it meanwhile -----------------------------------------------------


def test_a_field_changed_meanwhile_is_a_conflict_that_names_them(rep_client, lead, admin):
    editor = rep_client.get(url(lead, "title"))
    other = fetch(lead)
    other.title = "Marketing"
    save_record(other, actor=admin)

    response = rep_client.post(
        url(lead, "title"), {"title": "Vertrieb", "inline_shown": token(editor)}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Ada Admin" in body and "Marketing" in body
    assert fetch(lead).title == "Marketing"  # theirs stays
    assert [u[3] for u in updates(lead)] == ["ada"]

    # Saving again from the conflict keeps the user's value: they have seen the other one.
    again = rep_client.post(
        url(lead, "title"), {"title": "Vertrieb", "inline_shown": token(response)}
    )
    assert again.status_code == 200
    assert fetch(lead).title == "Vertrieb"


def test_another_field_changed_meanwhile_is_kept(rep_client, lead, admin):
    editor = rep_client.get(url(lead, "title"))
    other = fetch(lead)
    other.department = "Nord"
    save_record(other, actor=admin)

    response = rep_client.post(
        url(lead, "title"), {"title": "Vertrieb", "inline_shown": token(editor)}
    )
    assert response.status_code == 200
    stored = fetch(lead)
    assert (stored.title, stored.department) == ("Vertrieb", "Nord")


def test_esc_after_a_conflict_shows_the_stored_value(rep_client, lead, admin):
    other = fetch(lead)
    other.title = "Marketing"
    save_record(other, actor=admin)
    response = rep_client.get(url(lead, "title") + "?display=1")
    assert response.status_code == 200
    assert "Marketing" in response.content.decode()
    assert "<input" not in response.content.decode()


# --- record pages and list cells -----------------------------------------------------------


def test_the_record_page_offers_its_fields_inline_with_a_link_to_the_form(rep_client, lead):
    body = rep_client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert f'data-inline="{url(lead, "title")}"' in body
    assert f'href="{reverse("leads:edit", args=[lead.pk])}"' in body
    assert f'data-inline="{url(lead, "assigned_user")}"' not in body  # a relate picker


def test_the_record_page_offers_nothing_inline_to_a_reader(client, viewer, lead):
    client.force_login(viewer)
    body = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert "data-inline=" not in body


def test_list_cells_are_editable_except_the_link_column(rep_client, lead):
    body = rep_client.get(reverse("leads:list")).content.decode()
    assert f'data-inline="{url(lead, "status")}"' in body
    assert f'data-inline="{url(lead, "last_name")}"' not in body
    assert f'data-inline="{url(lead, "assigned_user")}"' not in body


def test_list_cells_are_plain_for_a_user_who_may_change_no_lead(client, lead):
    role = Role.objects.create(
        name="Leads read only",
        grants={"leads": {"access": "all", "view": "all", "list": "all", "edit": "none"}},
    )
    user = create_user("rita", password="pw-rita-123!")
    user.roles.add(role)
    client.force_login(user)
    body = client.get(reverse("leads:list")).content.decode()
    assert lead.last_name in body and "data-inline=" not in body


# --- lists: totals, quick done, density ----------------------------------------------------


def test_list_totals_are_summed_per_currency_on_the_page_and_over_the_filter(rep_client, rep):
    account = AccountFactory(actor=rep)
    for amount, currency, stage in (
        ("1000.00", "EUR", "Prospecting"),
        ("2500.50", "EUR", "Prospecting"),
        ("700.00", "USD", "Closed Won"),
    ):
        OpportunityFactory(
            account=account,
            amount=Decimal(amount),
            currency=currency,
            sales_stage=stage,
            actor=rep,
        )
    page = rep_client.get(reverse("opportunities:list")).content.decode()
    assert "Total of this page" in page
    assert "3,500.50 EUR<br>700.00 USD" in page

    totals = rep_client.get(reverse("opportunities:totals"))
    assert totals.status_code == 200
    body = totals.content.decode()
    assert "Total of 3 records" in body and "3,500.50 EUR<br>700.00 USD" in body

    filtered = rep_client.get(reverse("opportunities:totals") + "?sales_stage=Closed Won")
    assert "Total of 1 record" in filtered.content.decode()
    assert "700.00 USD" in filtered.content.decode()
    assert "EUR" not in filtered.content.decode()


def test_list_totals_over_a_filter_too_large_keep_the_page_s(rep_client, rep, settings):
    settings.KONTOR_COUNT_LIMIT = 2
    account = AccountFactory(actor=rep)
    for _ in range(3):
        OpportunityFactory(account=account, actor=rep)
    assert rep_client.get(reverse("opportunities:totals")).status_code == 204


def test_list_totals_query_is_one_and_bounded(rep_client, rep, django_assert_num_queries):
    account = AccountFactory(actor=rep)
    OpportunityFactory(account=account, actor=rep)
    rep_client.get(reverse("opportunities:totals"))  # warms the configuration cache
    # session, user with profile, roles; the totals: one query over at most the count limit
    with django_assert_num_queries(4):
        assert rep_client.get(reverse("opportunities:totals")).status_code == 200


def test_a_list_without_number_columns_has_no_totals(rep_client, lead):
    body = rep_client.get(reverse("leads:list") + "?q=nothing-at-all").content.decode()
    assert "list-totals" not in body


def test_an_open_task_is_done_in_one_click_from_its_list(rep_client, rep):
    task = TaskFactory(actor=rep)
    done = TaskFactory(status="Completed", actor=rep)
    body = rep_client.get(reverse("tasks:list")).content.decode()
    complete = reverse("task-complete", args=[task.pk])
    assert f'formaction="{complete}"' in body
    assert reverse("task-complete", args=[done.pk]) not in body

    # Without JavaScript the button submits the list's form to the verb, which comes back.
    response = rep_client.post(complete, {"next": reverse("tasks:list"), "ids": []})
    assert response.status_code == 302 and response["Location"] == reverse("tasks:list")
    assert fetch(task).status == "Completed"


def test_the_list_density_is_kept_for_the_user(client, rep, lead):
    client.force_login(rep)
    assert "list-compact" not in client.get(reverse("leads:list")).content.decode()
    response = client.post(
        reverse("leads:density"), {"density": "compact", "next": reverse("leads:list")}
    )
    assert response.status_code == 302
    # Kept in the profile: another list, a new session.
    client.logout()
    client.force_login(rep)
    assert "list-compact" in client.get(reverse("contacts:list")).content.decode()
    client.post(reverse("leads:density"), {"density": ""})
    assert "list-compact" not in client.get(reverse("leads:list")).content.decode()


def test_the_density_switch_goes_back_only_to_this_site(rep_client):
    response = rep_client.post(
        reverse("leads:density"), {"density": "compact", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("leads:list")


def test_list_totals_sum_a_custom_number_column(admin, admin_client, rep):
    from kontor.core import preferences

    leads = registry.get("leads")
    create_custom_field(
        leads, name="budget", label_en="Budget", label_de="Budget", field_type="currency",
        actor=admin,
    )  # fmt: skip
    for budget in ("1000.25", "2500.25"):
        LeadFactory(custom={"budget": budget}, actor=rep)
    LeadFactory(actor=rep)  # no budget: counted, not summed
    preferences.save_list_columns(admin, "leads", ["last_name", "budget"], actor=admin)
    body = admin_client.get(reverse("leads:totals")).content.decode()
    assert "Total of 3 records" in body and "3,500.50" in body
    assert "3,500.50" in admin_client.get(reverse("leads:list")).content.decode()
