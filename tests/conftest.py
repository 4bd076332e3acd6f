"""Shared fixtures: a small portal and the personas every access test uses.

Personas: firm admin, staff member (team of A), contact of workspace A, a second contact of A
who lacks the object grant ("unpermitted"), contact of B ("outsider" to A), a contact of A
whose portal access is off ("revoked"), one removed from A, and anonymous.
"""

from dataclasses import dataclass

import pytest
from wagtail.models import Page, Site

from workspaces.models import FirmSettings, WorkspaceTeamMember

from .factories import (
    ContactFactory,
    ContentPageFactory,
    MembershipFactory,
    PortalHomePageFactory,
    StaffFactory,
    WorkspacePageFactory,
    publish,
)


@dataclass
class World:
    site: Site
    firm: FirmSettings
    home: Page
    ws_a: Page
    ws_b: Page
    page_a: Page
    page_a_private: Page
    page_a_staff: Page
    page_b: Page
    public_page: Page
    admin: object
    staff: object
    contact_a: object
    contact_a2: object
    contact_b: object
    revoked: object
    removed: object


def build_world():
    root = Page.get_first_root_node()
    home = PortalHomePageFactory(parent=root, slug="portal")
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.hostname = "testserver"
    site.port = 80
    site.save()
    firm = FirmSettings.for_site(site)
    firm.platform_name = "Acme Advisers Portal"
    firm.save()

    admin = StaffFactory(email="admin@firm.test", is_superuser=True)
    staff = StaffFactory(email="staff@firm.test")
    ws_a = publish(WorkspacePageFactory(parent=home, title="Workspace A", slug="alpha"))
    ws_b = publish(WorkspacePageFactory(parent=home, title="Workspace B", slug="beta"))
    WorkspaceTeamMember.objects.create(page=ws_a, user=staff, role="Account manager")
    publish(ws_a)

    contact_a = ContactFactory(email="ann@alpha.test", first_name="Ann")
    contact_a2 = ContactFactory(email="arno@alpha.test", first_name="Arno")
    contact_b = ContactFactory(email="bea@beta.test", first_name="Bea")
    revoked = ContactFactory(email="rex@alpha.test", first_name="Rex")
    removed = ContactFactory(email="rita@alpha.test", first_name="Rita")
    for user in (contact_a, contact_a2, revoked, removed):
        MembershipFactory(user=user, workspace=ws_a)
    MembershipFactory(user=contact_b, workspace=ws_b)
    removed_membership = removed.memberships.get()
    removed_membership.is_active = False
    removed_membership.save()
    revoked.portal_access = False
    revoked.save()

    page_a = publish(ContentPageFactory(parent=ws_a, title="Alpha brief", slug="brief"))
    page_a_private = ContentPageFactory(parent=ws_a, title="Alpha payroll", slug="payroll",
                                        visibility="selected")
    page_a_private.visible_to.set([contact_a, revoked, removed])
    publish(page_a_private)
    page_a_staff = publish(ContentPageFactory(parent=ws_a, title="Alpha risk notes",
                                              slug="risk", visibility="staff"))
    page_b = publish(ContentPageFactory(parent=ws_b, title="Beta brief", slug="brief"))
    public_page = publish(ContentPageFactory(parent=home, title="Privacy", slug="privacy"))
    return World(site, firm, home, ws_a, ws_b, page_a, page_a_private, page_a_staff, page_b,
                 public_page, admin, staff, contact_a, contact_a2, contact_b, revoked, removed)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(client, django_user_model):
    """A fresh test client logged in as the given user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return c

    return make
