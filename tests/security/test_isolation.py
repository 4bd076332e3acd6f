"""Isolation over every route of the portal.

Every URL pattern outside the staff admin must have a case, and every Wagtail page type a
page case; a new route or page type without one fails `test_every_route_has_a_case`. The
spine's routes have their cases here; each installed app's are found in its own test folder
(`tests/<app label>/isolation_cases.py`, see cases.py), so this folder names no tool.
For each object route: anonymous visitors are sent to the login page (and back), then an
outsider (contact of another workspace), a revoked contact, a contact removed from the
workspace and a member without the object grant get 404, all before the permitted contact
gets the page (so a case cannot pass by answering 404 to everybody, and a refusal cannot come
from the permitted POST having changed the object first).
"""

import importlib
import importlib.util
from contextvars import ContextVar

import pytest
from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex, get_page_models

from portal_pages.models import ContentPage, PortalHomePage
from workspaces.models import WorkspacePage

from ..factories import publish
from .cases import ACCOUNT, NOBODY, NOT_FOUND, OBJECT, PAGES, PUBLIC, Case

pytestmark = pytest.mark.django_db
case_world = ContextVar("case_world")

STAFF_AREA = ("admin/",)

def _doc_url(w):
    return w.document.url


ROUTES = {
    "portal:login": Case(PUBLIC, lambda w: reverse("portal:login")),
    "portal:magic_sent": Case(PUBLIC, lambda w: reverse("portal:magic_sent")),
    "portal:magic_link": Case(PUBLIC, lambda w: reverse("portal:magic_link") + "?token=x"),
    "portal:magic_confirm": Case(PUBLIC, lambda w: reverse("portal:magic_confirm")),
    "wagtail_login_redirect": Case(PUBLIC, lambda w: "/_util/login/",
                                   anonymous_to=lambda w, url: reverse("portal:login")),
    # Shadowed by wagtail_login_redirect above: the same URL, never reached.
    "wagtailcore_login": Case(PUBLIC, lambda w: "/_util/login/",
                              anonymous_to=lambda w, url: reverse("portal:login")),
    # Logging out and leaving a preview need no session: anonymous visitors land where a
    # signed-in contact would.
    "portal:logout": Case(ACCOUNT, lambda w: reverse("portal:logout"), method="post",
                          anonymous_to=lambda w, url: reverse("portal:login"),
                          redirect_to=lambda w: reverse("portal:login")),
    "portal:set_password": Case(ACCOUNT, lambda w: reverse("portal:set_password")),
    "portal:profile": Case(ACCOUNT, lambda w: reverse("portal:profile")),
    # contact_a has one workspace: the switcher takes them there.
    "portal:switcher": Case(ACCOUNT, lambda w: reverse("portal:switcher"),
                            redirect_to=lambda w: w.ws_a.url),
    "portal:preview_exit": Case(ACCOUNT, lambda w: reverse("portal:preview_exit"),
                                method="post",
                                anonymous_to=lambda w, url: reverse("portal:switcher"),
                                redirect_to=lambda w: reverse("portal:switcher")),
    # A library document answers anonymous visitors 404: its address says nothing.
    "wagtaildocs_serve": Case(OBJECT, _doc_url, anonymous_to=NOT_FOUND),
    "wagtaildocs_authenticate_with_password": Case(
        NOBODY, lambda w: reverse("wagtaildocs_authenticate_with_password", args=[1])),
    "wagtailcore_authenticate_with_password": Case(
        NOBODY, lambda w: reverse("wagtailcore_authenticate_with_password",
                                  args=[1, w.page_a_private.pk])),
    "wagtail_serve": Case(PAGES),
}



def app_case_modules():
    """`tests.<label>.isolation_cases` of every installed app that has one, in the order of
    INSTALLED_APPS (an app's `build` may rely on those of the apps before it)."""
    modules = []
    for config in apps.get_app_configs():
        package = f"tests.{config.label}"
        if importlib.util.find_spec(package) is None:
            continue
        if importlib.util.find_spec(f"{package}.isolation_cases") is not None:
            modules.append(importlib.import_module(f"{package}.isolation_cases"))
    return modules


APP_CASES = app_case_modules()
for _module in APP_CASES:
    _clash = set(ROUTES) & set(_module.ROUTES)
    assert not _clash, f"{_module.__name__} repeats cases: {_clash}"
    ROUTES.update(_module.ROUTES)

PAGE_CASES = {
    PortalHomePage: Case(PUBLIC, lambda w: w.home.url),
    WorkspacePage: Case(OBJECT, lambda w: w.ws_a.url, object_grant=False),
    ContentPage: Case(OBJECT, lambda w: w.page_a_private.url),
}


def walk(patterns, prefix="", namespace=""):
    """(route, namespaced name or None) for every URL pattern under `patterns`."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else None
            yield route, name


def portal_routes():
    return [(route, name) for route, name in walk(get_resolver().url_patterns)
            if not route.startswith(STAFF_AREA)]


@pytest.fixture
def w(docs, bills):
    """The shared world with its files and invoices (the conftest's `docs` and `bills`
    layers), whatever else the installed apps' cases build (`build(world)`), and a CMS
    document linked only from A's private page."""
    world = docs
    for module in APP_CASES:
        if hasattr(module, "build"):
            module.build(world)
    document = get_document_model().objects.create(
        title="Payroll 2026", file=ContentFile(b"%PDF-1.4 salaries", name="payroll.pdf"))
    page = world.page_a_private.specific
    page.body = [("document", {"document": document, "label": "Payroll workbook"})]
    publish(page)
    ReferenceIndex.create_or_update_for_object(page)
    world.document = document
    return world


def test_every_route_has_a_case():
    missing = [f"{route} ({name or 'unnamed'})" for route, name in portal_routes()
               if name not in ROUTES]
    assert not missing, f"Routes without an isolation case: {missing}"
    stale = set(ROUTES) - {name for _route, name in portal_routes()}
    assert not stale, f"Cases for routes that no longer exist: {stale}"


def test_every_page_type_has_a_case():
    page_types = set(get_page_models()) - {Page}
    missing = page_types - set(PAGE_CASES)
    assert not missing, f"Page types without an isolation case: {missing}"


ALL_CASES = [(name, case) for name, case in ROUTES.items() if case.kind != PAGES] + [
    (f"page:{model.__name__}", case) for model, case in PAGE_CASES.items()
]


def _request(client, case, url):
    if case.data is not None:
        return getattr(client, case.method)(url, case.data(case_world.get()))
    return getattr(client, case.method)(url)


def login_redirect(url):
    return redirect_to_login(url)["Location"]


def assert_redirect(response, expected, who):
    assert response.status_code == 302, f"{who} got {response.status_code}"
    assert response["Location"] == expected, f"{who} was sent to {response['Location']}"


@pytest.mark.parametrize(("name", "case"), ALL_CASES, ids=[n for n, _c in ALL_CASES])
def test_route_isolation(name, case, w, client_for):
    url = case.url(w)
    case_world.set(w)
    anonymous = _request(client_for(None), case, url)
    if case.kind == PUBLIC:
        assert anonymous.status_code in (200, 302, 400), anonymous.status_code
        if anonymous.status_code == 302:
            assert case.anonymous_to, f"{name}: a public route redirects; say where to"
            assert_redirect(anonymous, case.anonymous_to(w, url), "anonymous")
        return
    if case.kind == NOBODY:
        for user in (None, w.contact_a, w.contact_b, w.revoked, w.contact_a2):
            assert _request(client_for(user), case, url).status_code == 404
        return
    if case.anonymous_to is NOT_FOUND:
        assert anonymous.status_code == 404, f"{name}: anonymous got {anonymous.status_code}"
    expected = (None if case.anonymous_to is NOT_FOUND else
                case.anonymous_to(w, url) if case.anonymous_to else login_redirect(url))
    if case.kind == ACCOUNT:
        assert_redirect(anonymous, expected, f"{name}: anonymous")
        mine = _request(client_for(w.contact_a), case, url)
        assert mine.status_code in (200, 302), f"{name}: the contact got {mine.status_code}"
        if mine.status_code == 302 or case.redirect_to:
            assert case.redirect_to, f"{name}: the contact is redirected; say where to"
            assert_redirect(mine, case.redirect_to(w), f"{name}: the contact")
        return

    # OBJECT: anonymous visitors log in first; everyone else but the permitted contact gets
    # 404, asked before the permitted contact's request can change anything.
    if expected is not None:
        assert_redirect(anonymous, expected, f"{name}: anonymous")
    refused = [("outsider", w.contact_b), ("revoked", w.revoked), ("removed", w.removed)]
    if case.object_grant:
        refused.append(("unpermitted", w.contact_a2))
    for persona, user in refused:
        response = _request(client_for(user), case, url)
        assert response.status_code == 404, f"{name}: {persona} got {response.status_code}"
    permitted = _request(client_for(w.contact_a), case, url)
    assert permitted.status_code in case.ok, f"{name}: the permitted contact got " \
                                         f"{permitted.status_code}"
    if case.redirect_to:
        assert_redirect(permitted, case.redirect_to(w), f"{name}: the permitted contact")


def test_staff_only_page_is_404_even_for_members(w, client_for):
    for user in (w.contact_a, w.contact_a2):
        assert client_for(user).get(w.page_a_staff.url).status_code == 404


def test_other_workspace_pages_are_404(w, client_for):
    assert client_for(w.contact_a).get(w.page_b.url).status_code == 404
    assert client_for(w.contact_a).get(w.ws_b.url).status_code == 404
    assert client_for(w.contact_b).get(w.page_b.url).status_code == 200


def test_public_page_outside_workspaces_is_open(w, client_for):
    response = client_for(None).get(w.public_page.url)
    assert response.status_code == 200
    assert "Privacy" in response.content.decode()


def test_unknown_paths_are_404(w, client_for):
    assert client_for(w.contact_a).get("/alpha/no-such-page/").status_code == 404
    assert client_for(w.contact_a).get("/no-such-workspace/").status_code == 404


def test_staff_may_download_cms_documents(w, client_for):
    assert client_for(w.staff).get(w.document.url).status_code == 200


def test_staff_of_another_team_may_not_download_cms_documents(w, client_for):
    from workspaces import grants
    from workspaces.models import WorkspaceTeamMember

    from ..factories import StaffFactory

    other = StaffFactory(email="bob@firm.test")
    WorkspaceTeamMember.objects.create(page=w.ws_b, user=other, role="Account manager")
    grants.sync_team(w.ws_b)
    assert client_for(other).get(w.document.url).status_code == 404
    response = client_for(w.staff).get(w.document.url)
    assert b"".join(response.streaming_content) == b"%PDF-1.4 salaries"
