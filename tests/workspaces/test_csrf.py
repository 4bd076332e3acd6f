"""Every `csrf_exempt` route of the project's own code has a CSRF test.

A view is exempt only to run the check itself, later (uploads: after the size limit is in; the
admin API: Django REST framework's session authentication). The tests that prove each one still
refuses a POST without the page's token live beside the tool (`tests/<app>/test_csrf.py`, which
list what they cover in CSRF_TESTED_ROUTES); a new exempt route without one fails here.
"""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parents[1]
API_ROUTES = {"wagtailadmin_api:documents:listing", "wagtailadmin_api:documents:detail",
              "wagtailadmin_api:documents:find"}
CSRF_TESTED_ROUTES = set(API_ROUTES)


def exempt_routes():
    """(route, name, view module) of every csrf_exempt URL pattern."""
    def walk(patterns, prefix="", namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern) and getattr(entry.callback, "csrf_exempt", False):
                name = f"{namespace}{entry.name}" if entry.name else None
                yield prefix + str(entry.pattern), name, entry.callback.__module__

    return list(walk(get_resolver().url_patterns))


def project_modules():
    """The top-level packages of the apps in this repository (not Wagtail's, not DRF's)."""
    root = Path(settings.BASE_DIR).resolve()
    return {config.name.split(".")[0] for config in apps.get_app_configs()
            if root in Path(config.path).resolve().parents and ".venv" not in config.path}


def routes_with_csrf_tests():
    tested = set()
    for path in sorted(TESTS.glob("*/test_csrf.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.test_csrf")
        tested |= set(module.CSRF_TESTED_ROUTES)
    return tested


def test_every_exempt_route_of_ours_has_a_csrf_test():
    ours = {name or route for route, name, module in exempt_routes()
            if module.split(".")[0] in project_modules()}
    assert {"documents:upload", "documents_admin:upload"} <= ours  # the walk finds them
    missing = ours - routes_with_csrf_tests()
    assert not missing, f"csrf_exempt routes without a CSRF test: {sorted(missing)}"


def test_the_admin_document_api_refuses_a_post_without_the_token(world):
    """The library API (portal_pages narrows Wagtail's) is read-only; DRF exempts it from the
    middleware and checks the session's token itself, so a forged POST from a logged-in
    editor's browser is refused before the method is even considered."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    listing = reverse("wagtailadmin_api:documents:listing")
    assert client.get(listing).status_code == 200
    for name in sorted(API_ROUTES):
        url = listing if name.endswith("listing") else (
            reverse(name) if name.endswith("find") else reverse(name, args=[1]))
        response = client.post(url, {"title": "Forged"})
        assert response.status_code == 403, (name, response.status_code)
        assert b"CSRF" in response.content

    # With the token of an admin form the POST passes the check, and meets a read-only API.
    page = client.get(reverse("wagtaildocs:add_multiple")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(listing, {"title": "Forged"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 405
