"""examples/shop.py runs against a live server: the whole e-commerce journey of
docs/integrations/ecommerce.md, webhook included."""

import importlib.util
import socket
import sys
from pathlib import Path

import pytest

from kontor.accounts.models import Account
from kontor.api.actions import create_token
from kontor.contacts.models import Contact
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.webhooks.actions import save_subscription
from kontor.webhooks.models import Delivery, Subscription

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "shop.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# serialized_rollback: the dropdown lists of the data migrations survive the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_shop_example_plays_the_journey(live_server, admin, settings, monkeypatch, capsys):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    port = free_port()
    subscription = save_subscription(
        Subscription(
            url=f"http://127.0.0.1:{port}/kontor", events=["converted"], record_types=["leads"]
        ),
        actor=admin,
    )
    key = create_token(admin, name="shop", actor=admin)[1]
    spec = importlib.util.spec_from_file_location("shop_example", EXAMPLE)
    shop = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shop)
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "shop.py",
            "--url",
            live_server.url,
            "--token",
            key,
            "--listen",
            str(port),
            f"--secret={subscription.secret}",
        ],
    )
    assert shop.main() == 0
    lead = Lead.objects.get()
    assert (lead.lifecycle_stage, lead.converted, lead.first_name) == ("MQL", True, "Erika")
    contact = Contact.objects.get()
    opportunity = Opportunity.objects.get()
    assert (opportunity.sales_stage, str(opportunity.amount)) == ("Closed Won", "249.90")
    assert opportunity.account == Account.objects.get() == contact.account
    assert f"customer number (contact) {contact.pk}" in capsys.readouterr().out
    assert Delivery.objects.get().status == "succeeded"
