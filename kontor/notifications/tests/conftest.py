"""People of the notification tests: Rolf (sales manager, sees everything) acts; Nina is a
sales manager too; Sam is a sales rep in no team (sees only his own records)."""

import pytest
from django.test import Client

from kontor.core.testing_tools import run_queued_tasks
from kontor.users.actions import create_user


@pytest.fixture
def nina(db):
    return create_user(
        "nina",
        password="pw-nina-123!",
        first_name="Nina",
        last_name="Neu",
        email="nina@kontor.example",
        language="de",
        roles=["sales_manager"],
    )


@pytest.fixture
def sam(db):
    return create_user(
        "sam", password="pw-sam-123!", email="sam@kontor.example", roles=["sales_rep"]
    )


@pytest.fixture
def nina_client(nina):
    client = Client()
    client.force_login(nina)
    return client


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run `fn` as a request would, then its follow-up: the listeners after the commit and the
    tasks they queued, as a worker does."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            run_queued_tasks()
        run_queued_tasks()  # what those tasks queued after their commits (the outbox's sends)
        return result

    return run
