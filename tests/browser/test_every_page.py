"""Every page of Kontor, in German, on the demo data: a screenshot of each at desktop (1400 px)
and phone (390 px) width in test-results/screenshots/ for people to look at, no "serious" or
"critical" accessibility violation found by axe-core (npm package, `make static` installs it),
nothing wider than a phone's screen, no JavaScript error. A few pages are checked again in the
dark theme, whose colours must pass the same contrast rules.

One browser context and one sign-in walk all pages, so the whole walk stays well under three
minutes.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from kontor.core import registry
from kontor.demo.build import build_demo
from kontor.users.actions import update_profile

from .conftest import RESULTS

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = RESULTS / "screenshots"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Pages also checked in the dark theme (their screenshots are named dark-…).
DARK = ("home", "leads-list", "opportunities-detail", "leads-edit", "admin")

RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def every_page(admin) -> list[tuple[str, str, int]]:
    """(name, URL, expected status) of every page a signed-in administrator can open."""
    pages = [("home", "/", 200), ("search", "/search/?q=a", 200)]
    for module in registry.modules():
        model, slug = module.model, module.slug
        record = model.objects.visible_to(admin, "view").order_by("pk").first()
        pages += [
            (f"{slug}-list", f"/{slug}/", 200),
            (f"{slug}-create", f"/{slug}/new/", 200),
            (f"{slug}-trash", f"/{slug}/trash/", 200),
        ]
        if slug != "emails":  # the demo sends no e-mails: their list, form and trash are walked
            url = record.get_absolute_url()
            pages += [(f"{slug}-detail", url, 200), (f"{slug}-edit", f"{url}edit/", 200)]
    for slug in ("leads", "targets"):
        model = registry.get(slug).model
        open_record = model.objects.exclude(status="Converted").order_by("pk").first()
        pages.append((f"{slug}-convert", f"{open_record.get_absolute_url()}convert/", 200))
    pages += [
        ("import", "/imports/leads/", 200),
        ("admin", "/admin/", 200),
        ("studio-dropdowns", "/admin/studio/dropdowns/", 200),
        ("studio-dropdown", "/admin/studio/dropdowns/sales_stage_dom/", 200),
        ("studio-fields", "/admin/studio/fields/", 200),
        ("studio-fields-leads", "/admin/studio/fields/leads/", 200),
        ("studio-layout-leads", "/admin/studio/fields/leads/layout/", 200),
        ("studio-changes", "/admin/studio/changes/", 200),
        ("studio-import", "/admin/studio/import/", 200),
        ("admin-users", "/admin/users/", 200),
        ("admin-user-new", "/admin/users/new/", 200),
        ("admin-user", f"/admin/users/{admin.pk}/", 200),
        ("admin-user-access", f"/admin/users/{admin.pk}/access/", 200),
        ("admin-teams", "/admin/teams/", 200),
        ("admin-team-new", "/admin/teams/new/", 200),
        ("admin-roles", "/admin/roles/", 200),
        ("admin-role-new", "/admin/roles/new/", 200),
        ("admin-sign-ins", "/admin/sign-ins/", 200),
        ("admin-sign-in-throttles", "/admin/sign-in-throttles/", 200),
        ("admin-webforms", "/admin/webforms/", 200),
        ("admin-webform-new", "/admin/webforms/new/", 200),
        ("admin-webhooks", "/admin/webhooks/", 200),
        ("admin-webhook-new", "/admin/webhooks/new/", 200),
        ("settings", "/settings/", 200),
        ("settings-password", "/settings/password/", 200),
        ("settings-two-factor", "/settings/two-factor/", 200),
        ("settings-calendar-feed", "/settings/calendar-feed/", 200),
        ("calendar", "/calendar/", 200),
        ("calendar-month", "/calendar/?view=dayGridMonth", 200),
        ("notifications", "/notifications/", 200),
        ("mail-inbox", "/mailboxes/inbox/", 200),
        ("my-mailbox", "/mailboxes/mine/", 200),
        ("email-sender", "/emails/sender/", 200),
        ("not-found", "/no-such-page/", 404),
    ]
    return pages


def discovered(context, pages) -> list[tuple[str, str, int]]:
    """The administration menu's and the user settings' pages that `pages` does not name yet,
    so a page added there later is walked too."""
    known = {url for _name, url, _status in pages}
    page = context.new_page()
    found = []
    for start, links in (("/admin/", "#admin-menu a"), ("/settings/", "main a[id$='-link']")):
        page.goto(start)
        for href in page.eval_on_selector_all(links, "links => links.map(a => a.pathname)"):
            if href not in known:
                known.add(href)
                found.append((href.strip("/").replace("/", "-"), href, 200))
    page.close()
    return found


def check(page, name: str, url: str, status: int, *, axe: bool, shot: str) -> list[str]:
    """Open `url`, save its screenshot as `shot`, and return what is wrong with it."""
    problems = []
    response = page.goto(url)
    # What the page loads by itself (counts, fragments) has arrived once htmx is idle.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    if response is None or response.status != status:
        got = response.status if response else "no response"
        return [f"{name} {url}: status {got}, expected {status}"]
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)
    wider = page.evaluate(OVERFLOW)
    if wider > 1:
        problems.append(f"{shot} {url}: {wider}px wider than the screen")
    if axe:
        page.add_script_tag(path=str(AXE))
        problems += [f"{shot} {url}: {v}" for v in page.evaluate(RUN_AXE)]
    return problems


def walk(context, pages, *, axe: bool, prefix: str) -> list[str]:
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"{prefix} {page.url}: {error}"))
    problems = []
    for name, url, status in pages:
        problems += check(page, name, url, status, axe=axe, shot=f"{prefix}-{name}")
    page.close()
    return problems + errors


def test_every_page_in_german_is_accessible_and_fits_a_phone(browser, live_server):
    assert AXE.exists(), "axe-core is missing: run `make static`"
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin = build_demo().users["admin"]
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    client = Client()
    client.force_login(admin)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    pages = every_page(admin)
    dark_pages = [p for p in pages if p[0] in DARK]
    problems = []
    # The sign-in page comes first, before the session cookie is set.
    sign_in = [("sign-in", "/login/", 200), ("password-reset", "/password-reset/", 200)]
    # axe-core is added as a script the page did not ship, which Kontor's CSP would refuse.
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport=DESKTOP, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    try:
        problems += walk(context, sign_in, axe=True, prefix="desktop")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        pages += discovered(context, pages)
        problems += walk(context, pages, axe=True, prefix="desktop")
        context.add_init_script("localStorage.setItem('kontor-theme', 'dark')")
        problems += walk(context, dark_pages, axe=True, prefix="dark")
    finally:
        context.close()
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport=PHONE)
    context.set_default_timeout(15_000)
    try:
        problems += walk(context, sign_in, axe=False, prefix="phone")
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        problems += walk(context, pages, axe=False, prefix="phone")
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
