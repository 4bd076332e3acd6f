"""Query counts of the portal's busiest pages are pinned, and do not grow with the data.

The first tests pin the counts on the `world` plus a little of every kind of data the pages
list (and check that the pages show what the contact cares about); the last one grows every
list ten-fold (workspaces the contact belongs to, pages in the workspace, contacts, firm team,
menu links) and insists on the very same numbers. A count that grows with the data is an N+1
in product code.

Counts are taken in the steady state: one warm-up request first, so that Wagtail's cached site
root paths are not counted on one side only. Reads of the shared cache (Redis in production)
must not grow either: `Page.url` without the request reads Wagtail's site root paths from the
cache once per page, so the shell and switcher build their links with the request.

Sessions are `cached_db` here, as in production (and in `bench/spine.py`): the session is read
from the cache, not the database. The shell's parts (firm settings and menu links per Site, the
workspace's menu links and team, the contact's memberships) come from the shared cache after
the warm-up request, so they cost no query; `test_shell_cache.py` checks that they follow
every change.
"""

import pytest
from django.core.cache import caches

from workspaces.models import FirmMenuLink, WorkspaceMenuLink, WorkspaceTeamMember

from ..factories import (
    ContactFactory,
    ContentPageFactory,
    MembershipFactory,
    StaffFactory,
    WorkspacePageFactory,
    publish,
)

pytestmark = pytest.mark.django_db

# user, site, page routing (3), Wagtail view restrictions (2), the child pages (content
# types + specific rows), recent activity. (Was 15 before the shell cache: memberships, firm
# settings, both kinds of menu links and the firm team were read on every request.)
DASHBOARD_QUERIES = 10
# user, site, page routing (5), the grant, Wagtail view restrictions (2), sub-pages.
CONTENT_PAGE_QUERIES = 11
# user, site.
SWITCHER_QUERIES = 2
# The dashboard with every tool switched on: the above, plus the tools' panels (recent files,
# pending approvals, the billing balance) and the billing audience behind the menu.
TOOLS_DASHBOARD_QUERIES = 18

SMALL = 2  # of every kind of list, before growing
FACTOR = 10


def _add_data(world, start, stop):
    """Items start..stop-1 of every list that the three pages show."""
    contact = world.contact_a
    for i in range(start, stop):
        if i > 0:  # ws_b is the contact's second workspace
            ws = publish(WorkspacePageFactory(parent=world.home, title=f"Extra workspace {i:02}",
                                              slug=f"extra-{i}"))
            MembershipFactory(user=contact, workspace=ws)
        # Pages inside workspace A: shared with everyone, chosen for the contact, or not.
        publish(ContentPageFactory(parent=world.ws_a, title=f"Shared page {i:02}",
                                   slug=f"shared-{i}"))
        chosen = ContentPageFactory(parent=world.ws_a, title=f"Chosen page {i:02}",
                                    slug=f"chosen-{i}", visibility="selected")
        chosen.visible_to.set([contact])
        publish(chosen)
        publish(ContentPageFactory(parent=world.ws_a, title=f"Staff page {i:02}",
                                   slug=f"staff-{i}", visibility="staff"))
        publish(ContentPageFactory(parent=world.page_a, title=f"Section {i:02}",
                                   slug=f"section-{i}"))
        # More contacts in the workspace, more firm team, more menu links of both kinds.
        MembershipFactory(user=ContactFactory(), workspace=world.ws_a)
        WorkspaceTeamMember.objects.create(
            page=world.ws_a, user=StaffFactory(first_name="Teammate", last_name=f"{i:02}"),
            role=f"Role {i:02}", sort_order=10 + i)
        WorkspaceMenuLink.objects.create(page=world.ws_a, label=f"Workspace link {i:02}",
                                         link_page=world.page_a, sort_order=i)
        WorkspaceMenuLink.objects.create(page=world.ws_a, label=f"External link {i:02}",
                                         link_url=f"https://example.com/{i}", sort_order=100 + i)
        FirmMenuLink.objects.create(settings=world.firm, label=f"Firm link {i:02}",
                                    link_page=world.public_page, sort_order=i)


@pytest.fixture(autouse=True)
def _sessions_as_in_production(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def data(world):
    MembershipFactory(user=world.contact_a, workspace=world.ws_b)
    _add_data(world, 0, SMALL)

    def grow():
        _add_data(world, SMALL, SMALL * FACTOR)

    world.grow = grow
    return world


def _get(client, url, num_queries, django_assert_num_queries):
    client.get(url)  # warm-up
    with django_assert_num_queries(num_queries):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _cache_reads(client, url, monkeypatch):
    """How many times one request (after a warm-up) reads the default cache."""
    client.get(url)
    cache = caches["default"]
    reads = []
    get, get_many = cache.get, cache.get_many
    with monkeypatch.context() as patch:
        patch.setattr(cache, "get", lambda key, *a, **kw: reads.append(key) or get(key, *a, **kw))
        patch.setattr(cache, "get_many",
                      lambda keys, *a, **kw: reads.extend(keys) or get_many(keys, *a, **kw))
        assert client.get(url).status_code == 200
    return len(reads)


def _titles_in(html, prefix, count):
    return all(f"{prefix} {i:02}" in html for i in range(count))


def test_dashboard_queries(data, client_for, django_assert_num_queries):
    html = _get(client_for(data.contact_a), data.ws_a.url, DASHBOARD_QUERIES,
                django_assert_num_queries)
    assert "Workspace A" in html
    assert "Alpha brief" in html and "Alpha payroll" in html
    assert _titles_in(html, "Shared page", SMALL) and _titles_in(html, "Chosen page", SMALL)
    assert "Alpha risk notes" not in html and "Staff page" not in html
    assert data.staff.get_full_name() in html and "Account manager" in html
    assert "Workspace B" in html  # the shell's switcher


def test_content_page_queries(data, client_for, django_assert_num_queries):
    html = _get(client_for(data.contact_a), data.page_a.url, CONTENT_PAGE_QUERIES,
                django_assert_num_queries)
    assert "Alpha brief" in html and _titles_in(html, "Section", SMALL)


def test_switcher_queries(data, client_for, django_assert_num_queries):
    html = _get(client_for(data.contact_a), "/workspaces/?all=1", SWITCHER_QUERIES,
                django_assert_num_queries)
    assert "Workspace A" in html and "Workspace B" in html and "Extra workspace 01" in html


def test_query_counts_do_not_grow_with_the_data(data, client_for, django_assert_num_queries,
                                                monkeypatch):
    client = client_for(data.contact_a)
    urls = [data.ws_a.url, data.page_a.url, "/workspaces/?all=1"]
    cache_reads = [_cache_reads(client, url, monkeypatch) for url in urls]
    data.grow()
    n = SMALL * FACTOR
    assert [_cache_reads(client, url, monkeypatch) for url in urls] == cache_reads

    html = _get(client, data.ws_a.url, DASHBOARD_QUERIES, django_assert_num_queries)
    assert _titles_in(html, "Shared page", n) and _titles_in(html, "Chosen page", n)
    assert "Alpha risk notes" not in html and "Staff page" not in html
    assert data.staff.get_full_name() in html
    assert _titles_in(html, "Teammate", n) and _titles_in(html, "Role", n)
    assert _titles_in(html, "Workspace link", n) and _titles_in(html, "External link", n)
    assert _titles_in(html, "Firm link", n)
    assert all(f"Extra workspace {i:02}" in html for i in range(1, n))  # the shell's switcher

    html = _get(client, data.page_a.url, CONTENT_PAGE_QUERIES, django_assert_num_queries)
    assert "Alpha brief" in html and _titles_in(html, "Section", n)
    assert _titles_in(html, "Workspace link", n) and _titles_in(html, "Firm link", n)

    html = _get(client, "/workspaces/?all=1", SWITCHER_QUERIES, django_assert_num_queries)
    assert "Workspace A" in html and "Workspace B" in html
    assert all(f"Extra workspace {i:02}" in html for i in range(1, n))
    assert _titles_in(html, "Firm link", n)


def _more_files_and_invoices(w, start, stop):
    """Files in a folder everyone in A sees, and issued invoices for A's billing contacts."""
    from datetime import date, timedelta
    from decimal import Decimal

    from billing import audience
    from billing.models import Invoice
    from documents.models import File

    File.objects.bulk_create([
        File(workspace=w.ws_a, folder=w.folder_a_shared, name=f"statement-{i:02}.pdf",
             size=1000 + i, content_type="application/pdf", created_by=w.staff)
        for i in range(start, stop)])
    invoices = [Invoice.objects.create(
        workspace=w.ws_a, currency="EUR", state=Invoice.State.ISSUED, number=f"INV-D-{i:04}",
        issue_date=date.today(), due_date=date.today() + timedelta(days=10 + i),
        subtotal=Decimal("100"), tax_total=Decimal("20"), total=Decimal("120"),
        created_by=w.staff) for i in range(start, stop)]
    w.ws_a._billing_profile = None
    audience.sync_invoices(w.ws_a, invoices)


def test_dashboard_with_every_tool_does_not_grow(data, docs, bills, client_for,
                                                 django_assert_num_queries):
    """Files, approvals, billing and reports switched on: their panels and menu entries cost
    the same whatever the number of pages, files and invoices."""
    w = data
    _more_files_and_invoices(w, 0, SMALL)
    client = client_for(w.contact_a)
    html = _get(client, w.ws_a.url, TOOLS_DASHBOARD_QUERIES, django_assert_num_queries)
    assert "statement-01.pdf" in html and ">Billing<" in html and ">Reports<" in html

    w.grow()
    _more_files_and_invoices(w, SMALL, SMALL * FACTOR)
    html = _get(client, w.ws_a.url, TOOLS_DASHBOARD_QUERIES, django_assert_num_queries)
    assert "statement-19.pdf" in html  # the most recent files
    assert _titles_in(html, "Shared page", SMALL * FACTOR)
    assert "Alpha risk notes" not in html
