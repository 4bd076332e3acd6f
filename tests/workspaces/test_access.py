"""Unit tests of the four-layer access policy (workspaces.access) and the tool registry."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import path, reverse
from django.views import View
from wagtail.models import Page

from portal_site import urls as site_urls
from workspaces import access, registry
from workspaces.models import (
    FirmSettings,
    Membership,
    PageGroupObjectPermission,
    PageUserObjectPermission,
    WorkspacePage,
)
from workspaces.registry import Tool, register_tool
from workspaces.views.portal import WorkspaceViewMixin

from ..factories import ContentPageFactory, MembershipFactory, publish

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------- a dummy tool

class DummyToolView(WorkspaceViewMixin, View):
    tool = "dummy"

    def get(self, request, *args, **kwargs):
        return HttpResponse(f"dummy tool of {request.workspace.title}")


# The registry's contract: a tool's url_name takes a `workspace` (slug) kwarg. No tool app is
# installed yet, so the menu test routes the dummy tool through this module's URLconf.
urlpatterns = [
    path("<slug:workspace>/dummy/", DummyToolView.as_view(), name="dummy_tool"),
    *site_urls.urlpatterns,
]


DUMMY_SWITCHES = (
    registry.FirmSwitch(key="dummy_on", label="Clients may use Dummy"),
    registry.FirmSwitch(key="dummy_upload", label="Clients may upload to Dummy",
                        actions=("upload",)),
)


@pytest.fixture
def dummy_tool():
    tool = register_tool(Tool(slug="dummy", label="Dummy", url_name="dummy_tool",
                              firm_switches=DUMMY_SWITCHES))
    yield tool
    registry.tools.pop("dummy", None)


@pytest.fixture
def pages_behind_dummy(world, dummy_tool):
    """Pages protected as if they belonged to the dummy tool, switched on in A."""
    from wagtail.models import Page

    original = registry.protected[Page]
    registry.protected[Page] = registry.Protected(
        Page, original.user_perm_model, original.group_perm_model, tool="dummy")
    world.ws_a.enabled_tools = ["dummy"]
    world.ws_a.save()
    yield
    registry.protected[Page] = original


def fresh(user):
    """The same person without the membership cache of earlier calls."""
    return type(user).objects.get(pk=user.pk)


def titles(queryset):
    return {page.title for page in queryset}


# ---------------------------------------------------------------------------- visible_pages

@pytest.mark.parametrize(("persona", "workspace", "expected"), [
    ("contact_a", "ws_a", {"Alpha brief", "Alpha payroll"}),
    ("contact_a2", "ws_a", {"Alpha brief"}),
    ("contact_b", "ws_a", set()),
    ("contact_b", "ws_b", {"Beta brief"}),
    ("contact_a", "ws_b", set()),
    ("revoked", "ws_a", set()),
    ("removed", "ws_a", set()),
    ("staff", "ws_a", set()),
    ("admin", "ws_a", set()),
    ("admin", "ws_b", set()),
])
def test_visible_pages_per_persona(world, persona, workspace, expected):
    user = getattr(world, persona)
    assert titles(access.visible_pages(user, getattr(world, workspace))) == expected


def test_visible_pages_anonymous(world):
    assert titles(access.visible_pages(AnonymousUser(), world.ws_a)) == set()


def test_visible_pages_never_include_staff_only_or_unpublished(world):
    draft = ContentPageFactory(parent=world.ws_a, title="Alpha draft", slug="draft")
    draft.unpublish()
    assert "Alpha draft" not in titles(access.visible_pages(world.contact_a, world.ws_a))
    assert "Alpha risk notes" not in titles(access.visible_pages(world.contact_a, world.ws_a))


def _count_visible_queries(django_assert_num_queries, user, workspace, expected_len):
    user = fresh(user)
    assert access.membership(user, workspace) is not None  # primes the per-user cache
    with django_assert_num_queries(1):
        pages = list(access.visible_pages(user, workspace))
    assert len(pages) == expected_len


@pytest.mark.parametrize(("persona", "base", "extra"), [
    ("contact_a", 2, 50), ("contact_a2", 1, 50),
])
def test_visible_pages_is_one_query_whatever_the_number_of_pages(
        world, django_assert_num_queries, persona, base, extra):
    user = getattr(world, persona)
    _count_visible_queries(django_assert_num_queries, user, world.ws_a, base)

    for n in range(extra):
        publish(ContentPageFactory(parent=world.ws_a, title=f"Extra {n}", slug=f"extra-{n}"))
    # Also pages the contact may not see: they must not add queries either.
    for n in range(5):
        publish(ContentPageFactory(parent=world.ws_a, title=f"Hidden {n}", slug=f"hidden-{n}",
                                   visibility="staff"))

    _count_visible_queries(django_assert_num_queries, user, world.ws_a, base + extra)


def test_membership_lookup_is_cached_on_the_user(world, django_assert_num_queries):
    user = fresh(world.contact_a)
    with django_assert_num_queries(1):
        access.membership(user, world.ws_a)
    with django_assert_num_queries(0):
        access.membership(user, world.ws_a)
    # The next request's user object: from the shared cache, until a membership changes.
    unprimed = fresh(world.contact_a)
    with django_assert_num_queries(1):  # the page query only
        list(access.visible_pages(unprimed, world.ws_a))
    membership = unprimed.memberships.get(workspace=world.ws_a)
    membership.is_active = False
    membership.save()
    after = fresh(world.contact_a)
    with django_assert_num_queries(1):  # the membership lookup; no page query for a non-member
        assert not access.visible_pages(after, world.ws_a).exists()


# ---------------------------------------------------------------------------- explain

def _deciding(user, action, obj, allowed):
    explanation = access.explain(user, action, obj)
    assert explanation.allowed is allowed
    assert len(explanation.steps) == 4
    assert [s.layer for s in explanation.steps] == [
        access.GLOBAL, access.TOOL, access.MEMBER, access.OBJECT]
    return explanation.deciding


def test_explain_member_with_group_grant(world):
    step = _deciding(world.contact_a2, "view", world.page_a, True)
    assert step.layer == access.OBJECT
    assert step.reason == "Granted to everyone in the workspace."


def test_explain_personal_grant(world):
    step = _deciding(world.contact_a, "view", world.page_a_private, True)
    assert step.layer == access.OBJECT
    assert step.reason == "Granted to this contact personally."


def test_explain_not_granted(world):
    step = _deciding(world.contact_a2, "view", world.page_a_private, False)
    assert step.layer == access.OBJECT
    assert step.reason == "Not granted to this contact or to the whole workspace."
    assert str(step.layer_label) == "Object permission"


def test_explain_staff_only_page(world):
    step = _deciding(world.contact_a, "view", world.page_a_staff, False)
    assert step.layer == access.OBJECT
    assert step.reason == "Marked firm staff only."


def test_explain_revoked_is_refused_at_membership(world):
    # Revoked still holds a personal grant on the private page: membership decides.
    step = _deciding(world.revoked, "view", world.page_a_private, False)
    assert step.layer == access.MEMBER
    assert step.reason == "Portal access is switched off for this contact."


def test_explain_removed_is_refused_at_membership(world):
    step = _deciding(world.removed, "view", world.page_a_private, False)
    assert step.layer == access.MEMBER
    assert step.reason == "Removed from this workspace."


def test_explain_outsider_is_refused_at_membership(world):
    step = _deciding(world.contact_b, "view", world.page_a, False)
    assert step.layer == access.MEMBER
    assert step.reason == "Not a member of this workspace."


def test_explain_workspace_itself(world):
    step = _deciding(world.contact_a2, "view", world.ws_a, True)
    assert step.layer == access.OBJECT
    assert step.reason == "Every active member sees the workspace dashboard."
    assert _deciding(world.contact_b, "view", world.ws_a, False).layer == access.MEMBER


def test_explain_workspace_fetched_as_plain_page_agrees_with_can_view_page(world):
    from wagtail.models import Page

    plain = Page.objects.get(pk=world.ws_a.pk)
    assert access.can_view_page(world.contact_a2, plain)
    assert access.may(world.contact_a2, "view", plain)
    step = access.explain(world.contact_a2, "view", plain).deciding
    assert step.reason == "Every active member sees the workspace dashboard."
    assert not access.may(world.contact_b, "view", plain)
    rows = {contact.email: e.allowed for contact, e in access.who_can_see(plain)}
    assert rows == {"ann@alpha.test": True, "arno@alpha.test": True,
                    "rex@alpha.test": False, "rita@alpha.test": False}


def test_explain_global_permission_off(world, pages_behind_dummy):
    assert access.explain(world.contact_a, "upload", world.page_a).steps[0].allowed
    world.firm.set_switch("dummy_upload", False)
    world.firm.save()
    step = _deciding(world.contact_a, "upload", world.page_a, False)
    assert step.layer == access.GLOBAL
    assert step.reason == "The firm does not let clients do this (Clients may upload to Dummy)."
    # The global layer is the ceiling: the same firm switch empties `visible` too, for that
    # action only.
    pages = type(world.page_a).objects.all()
    assert not access.visible(fresh(world.contact_a), world.ws_a, pages,
                              action="upload").exists()
    assert access.visible(fresh(world.contact_a), world.ws_a, pages).exists()
    assert access.explain(world.contact_a, "view", world.page_a).allowed


def test_action_switches_come_from_the_installed_tools(dummy_tool):
    gated = registry.action_switches()
    assert [s.key for s in gated[("dummy", "upload")]] == ["dummy_upload"]
    assert [s.key for s in gated[("files", "upload")]] == ["clients_may_upload"]
    assert not any(action in {"request", "message"} for _tool, action in gated)
    declared = {(tool.slug, s.key) for tool, s in registry.firm_switches()}
    assert {("files", "clients_may_upload"), ("billing", "clients_see_billing"),
            ("dummy", "dummy_on"), ("dummy", "dummy_upload")} <= declared


def test_explain_archived_workspace_refuses_changes_at_tool_layer(world):
    world.ws_a.status = WorkspacePage.Status.ARCHIVED
    world.ws_a.save()
    step = _deciding(world.contact_a, "upload", world.page_a, False)
    assert step.layer == access.TOOL
    assert step.reason == "The workspace is archived: read only."
    # Reading is still allowed.
    assert _deciding(world.contact_a, "view", world.page_a, True).layer == access.OBJECT
    assert titles(access.visible_pages(fresh(world.contact_a), world.ws_a)) == {
        "Alpha brief", "Alpha payroll"}


# ---------------------------------------------------------------------------- tool registry

def test_tools_for_follows_workspace_switch_and_firm_setting(world, dummy_tool):
    firm = FirmSettings.for_site(world.site)
    ws = world.ws_a
    assert access.tools_for(world.contact_a, ws, firm) == []
    assert not access.tool_available(world.contact_a, ws, firm, "dummy")

    ws.enabled_tools = ["dummy"]
    assert access.tools_for(world.contact_a, ws, firm) == [dummy_tool]
    assert access.tool_available(world.contact_a, ws, firm, "dummy")

    firm.set_switch("dummy_on", False)
    assert access.tools_for(world.contact_a, ws, firm) == []
    # An action switch leaves the tool open.
    firm.set_switch("dummy_on", True)
    firm.set_switch("dummy_upload", False)
    assert access.tools_for(world.contact_a, ws, firm) == [dummy_tool]
    for outsider in (world.contact_b, world.revoked, world.removed, world.staff, AnonymousUser()):
        assert access.tools_for(outsider, ws, firm) == []


def test_explain_names_the_tool_layers(world, pages_behind_dummy):
    # A protected model behind the dummy tool: the workspace's switch and the firm's switch
    # are named in the explanation.
    world.ws_a.enabled_tools = []
    world.ws_a.save()
    step = _deciding(world.contact_a, "view", world.page_a, False)
    assert (step.layer, step.reason) == (access.TOOL,
                                         "Dummy is switched off in this workspace.")
    world.ws_a.enabled_tools = ["dummy"]
    world.ws_a.save()
    assert _deciding(world.contact_a, "view", world.page_a, True).layer == access.OBJECT
    world.firm.set_switch("dummy_on", False)
    world.firm.save()
    step = _deciding(world.contact_a, "view", world.page_a, False)
    assert (step.layer, step.reason) == (access.GLOBAL,
                                         "The firm has switched Dummy off for clients.")


@pytest.mark.urls(__name__)
def test_dashboard_menu_shows_tool_only_when_allowed(world, dummy_tool, client_for):
    tool_url = reverse("dummy_tool", kwargs={"workspace": world.ws_a.slug})
    link = f'href="{tool_url}"'

    def menu_has_tool():
        response = client_for(world.contact_a).get(world.ws_a.url)
        assert response.status_code == 200
        return link in response.content.decode()

    assert not menu_has_tool()
    world.ws_a.enabled_tools = ["dummy"]
    world.ws_a.save()
    assert menu_has_tool()
    assert ">Dummy<" in client_for(world.contact_a).get(world.ws_a.url).content.decode()
    assert client_for(world.contact_a).get(tool_url).status_code == 200

    world.firm.set_switch("dummy_on", False)
    world.firm.save()
    assert not menu_has_tool()
    assert client_for(world.contact_a).get(tool_url).status_code == 404


def test_workspace_edit_form_has_tool_checkbox_only_when_registered(world, client_for):
    url = reverse("wagtailadmin_pages:edit", args=[world.ws_a.pk])
    response = client_for(world.admin).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="enabled_tools"' in html and 'value="files"' in html
    assert 'value="dummy"' not in html

    register_tool(Tool(slug="dummy", label="Dummy", url_name="dummy_tool",
                       firm_switches=DUMMY_SWITCHES))
    try:
        response = client_for(world.admin).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="enabled_tools"' in html
        assert 'value="dummy"' in html
    finally:
        registry.tools.pop("dummy", None)


# ---------------------------------------------------------------------------- WorkspaceViewMixin

def _call_view(user, workspace):
    request = RequestFactory().get(f"/{workspace.slug}/dummy/")
    request.user = user
    try:
        return DummyToolView.as_view()(request, workspace=workspace.slug)
    except Http404:
        return HttpResponse(status=404)


def test_workspace_view_mixin(world, dummy_tool):
    ws = world.ws_a
    # Switched off in the workspace: 404 even for the member.
    assert _call_view(fresh(world.contact_a), ws).status_code == 404

    ws.enabled_tools = ["dummy"]
    ws.save()
    response = _call_view(fresh(world.contact_a), ws)
    assert response.status_code == 200
    assert response.content == b"dummy tool of Workspace A"

    for outsider in (world.contact_b, world.revoked, world.removed, world.staff):
        assert _call_view(fresh(outsider), ws).status_code == 404
    # A slug that exists under no Site's home, or not at all.
    request = RequestFactory().get("/nowhere/dummy/")
    request.user = fresh(world.contact_a)
    with pytest.raises(Http404):
        DummyToolView.as_view()(request, workspace="nowhere")

    anonymous = _call_view(AnonymousUser(), ws)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:login") + "?next=")

    # Switched off by the firm for every workspace: 404 again.
    world.firm.set_switch("dummy_on", False)
    world.firm.save()
    assert _call_view(fresh(world.contact_a), ws).status_code == 404


def test_workspace_view_mixin_archived_workspace_still_opens(world, dummy_tool):
    ws = world.ws_a
    ws.enabled_tools = ["dummy"]
    ws.status = WorkspacePage.Status.ARCHIVED
    ws.save()
    assert _call_view(fresh(world.contact_a), ws).status_code == 200


# ---------------------------------------------------------------------------- page visibility

def _grants(page):
    return (
        set(PageGroupObjectPermission.objects.filter(content_object_id=page.pk)
            .values_list("group_id", flat=True)),
        set(PageUserObjectPermission.objects.filter(content_object_id=page.pk)
            .values_list("user_id", flat=True)),
    )


def test_republishing_as_staff_only_removes_grants(world):
    assert _grants(world.page_a) == ({world.ws_a.client_group_id}, set())
    page = world.page_a.specific
    page.visibility = "staff"
    publish(page)
    assert _grants(page) == (set(), set())
    for user in (world.contact_a, world.contact_a2):
        assert "Alpha brief" not in titles(access.visible_pages(fresh(user), world.ws_a))
    step = access.explain(world.contact_a, "view", page).deciding
    assert step.reason == "Marked firm staff only."


def test_republishing_private_page_as_staff_only_removes_personal_grants(world):
    assert _grants(world.page_a_private)[1] == {
        world.contact_a.pk, world.revoked.pk, world.removed.pk}
    page = world.page_a_private.specific
    page.visibility = "staff"
    publish(page)
    assert _grants(page) == (set(), set())


def test_republishing_as_selected_grants_only_the_chosen(world):
    page = world.page_a.specific
    page.visibility = "selected"
    page.visible_to.set([world.contact_a2])
    publish(page)
    assert _grants(page) == (set(), {world.contact_a2.pk})
    assert "Alpha brief" in titles(access.visible_pages(fresh(world.contact_a2), world.ws_a))
    assert "Alpha brief" not in titles(access.visible_pages(fresh(world.contact_a), world.ws_a))
    assert access.explain(world.contact_a2, "view", page).deciding.reason == (
        "Granted to this contact personally.")


def test_republishing_as_workspace_grants_the_client_group(world):
    page = world.page_a_private.specific
    page.visibility = "workspace"
    publish(page)
    assert _grants(page) == ({world.ws_a.client_group_id}, set())
    assert "Alpha payroll" in titles(access.visible_pages(fresh(world.contact_a2), world.ws_a))


# ---------------------------------------------------------------------------- membership

def test_deactivating_membership_removes_contact_from_client_group(world):
    group = world.ws_a.client_group
    user = world.contact_a2
    assert user.groups.filter(pk=group.pk).exists()
    assert access.explain(user, "view", world.page_a).allowed

    membership = Membership.objects.get(user=user, workspace=world.ws_a)
    membership.is_active = False
    membership.save()

    assert not user.groups.filter(pk=group.pk).exists()
    explanation = access.explain(user, "view", world.page_a)
    assert not explanation.allowed
    assert explanation.deciding.layer == access.MEMBER
    assert explanation.deciding.reason == "Removed from this workspace."
    # The workspace's group grant no longer reaches them either.
    assert explanation.steps[3].allowed is False
    assert explanation.steps[3].reason == ("Granted to everyone in the workspace, which this "
                                           "contact is not an active member of.")
    assert titles(access.visible_pages(fresh(user), world.ws_a)) == set()

    membership.is_active = True
    membership.save()
    assert user.groups.filter(pk=group.pk).exists()
    assert titles(access.visible_pages(fresh(user), world.ws_a)) == {"Alpha brief"}


def test_membership_of_one_workspace_does_not_open_another(world):
    MembershipFactory(user=world.contact_a2, workspace=world.ws_b)
    user = fresh(world.contact_a2)
    assert titles(access.visible_pages(user, world.ws_b)) == {"Beta brief"}
    assert titles(access.visible_pages(user, world.ws_a)) == {"Alpha brief"}
    assert [ws.slug for ws in access.workspaces_for(user)] == ["alpha", "beta"]


# -- audiences narrow down the tree ------------------------------------------------------


def _titles(user, workspace):
    return set(access.visible_pages(user, workspace).values_list("title", flat=True))


def test_nothing_under_a_staff_only_page_is_shown(world, client_for):
    child = publish(ContentPageFactory(parent=world.page_a_staff, title="Risk detail",
                                       slug="detail"))
    assert "Risk detail" not in _titles(world.contact_a, world.ws_a)
    assert client_for(world.contact_a).get(child.url).status_code == 404


def test_a_page_under_a_private_page_is_only_for_the_chosen(world, client_for):
    child = publish(ContentPageFactory(parent=world.page_a_private, title="Payslips",
                                       slug="payslips"))
    assert "Payslips" in _titles(world.contact_a, world.ws_a)
    assert "Payslips" not in _titles(world.contact_a2, world.ws_a)
    assert client_for(world.contact_a2).get(child.url).status_code == 404
    assert client_for(world.contact_a).get(child.url).status_code == 200


def test_unpublishing_a_page_hides_its_subtree_and_republishing_restores_it(world, client_for):
    child = publish(ContentPageFactory(parent=world.page_a, title="Brief annex", slug="annex"))
    assert "Brief annex" in _titles(world.contact_a, world.ws_a)
    world.page_a.specific.unpublish()
    assert "Brief annex" not in _titles(world.contact_a, world.ws_a)
    assert client_for(world.contact_a).get(child.url).status_code == 404
    publish(world.page_a.specific)
    assert "Brief annex" in _titles(world.contact_a, world.ws_a)


def test_moving_a_page_under_a_staff_only_page_hides_it(world):
    world.page_a.specific.move(world.page_a_staff, pos="last-child")
    assert "Alpha brief" not in _titles(world.contact_a, world.ws_a)


def test_single_objects_are_fetched_through_the_policy(world):
    """Tool views fetch one object with get_visible_or_404: hidden and foreign answer 404."""
    pages = Page.objects.all()
    found = access.get_visible_or_404(world.contact_a, world.ws_a, pages,
                                      pk=world.page_a_private.pk)
    assert found.pk == world.page_a_private.pk
    for user, workspace, page in [
        (world.contact_a2, world.ws_a, world.page_a_private),  # no grant
        (world.contact_a, world.ws_a, world.page_a_staff),  # staff only
        (world.contact_a, world.ws_a, world.page_b),  # another workspace's page
        (world.contact_b, world.ws_a, world.page_a),  # not a member
        (world.revoked, world.ws_a, world.page_a_private),  # access off
    ]:
        with pytest.raises(Http404):
            access.get_visible_or_404(user, workspace, pages, pk=page.pk)
