"""A contact logs in with a magic link in a real browser and lands on the branded dashboard.

Headless Debian Chromium through Playwright, against pytest-django's live server (a thread
of this process: the locmem outbox receives the email the browser asked for).
"""

import os
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from wagtail.models import Locale, Page, Site

from ..conftest import build_world

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BRAND = "#7a1f5c"


def _wagtail_baseline():
    """Locale, root page and default Site come from migrations; a transactional test that ran
    earlier flushed them, so put them back when missing."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(
            title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=root,
                            is_default_site=True)


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_world(transactional_db, live_server):
    from django.core.cache import cache

    _wagtail_baseline()
    world = build_world()
    host, port = re.match(r"https?://([^:/]+):(\d+)", live_server.url).groups()
    world.site.hostname, world.site.port = host, int(port)
    world.site.save()
    world.firm.primary_color = BRAND
    world.firm.save()
    cache.clear()  # Wagtail's cached site root paths still name the old host
    return world


def test_magic_link_login_lands_on_branded_dashboard(live_world, live_server, browser,
                                                     tmp_path):
    from playwright.sync_api import expect

    world = live_world
    mail.outbox.clear()
    page = browser.new_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/login/")
    magic_form = page.locator("form", has=page.locator("input[name=method][value=magic]"))
    magic_form.locator("input[name=email]").fill(world.contact_a.email)
    magic_form.get_by_role("button", name="Email me a login link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.contact_a.email]
    link = re.search(r"https?://\S+/login/link/\?token=\S+", message.body).group(0)
    assert link.startswith(f"{live_server.url}/login/link/?token=")

    page.goto(link)
    assert page.url == f"{live_server.url}/login/link/confirm/"  # the token left the URL
    login = page.get_by_role("button", name="Log in")
    expect(login).to_be_visible()
    login.click()

    page.wait_for_url(f"{live_server.url}{world.ws_a.url}")
    expect(page.get_by_role("heading", level=1, name="Workspace A")).to_be_visible()
    expect(page.locator(".brand-name")).to_have_text("Acme Advisers Portal")
    main = page.locator("main")
    pages = main.get_by_role("region", name="Pages")
    expect(pages.get_by_role("link", name="Alpha brief")).to_be_visible()
    expect(pages.get_by_role("link", name="Alpha payroll")).to_be_visible()
    expect(main).not_to_contain_text("Alpha risk notes")
    expect(main).to_contain_text(world.staff.get_full_name())
    brand = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--brand')")
    assert brand.strip().lower() == world.firm.primary_color.lower() == BRAND

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.exists() and shot.stat().st_size > 10_000
    page.close()
