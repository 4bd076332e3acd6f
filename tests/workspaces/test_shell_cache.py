"""The shell's cache never outlives what it was built from.

Each test first opens a page, so that the firm's part of the shell (per Site), the workspace's
part (menu links, team) and the contact's memberships are in the cache; then changes one thing
the way staff or the admin would, and checks the very next request.
"""

import pytest
from django.core.cache import cache
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from workspaces import access, shell_cache
from workspaces.models import FirmMenuLink, WorkspaceMenuLink, WorkspaceTeamMember

from ..factories import MembershipFactory, StaffFactory, WorkspacePageFactory, publish

pytestmark = pytest.mark.django_db


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode() if status == 200 else response


@pytest.fixture
def warm(world, client_for):
    """The contact's client, after one dashboard request has filled the cache."""
    client = client_for(world.contact_a)
    html = _page(client, world.ws_a.url)
    assert "Workspace A" in html and "Workspace B" not in html
    return client


# ---------------------------------------------------------------------------- access

def test_deactivated_membership_shuts_the_workspace_on_the_next_request(world, warm):
    membership = world.contact_a.memberships.get(workspace=world.ws_a)
    membership.is_active = False
    membership.save()
    _page(warm, world.ws_a.url, 404)
    _page(warm, world.page_a.url, 404)


def test_removed_membership_shuts_the_workspace_on_the_next_request(world, warm):
    world.contact_a.memberships.get(workspace=world.ws_a).delete()
    _page(warm, world.ws_a.url, 404)
    _page(warm, world.page_a.url, 404)


def test_portal_access_off_ends_the_session_on_the_next_request(world, warm):
    world.contact_a.portal_access = False
    world.contact_a.save()
    response = _page(warm, world.ws_a.url, 302)
    assert response["Location"].startswith("/login/")


def test_deactivated_account_is_signed_out_on_the_next_request(world, warm):
    world.contact_a.is_active = False
    world.contact_a.save()
    response = _page(warm, world.ws_a.url, 302)
    assert response["Location"].startswith("/login/")


def test_unpublished_workspace_is_gone_on_the_next_request(world, warm):
    world.ws_a.unpublish()
    _page(warm, world.ws_a.url, 404)
    assert "Workspace A" not in _page(warm, "/workspaces/?all=1")


def test_new_membership_shows_in_the_switcher_on_the_next_request(world, warm):
    MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    html = _page(warm, world.ws_a.url)
    assert "Workspace B" in html  # the switcher
    assert "Beta brief" in _page(warm, world.page_b.url)


def test_renamed_workspace_shows_in_the_shell_on_the_next_request(world, warm):
    MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    _page(warm, world.ws_a.url)
    world.ws_b.title = "Workspace Beta Renamed"
    publish(world.ws_b)
    assert "Workspace Beta Renamed" in _page(warm, world.ws_a.url)


def test_one_contacts_change_leaves_the_others_cache_alone(world, warm, client_for,
                                                          django_assert_num_queries):
    other = client_for(world.contact_a2)
    _page(other, world.ws_a.url)
    world.contact_a.memberships.get(workspace=world.ws_a).delete()
    # Arno's memberships are still cached: no membership query.
    user = type(world.contact_a2).objects.get(pk=world.contact_a2.pk)
    with django_assert_num_queries(0):
        assert access.membership(user, world.ws_a) is not None
    _page(warm, world.ws_a.url, 404)


# ---------------------------------------------------------------------------- shell

def test_firm_settings_change_shows_on_the_next_request(world, warm):
    world.firm.platform_name = "Renamed Advisers"
    world.firm.footer_text = "Registered in Utopia"
    world.firm.save()
    html = _page(warm, world.ws_a.url)
    assert "Renamed Advisers" in html and "Registered in Utopia" in html
    assert "Acme Advisers Portal" not in html


def test_login_method_switched_off_ends_the_session_on_the_next_request(world, warm):
    world.firm.allow_magic_link = False  # the contact signed in with a magic link
    world.firm.save()
    response = _page(warm, world.ws_a.url, 302)
    assert response["Location"].startswith("/login/")


def test_menu_links_follow_changes(world, warm):
    firm_link = FirmMenuLink.objects.create(settings=world.firm, label="Firm handbook",
                                            link_url="https://example.com/handbook")
    ws_link = WorkspaceMenuLink.objects.create(page=world.ws_a, label="Book a call",
                                               link_page=world.page_a)
    html = _page(warm, world.ws_a.url)
    assert "Firm handbook" in html and 'href="https://example.com/handbook"' in html
    assert "Book a call" in html and f'href="{world.page_a.url}"' in html

    world.page_a.slug = "brief-2026"
    publish(world.page_a)
    assert 'href="/alpha/brief-2026/"' in _page(warm, world.ws_a.url)

    firm_link.delete()
    ws_link.delete()
    html = _page(warm, world.ws_a.url)
    assert "Firm handbook" not in html and "Book a call" not in html


def test_team_follows_changes(world, warm):
    newcomer = StaffFactory(email="nina@firm.test", first_name="Nina", last_name="Newcomer")
    member = WorkspaceTeamMember.objects.create(page=world.ws_a, user=newcomer, role="Tax lead",
                                                sort_order=5)
    html = _page(warm, world.ws_a.url)
    assert "Nina Newcomer" in html and "Tax lead" in html and "nina@firm.test" in html

    newcomer.last_name = "Married"
    newcomer.save()
    assert "Nina Married" in _page(warm, world.ws_a.url)

    member.delete()
    assert "Nina Married" not in _page(warm, world.ws_a.url)


def test_logo_follows_changes(world, warm):
    Image = get_image_model()
    image = Image.objects.create(title="Logo", file=get_test_image_file(size=(300, 100)))
    world.firm.logo = image
    world.firm.save()
    html = _page(warm, world.ws_a.url)
    rendition = image.get_rendition("height-40")
    assert f'src="{rendition.url}"' in html and 'height="40"' in html and 'width="120"' in html

    image.delete()
    assert "brand-logo" not in _page(warm, world.ws_a.url)


def test_other_workspaces_do_not_share_the_workspace_part(world, client_for):
    WorkspaceMenuLink.objects.create(page=world.ws_a, label="Alpha only",
                                     link_url="https://example.com/a")
    assert "Alpha only" in _page(client_for(world.contact_a), world.ws_a.url)
    assert "Alpha only" not in _page(client_for(world.contact_b), world.ws_b.url)


def test_a_second_site_has_its_own_shell(world, client_for):
    from wagtail.models import Site

    from workspaces.models import FirmSettings

    from ..factories import PortalHomePageFactory

    other_home = PortalHomePageFactory(parent=world.home.get_parent(), slug="other-brand")
    other_site = Site.objects.create(hostname="other.test", port=80, root_page=other_home)
    other_firm = FirmSettings.for_site(other_site)
    other_firm.platform_name = "Other Brand Portal"
    other_firm.save()
    other_ws = publish(WorkspacePageFactory(parent=other_home, title="Other client",
                                            slug="other-client"))
    MembershipFactory(user=world.contact_a, workspace=other_ws)
    client = client_for(world.contact_a)
    assert "Acme Advisers Portal" in _page(client, world.ws_a.url)
    response = client.get("/other-client/", HTTP_HOST="other.test")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Other Brand Portal" in html and "Acme Advisers Portal" not in html


# ---------------------------------------------------------------------------- the cache

def test_an_entry_built_while_things_changed_is_not_trusted():
    """A request that read the rows before a change and stores its result after the change
    must not leave that result in use."""
    builds = []

    def build_then_change():
        builds.append("stale")
        shell_cache.invalidate(staff_edit=True)  # a change lands while this one was building
        return "stale"

    assert shell_cache.cached("portal:test:entry", build_then_change) == "stale"
    assert shell_cache.cached("portal:test:entry", lambda: "fresh") == "fresh"
    assert shell_cache.cached("portal:test:entry", lambda: "unused") == "fresh"


def test_a_change_is_bumped_again_after_its_commit(django_capture_on_commit_callbacks):
    """Between a change and its commit another request may rebuild from the old rows: the
    second bump, after the commit, throws that entry away."""
    with django_capture_on_commit_callbacks(execute=True):
        shell_cache.invalidate(user_ids=[42])
        # Another request, seeing the rows of before the commit, rebuilds now.
        assert shell_cache.cached("portal:test:user", lambda: "old rows", user_id=42) == \
            "old rows"
    assert shell_cache.cached("portal:test:user", lambda: "new rows", user_id=42) == "new rows"


def test_an_evicted_generation_does_not_revive_old_entries():
    assert shell_cache.cached("portal:test:evict", lambda: "before") == "before"
    cache.delete(shell_cache.SHELL_GENERATION)
    assert shell_cache.cached("portal:test:evict", lambda: "after") == "after"
