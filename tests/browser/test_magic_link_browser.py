"""A contact logs in with a magic link in a real browser and lands on the branded dashboard.

Headless Debian Chromium through Playwright, against pytest-django's live server (a thread
of this process: the locmem outbox receives the email the browser asked for).
"""

import re

import pytest
from django.core import mail

from .conftest import BRAND

pytestmark = pytest.mark.browser


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
