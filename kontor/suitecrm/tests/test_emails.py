"""E-mails, the records they are logged on, and e-mail templates migrated from the journey
database. Expectations are counted by queries against SuiteCRM's schema."""

import uuid

import pytest
from django.conf import settings

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.emails.models import Email, EmailLink, EmailTemplate
from kontor.suitecrm.run import migrate

pytestmark = pytest.mark.django_db

FIRST = "118ab694-1545-c114-1243-6b15cac8378f"


@pytest.fixture
def migrated(suitecrm_journey, actor):
    return migrate(suitecrm_journey, actor=actor)


def _live_pairs(suitecrm, model, module):
    """(email id, record id) of the live links of `module` whose record Kontor holds."""
    pairs = suitecrm.rows(
        "SELECT DISTINCT email_id, bean_id FROM emails_beans WHERE deleted = 0"
        " AND bean_module = %s",
        [module],
    )
    held = set(model.with_deleted.values_list("pk", flat=True))
    return {(uuid.UUID(e), uuid.UUID(b)) for e, b in pairs if uuid.UUID(b) in held}


def _links(model):
    return set(
        EmailLink.objects.filter(content_type__model=model._meta.model_name).values_list(
            "email_id", "object_id"
        )
    )


def test_every_email_arrives_with_its_text_and_addresses(suitecrm_journey, migrated):
    assert Email.with_deleted.count() == suitecrm_journey.scalar("SELECT COUNT(*) FROM emails")
    row = suitecrm_journey.dicts(
        "SELECT e.name, e.type, e.status, e.parent_id, e.date_sent_received, t.from_addr,"
        " t.to_addrs, t.description, t.description_html FROM emails e"
        " JOIN emails_text t ON t.email_id = e.id WHERE e.id = %s",
        [FIRST],
    )[0]
    email = Email.objects.get(pk=FIRST)
    assert (email.name, email.type, email.status) == (row["name"], row["type"], row["status"])
    assert (email.from_addr, email.to_addrs) == (row["from_addr"], row["to_addrs"])
    assert email.description == row["description"]
    assert email.description_html == row["description_html"]
    assert email.date_sent.replace(tzinfo=None) == row["date_sent_received"]
    assert email.parent_id == uuid.UUID(row["parent_id"]) and email.parent.pk == email.parent_id
    assert email.assigned_user.username == "max"


def test_each_mail_is_linked_to_the_records_suitecrm_logged_it_on(suitecrm_journey, migrated):
    contacts = _live_pairs(suitecrm_journey, Contact, "Contacts")
    accounts = _live_pairs(suitecrm_journey, Account, "Accounts")
    assert len(contacts) > 150 and len(accounts) > 150
    assert _links(Contact) == contacts
    assert _links(Account) == accounts
    assert migrated.counts["emails_beans"]["created"] == len(contacts) + len(accounts)


def test_a_second_run_adds_nothing_and_drops_a_link_suitecrm_took_back(
    suitecrm_journey, suitecrm_damaged, actor, migrated
):
    before = (Email.with_deleted.count(), EmailLink.objects.count())
    again = migrate(suitecrm_journey, actor=actor)
    assert (again.counts["emails"]["created"], again.counts["emails"]["updated"]) == (0, 0)
    assert again.counts["emails_beans"]["created"] == 0
    assert (Email.with_deleted.count(), EmailLink.objects.count()) == before
    (email_id, contact_id) = suitecrm_journey.rows(
        "SELECT email_id, bean_id FROM emails_beans WHERE deleted = 0 AND bean_module ="
        " 'Contacts' ORDER BY id LIMIT 1"
    )[0]
    taken_back = suitecrm_damaged(
        "UPDATE emails_beans SET deleted = 1, date_modified = NOW() WHERE email_id ="
        f" '{email_id}' AND bean_id = '{contact_id}'"
    )
    third = migrate(taken_back, actor=actor)
    assert third.counts["emails_beans"]["updated"] == 1
    assert not EmailLink.objects.filter(email_id=email_id, object_id=contact_id).exists()
    assert EmailLink.objects.count() == before[1] - 1


def test_templates_arrive_in_the_installations_language(suitecrm_journey, migrated):
    names = {
        r[0] for r in suitecrm_journey.rows("SELECT name FROM email_templates WHERE deleted = 0")
    }
    language = settings.LANGUAGE_CODE.split("-")[0]
    assert (
        set(EmailTemplate.objects.filter(language=language).values_list("name", flat=True)) == names
    )
    opt_in = EmailTemplate.objects.get(name="Confirmed Opt In")
    assert opt_in.type == "system" and opt_in.subject == "Confirm Opt In"
    assert "\\n" not in opt_in.body and "\n Please confirm" in opt_in.body
    assert "$contact_first_name" in opt_in.body_html


def test_a_template_kontor_refuses_is_reported_and_the_others_arrive(suitecrm_damaged, actor):
    damaged = suitecrm_damaged(
        "UPDATE email_templates SET body = '', body_html = '' WHERE name = 'Case Closure'"
    )
    report = migrate(damaged, actor=actor, modules=["email_templates"])
    assert not EmailTemplate.objects.filter(name="Case Closure").exists()
    assert EmailTemplate.objects.count() == report.counts["email_templates"]["created"] == 9
    (problem,) = [p for p in report.problems if p.table == "email_templates"]
    assert problem.message.endswith("Left out.")
