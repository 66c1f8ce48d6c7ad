"""docs/adding-a-module.md, done by a test: a scratch record type ("Cases") is generated as an
app of its own inside the tree, installed through a settings module that only adds it to
INSTALLED_APPS, migrated, and tested in a subprocess with its own database; then removed.

The generated tests prove it shows in the navigation, the role matrix, its list and detail
pages (the standard module tests), the API and the demo; that the one preset role it declares
a grant for (the sales manager) gets it after migrate and every other preset role but the
administrator is refused it; that its dropdown list is seeded and its subpanel appears on
accounts at the declared cost. The accounts tests run beside them with their pins unchanged;
no file appears outside the scratch app and the files a new type used to need edits in
(SHARED) stay as they were.
"""

import os
import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

APPS = """
from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "kontor.{app}"
    label = "{app}"
    verbose_name = "Cases"
"""

MODELS = """
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField
from kontor.core.models import Record, record_indexes


class Case(Record):
    name = models.CharField(_("Subject"), max_length=150)
    priority = DropdownField(_("Priority"), dropdown="case_priority_dom")
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("Account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Case")
        verbose_name_plural = _("Cases")
        indexes = record_indexes("{app}", "name", "date_entered", "priority")

    def __str__(self):
        return self.name
"""

MODULES = """
from django.utils.translation import gettext_lazy as _

from kontor.core.dropdown_seed import Dropdown
from kontor.core.grants import EVERYTHING
from kontor.core.registry import Module, RelatedTo, register
from kontor.{app}.models import Case

PRIORITY = Dropdown(
    "case_priority_dom",
    (("P1", "Urgent", "Dringend"), ("P2", "Normal", "Normal")),
    default="P2",
)


@register
class CaseModule(Module):
    model = Case
    slug = "{app}"
    nav = "more"
    order = 95
    icon = "life-preserver"
    list_columns = ("name", "priority", "account", "assigned_user", "date_entered")
    extra_columns = ("date_modified",)
    search_fields = ("name",)
    filters = ("priority", "assigned_user", "account")
    panels = ((_("Overview"), ("name", "priority", "account", "assigned_user", "description")),)
    related_to = (RelatedTo("accounts", "account"),)
    grants = {{"sales_manager": EVERYTHING}}
    dropdowns = (PRIORITY,)
    demo_factory = "kontor.{app}.demo.create_cases"
    api_example = {{"name": "Drucker defekt", "priority": "P1"}}
"""

DEMO = """
from kontor.core.actions import save_record
from kontor.{app}.models import Case


def create_cases(demo):
    for account in demo.records["accounts"][:3]:
        owner = account.assigned_user
        case = Case(name="Lieferung fehlt", priority="P1", account=account, assigned_user=owner)
        save_record(case, actor=owner)
"""

SEARCH_INDEX = """
from django.db import migrations

from kontor.core.search_index import CreateSearchIndex


class Migration(migrations.Migration):
    dependencies = [("{app}", "0001_initial")]
    operations = [CreateSearchIndex("case")]
"""

TEAMS_INDEX = """
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("{app}", "0002_search_index")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX {app}_teams_by_team ON {app}_case_teams (team_id, case_id)",
            "DROP INDEX {app}_teams_by_team",
        ),
    ]
"""

SETTINGS = """
from kontor.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "kontor.{app}"]  # noqa: F405
"""

TESTS = """
import factory
import pytest
from django.test import Client

from kontor.accounts.models import Account
from kontor.api.tests.conftest import token_client
from kontor.core import registry
from kontor.core.actions import save_record
from kontor.core.models import DropdownValue
from kontor.core.testing import (
    SUBPANEL_QUERIES,
    Invalid,
    RecordFactory,
    RecordModuleTests,
    count_queries,
)
from kontor.demo.build import build_demo
from kontor.users.actions import create_user
from kontor.users.models import Role
from kontor.{app}.models import Case

SLUG = "{app}"
REFUSING = ("sales_rep", "marketing", "external_lead_generation")


class CaseFactory(RecordFactory):
    class Meta:
        model = Case

    name = factory.Sequence(lambda n: f"Case {{n:04d}}")
    priority = "P2"


class TestCaseModule(RecordModuleTests):
    module_slug = SLUG
    factory = CaseFactory
    edit = ("name", "Drucker geht wieder")
    invalid_cases = [
        Invalid("missing-name", {{"name": None}}, "name", "This field is required."),
        Invalid(
            "unknown-priority",
            {{"priority": "P9"}},
            "priority",
            "Select a valid choice. P9 is not one of the available choices.",
        ),
    ]
    query_counts = {{"list": {list_pin}, "detail": {detail_pin}, "timeline": 10, "related": 4}}

    def valid_data(self):
        return {{"name": "Drucker defekt", "priority": "P1", "description": "Raum 4"}}


def test_it_shows_in_the_navigation_and_the_role_matrix(admin_client):
    page = admin_client.get("/")
    assert SLUG in [m.slug for m in page.context["nav_more"]]
    role = Role.objects.get(key="sales_rep")
    matrix = admin_client.get(f"/admin/roles/{{role.pk}}/")
    assert f'name="{{SLUG}}__access"' in matrix.content.decode()


def test_the_declared_grant_reaches_its_preset_role_after_migrate(db):
    assert Role.objects.get(key="sales_manager").grants[SLUG] == dict.fromkeys(
        ("access", "view", "list", "edit", "delete", "import", "export", "mass_update"), "all"
    )


def test_the_dropdown_list_is_seeded_with_german_labels(db):
    values = DropdownValue.objects.filter(dropdown__name="case_priority_dom").order_by("position")
    assert [(v.key, v.label_de, v.is_default) for v in values] == [
        ("P1", "Dringend", False),
        ("P2", "Normal", True),
    ]


@pytest.mark.parametrize("key", REFUSING)
def test_every_preset_role_but_the_administrator_is_refused(key, admin):
    assert SLUG not in Role.objects.get(key=key).grants
    user = create_user(f"user-{{key}}", password="pw-user-123!", roles=[key])
    case = save_record(Case(name="Geheim", priority="P1"), actor=admin)
    client = Client()
    client.force_login(user)
    assert client.get(f"/{{SLUG}}/").status_code == 404
    assert client.get(f"/{{SLUG}}/{{case.pk}}/").status_code == 404
    api = token_client(user)
    assert api.get(f"/api/v1/{{SLUG}}/").status_code == 404
    assert api.post(f"/api/v1/{{SLUG}}/", {{"name": "x"}}, format="json").status_code == 404
    assert list(Case.objects.values_list("name", flat=True)) == ["Geheim"]


def test_the_administrator_uses_it_through_the_api(admin):
    api = token_client(admin)
    body = registry.get(SLUG).get_api_example(admin)
    created = api.post(f"/api/v1/{{SLUG}}/", body, format="json")
    assert created.status_code == 201, created.content
    assert Case.objects.get(pk=created.json()["id"]).name == "Drucker defekt"
    assert api.get(f"/api/v1/{{SLUG}}/").json()["results"][0]["priority"] == "P1"


def test_its_subpanel_shows_on_accounts_at_the_declared_cost(admin):
    account = save_record(Account(name="Kunde AG"), actor=admin)
    save_record(Case(name="Lieferung fehlt", priority="P1", account=account), actor=admin)
    grants = Role.objects.get(key="sales_manager").grants
    del grants[SLUG]
    plain = Role.objects.create(name="Ohne", grants=grants)
    without = create_user("ohne", password="pw-ohne-123!", roles=[plain])
    every = dict.fromkeys(("access", "view", "list"), "all")
    role = Role.objects.create(name="Mit", grants={{**grants, SLUG: every}})
    with_cases = create_user("mit", password="pw-mit-123!", roles=[role])
    counts = []
    for user in (without, with_cases):
        client = Client()
        client.force_login(user)
        client.get(f"/accounts/{{account.pk}}/related/")
        url = f"/accounts/{{account.pk}}/related/"
        queries, page = count_queries(lambda c=client, url=url: c.get(url))
        counts.append(queries)
        panels = {{p["module"].slug: p for p in page.context["subpanels"]}}
        assert (SLUG in panels) == (user == with_cases)
    assert counts[1] - counts[0] == SUBPANEL_QUERIES
    assert [str(r) for r in panels[SLUG]["rows"]] != []


def test_the_demo_builds_its_records(db):
    build_demo(seed=3)
    assert Case.objects.count() == 3
    assert not Case.objects.filter(account__isnull=True).exists()
"""


def generate(app_dir: Path, app: str, list_pin: int, detail_pin: int) -> None:
    """Write the scratch app's files (everything but the generated first migration)."""
    files = {
        "__init__.py": "",
        "apps.py": APPS,
        "models.py": MODELS,
        "modules.py": MODULES,
        "demo.py": DEMO,
        "settings.py": SETTINGS,
        "migrations/__init__.py": "",
        "tests/__init__.py": "",
        "tests/test_cases.py": TESTS,
    }
    for name, text in files.items():
        path = app_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        filled = text.format(app=app, list_pin=list_pin, detail_pin=detail_pin)
        path.write_text(textwrap.dedent(filled).lstrip())


#: The files outside its app that adding a record type used to need edits in.
SHARED = (
    "kontor/settings.py",
    "pyproject.toml",
    "kontor/locale/de/LC_MESSAGES/django.po",
    "kontor/core/tests/query_counts.json",
    "kontor/core/dropdown_seed.py",
    "kontor/users/presets.py",
    "kontor/demo/build.py",
    "kontor/api/tests/data.py",
    "kontor/accounts/modules.py",
)


def snapshot() -> tuple:
    """The files under kontor/ (outside caches and scratch apps) and the SHARED files' text.

    Only what appears or disappears and the shared files are compared, so that files other
    people edit in the same working tree meanwhile do not count.
    """
    paths = {
        path
        for path in (ROOT / "kontor").rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not path.relative_to(ROOT / "kontor").parts[0].startswith("scratch")
    }
    return paths, {name: (ROOT / name).read_bytes() for name in SHARED}


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def scratch(tmp_path):
    """(app name, app folder, environment of the subprocesses); the folder goes afterwards."""
    app = f"scratch{uuid.uuid4().hex[:8]}"
    app_dir = ROOT / "kontor" / app
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": f"kontor.{app}.settings",
        "SQLITE_PATH": str(tmp_path / "scratch.sqlite3"),
        "KONTOR_UPDATE_QUERY_COUNTS": "",
    }
    if os.environ.get("DATABASE_URL"):
        env["TEST_DATABASE_NAME"] = f"test_{app}"
    try:
        yield app, app_dir, env
    finally:
        shutil.rmtree(app_dir, ignore_errors=True)


def test_a_new_record_type_needs_only_its_own_app(scratch):
    app, app_dir, env = scratch
    before = snapshot()
    generate(app_dir, app, list_pin=5, detail_pin=8)
    made = run(["manage.py", "makemigrations", app], env)
    assert made.returncode == 0, made.stdout + made.stderr
    migrations = app_dir / "migrations"
    (migrations / "0002_search_index.py").write_text(SEARCH_INDEX.format(app=app).lstrip())
    (migrations / "0003_teams_by_team_index.py").write_text(TEAMS_INDEX.format(app=app).lstrip())

    tests = run(
        [
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            f"--ds=kontor.{app}.settings",
            f"kontor/{app}/tests",
            "kontor/accounts/tests/test_accounts.py",
        ],
        env,
    )

    assert tests.returncode == 0, tests.stdout[:12000] + tests.stderr[-3000:]
    # The import contracts hold with the new app in the tree and no line of its own in them.
    layers = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert layers.returncode == 0, layers.stdout[-3000:]
    summary = tests.stdout.strip().splitlines()[-1]
    assert "skipped" not in summary and "deselected" not in summary, summary
    # The scratch app's 30 tests (the standard module tests among them) and the accounts tests.
    assert int(summary.split(" passed")[0].split()[-1]) >= 30 + 30, summary
    assert snapshot() == before, "a file outside the scratch app changed"
