"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser per test session, a fresh context (cookies, storage, viewport) per test. Every test
runs on a transactional database with serialized rollback, so the dropdown lists seeded by the
migrations are back for each test even though the live server's writes are committed.
"""

import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread

from kontor.users.actions import create_user

CHROMIUM = os.environ.get("KONTOR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
PASSWORD = "pw-bruno-123!"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last: from the first of them to the end of the session Playwright's
    event loop is running in the main thread, which other tests (asyncio, async_to_sync)
    should never see."""
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if browser_tests:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        items.extend(browser_tests)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One Chromium for the whole session."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # While Playwright's event loop runs, asgiref's Local (behind django.db.connections) hands
    # this thread a fresh, context-local set of connections. Keep using the ones the test
    # database was set up with: they carry the serialized seed data for rollbacks, and the
    # live server shares them for an in-memory SQLite database.
    setup_connections = {alias: connections[alias] for alias in connections}
    # Playwright's sync API keeps an event loop running in this thread; Django's ORM refuses
    # to run while one does unless told it is safe (it is: the loop never runs our database
    # code concurrently). Only for as long as the browser lives, which is the end of the run.
    unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            for alias, connection in setup_connections.items():
                connections[alias] = connection
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = unsafe


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server for an in-memory SQLite database: every request thread shares the test
    database's one connection, which two requests at once (a dashboard's widgets load side by
    side) can hang. Requests still arrive on their own threads and keep-alive connections; the
    application answers them one after the other."""

    def set_app(self, app):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return list(app(environ, start_response))

        super().set_app(one_at_a_time)


if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def _browser_db(transactional_db, django_db_serialized_rollback):
    """Committed writes the live server can see; seeded dropdowns restored for every test."""


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails the test on any uncaught JavaScript error."""
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def user():
    """Bruno, a sales manager (every record, no administration) who signs in through the
    browser."""
    return create_user(
        "bruno",
        password=PASSWORD,
        first_name="Bruno",
        last_name="Browser",
        email="bruno@kontor.example",
        roles=["sales_manager"],
    )


@pytest.fixture
def german(user):
    """Bruno, reading Kontor in German (the tests look for the German labels)."""
    user.profile.language = "de"
    user.profile.save()
    return user


def sign_in(page, context, user, live_server):
    """`page` with `user`'s session cookie already set (the sign-in form has its own test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


@pytest.fixture
def signed_in(page, context, user, live_server):
    """`page`, signed in as Bruno."""
    return sign_in(page, context, user, live_server)


@pytest.fixture
def admin_page(page, context, admin, live_server):
    """`page`, signed in as Ada, the administrator (the project's `admin` fixture)."""
    return sign_in(page, context, admin, live_server)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot into test-results/ (gitignored) for a human to look at."""
    RESULTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = RESULTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
