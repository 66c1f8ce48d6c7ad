"""The status badges of the design system (kontor/core/templatetags/design.py)."""

from django.template import Context, Template

from kontor.core.actions import save_record
from kontor.core.design import badge_class, has_badge
from kontor.leads.models import Lead


def test_a_won_opportunity_is_green_and_a_lost_one_red():
    assert badge_class("Closed Won", "sales_stage") == (
        "badge kt-badge tone-success stage-closed-won"
    )
    assert "tone-danger" in badge_class("Closed Lost", "sales_stage_dom")


def test_an_admins_own_key_is_neutral_and_an_empty_value_has_no_badge():
    assert badge_class("Waiting for budget", "sales_stage") == (
        "badge kt-badge tone-neutral stage-waiting-for-budget"
    )
    assert badge_class("", "lead_status") == ""
    assert badge_class(None, "lead_status") == ""


def test_only_status_lists_get_badges():
    assert has_badge("lead_status_dom") and has_badge("task_status")
    assert not has_badge("industry_dom")


def test_template_tag_and_filter_escape_the_label():
    html = Template(
        '{% load design %}<i class="{{ key|status_class:"lead_status" }}"></i>'
        '{% status_badge key "lead_status" label %}'
    ).render(Context({"key": "Converted", "label": "<Umgewandelt>"}))
    assert '<i class="badge kt-badge tone-success stage-converted"></i>' in html
    assert (
        '<span class="badge kt-badge tone-success stage-converted">&lt;Umgewandelt&gt;</span>'
        in html
    )


def test_a_list_shows_a_status_as_a_badge(admin_client, admin):
    save_record(Lead(last_name="Petersen", status="In Process"), actor=admin)
    html = admin_client.get("/leads/").content.decode()
    assert '<span class="badge kt-badge tone-warning stage-in-process">In Process</span>' in html
