"""Tool routes come from the registry, and no page can take a slug that a route hides.

A page whose address a route matches first can never be opened: a workspace called `login`
(/login/ is the login page) or a page `billing` inside a workspace (/alpha/billing/ is the
billing tool's). The admin's page forms refuse such slugs, saying why, and `manage.py check`
reports pages that have one already.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import URLResolver, get_resolver, reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from portal_pages.models import ContentPage
from workspaces import registry, slugs
from workspaces.models import WorkspacePage

from ..factories import ContentPageFactory, WorkspacePageFactory, publish

pytestmark = pytest.mark.django_db


def add_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label,
                                                   model._meta.model_name, parent.pk])


def content_page_data(title, slug):
    return nested_form_data({
        "title": title, "slug": slug, "kind": "page", "summary": "", "visibility": "workspace",
        "body": streamfield([]), "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
        "action-publish": "publish",
    })


def workspace_data(title, slug):
    return nested_form_data({
        "title": title, "slug": slug, "welcome": rich_text(""), "status": "active",
        "enabled_tools": [], "tags": "",
        "team_members": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0,
                         "MAX_NUM_FORMS": 1000},
        "menu_links": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0,
                       "MAX_NUM_FORMS": 1000},
        "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
        "action-publish": "publish",
    })


def slug_error(response):
    form = response.context["form"]
    return " ".join(form.errors.get("slug", []))


# ---------------------------------------------------------------------------- tool routes

def test_tool_routes_are_the_registered_prefixes():
    """Every `/<workspace>/<x>/` route of the root URLconf is a registered tool's, mounting
    that tool's urlconf; every tool with a urlconf has one."""
    mounted = {}
    for entry in get_resolver().url_patterns:
        route = str(entry.pattern)
        if route.startswith("<slug:workspace>/"):
            assert isinstance(entry, URLResolver), route
            mounted[route.split("/")[1]] = entry.urlconf_name.__name__
    expected = {tool.prefix: tool.urlconf for tool in registry.tools.values() if tool.urlconf}
    assert mounted == expected
    assert {"files", "approvals", "billing", "reports"} <= set(mounted)
    assert reverse("billing:invoices", args=["alpha"]) == "/alpha/billing/"


def test_registry_refuses_a_prefix_taken_by_another_tool():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="both claim the prefix 'billing'"):
        registry.register_tool(registry.Tool(slug="ledger", label="Ledger", url_name="x",
                                             prefix="billing", urlconf="billing.urls"))
    with pytest.raises(ImproperlyConfigured, match="needs a prefix"):
        registry.register_tool(registry.Tool(slug="ledger", label="Ledger", url_name="x",
                                             prefix="Ledger Book", urlconf="billing.urls"))
    assert "ledger" not in registry.tools


def test_a_page_whose_slug_is_not_a_tool_prefix_is_served(world, client_for):
    page = publish(ContentPageFactory(parent=world.ws_a, title="Billing questions",
                                      slug="billing-faq"))
    response = client_for(world.contact_a).get(page.url)
    assert page.url == "/alpha/billing-faq/"
    assert response.status_code == 200
    assert "Billing questions" in response.content.decode()


# ---------------------------------------------------------------------------- reserved slugs

def test_reserved_top_level_slugs_come_from_the_urlconf():
    reserved = slugs.reserved_top_level()
    for segment in ("login", "logout", "account", "workspaces", "preview", "admin",
                    "documents", "_util", "static", "media"):
        assert segment in reserved
    # Converters and Wagtail's page pattern reserve nothing.
    assert not {s for s in reserved if "<" in s or "(" in s}
    assert "alpha" not in reserved


def test_admin_refuses_a_workspace_named_like_a_route(world, client_for):
    client = client_for(world.admin)
    response = client.post(add_url(WorkspacePage, world.home), workspace_data("Login", "login"))
    assert response.status_code == 200
    assert "/login/ is one of the portal's own addresses" in slug_error(response)
    assert not WorkspacePage.objects.filter(slug="login").exists()
    # The same form with a free slug creates the workspace.
    response = client.post(add_url(WorkspacePage, world.home),
                           workspace_data("Login Ltd", "login-ltd"))
    assert response.status_code == 302, slug_error(response)
    assert WorkspacePage.objects.filter(slug="login-ltd", live=True).exists()


def test_admin_refuses_a_page_named_like_a_tool_inside_a_workspace(world, client_for):
    client = client_for(world.admin)
    response = client.post(add_url(ContentPage, world.ws_a),
                           content_page_data("Billing", "billing"))
    assert response.status_code == 200
    message = slug_error(response)
    assert "/alpha/billing/ is where the Billing tool of every workspace lives" in message
    assert not ContentPage.objects.filter(slug="billing").exists()
    # The page editor shows the reason beside the field.
    assert "is where the Billing tool of every workspace lives" in response.content.decode()

    response = client.post(add_url(ContentPage, world.ws_a),
                           content_page_data("Billing", "billing-faq"))
    assert response.status_code == 302, slug_error(response)
    assert ContentPage.objects.get(slug="billing-faq").get_parent().pk == world.ws_a.pk


def test_admin_refuses_renaming_a_page_to_a_tool_prefix(world, client_for):
    client = client_for(world.admin)
    url = reverse("wagtailadmin_pages:edit", args=[world.page_a.pk])
    response = client.post(url, content_page_data("Alpha brief", "files"))
    assert response.status_code == 200
    assert "/alpha/files/ is where the Files tool" in slug_error(response)
    assert Page.objects.get(pk=world.page_a.pk).slug == "brief"


def test_tool_prefixes_are_free_deeper_down_and_at_the_top(world, client_for):
    """/alpha/brief/billing/ and /billing/ are not a tool's address: those slugs are free."""
    client = client_for(world.admin)
    response = client.post(add_url(ContentPage, world.page_a),
                           content_page_data("Billing", "billing"))
    assert response.status_code == 302, slug_error(response)
    response = client.post(add_url(ContentPage, world.home),
                           content_page_data("Billing", "billing"))
    assert response.status_code == 302, slug_error(response)
    assert client_for(None).get("/billing/").status_code == 200


def test_check_reports_existing_collisions(world):
    # Made in code (or by an older version), not through the admin form.
    login = publish(WorkspacePageFactory(parent=world.home, title="Login Ltd", slug="login"))
    billing = publish(ContentPageFactory(parent=world.ws_a, title="Billing", slug="billing"))
    publish(ContentPageFactory(parent=world.page_a, title="Deep billing", slug="billing"))
    with pytest.raises(SystemCheckError) as raised:
        call_command("check", stdout=StringIO(), stderr=StringIO())
    text = str(raised.value)
    assert "portal.E001" in text and f"(id {login.pk})" in text and "/login/" in text
    assert "portal.E002" in text and f"(id {billing.pk})" in text
    assert "/alpha/billing/ is the Billing tool's address" in text
    assert text.count("portal.E002") == 1  # the deeper page is served fine


def test_check_is_quiet_without_collisions(world):
    out = StringIO()
    call_command("check", stdout=out, stderr=StringIO())
    assert "no issues" in out.getvalue()


def test_every_page_type_uses_the_portal_page_form():
    assert slugs.check_page_forms() == []
