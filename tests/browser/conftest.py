"""Browser fixtures: headless Debian Chromium through Playwright, against pytest-django's
live server (a thread of this process, so the locmem outbox sees the emails)."""

import os
import re

import pytest
from django.contrib.contenttypes.models import ContentType
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
    from playwright import sync_api

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is not installed: apt-get install chromium (.ci/run does)")
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


@pytest.fixture
def login_as(live_server):
    """Put a logged-in session for `user` into a Playwright browser context."""
    from django.test import Client

    def add(context, user):
        from ..portal_login import force_portal_login

        client = Client()
        force_portal_login(client, user)
        host = re.match(r"https?://([^:/]+)", live_server.url).group(1)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "domain": host, "path": "/"}])

    return add
