"""Query counts of the contact's files pages are pinned, and do not grow with the files.

A folder granted to one contact (a per-folder grant, the case that needs the grant join)
lists 10 files, then 10,000: the very same number of queries, because the listing reads the
file rows (name, size, type, dates) with their current version and uploader in one query,
one page at a time, and the policy filters in SQL. The files root and search are pinned the
same way. Counts are taken after a warm-up request (Wagtail caches the site root paths).
"""

import pytest
from django.urls import reverse

from documents import services
from documents.models import File

pytestmark = pytest.mark.django_db

# session, user, site, workspace (by slug), the folder (through the policy), breadcrumbs,
# subfolders, file count, file page, upload and manage checks. The contact's memberships,
# firm settings and menu links come from the shell's cache (workspaces/shell_cache.py).
FOLDER_QUERIES = 11
# session, user, site, workspace, top folders with their file counts, recent files.
ROOT_QUERIES = 6
# session, user, site, workspace, result count, result page.
SEARCH_QUERIES = 6


def _add_files(w, folder, start, stop):
    File.objects.bulk_create([
        File(workspace=w.ws_a, folder=folder, name=f"scan-{i:05}.pdf", size=1000 + i,
             content_type="application/pdf", created_by=w.staff)
        for i in range(start, stop)], batch_size=2000)


@pytest.fixture
def ledger(docs):
    w = docs
    mine = {"everyone": False, "users": {w.contact_a.pk}}
    finance = services.create_folder(w.ws_a, "Finance", user=w.staff, grants={
        "view": mine, "upload": dict(mine), "manage": dict(mine)})
    w.ledger = services.create_folder(w.ws_a, "Ledger", parent=finance, user=w.staff)
    services.create_folder(w.ws_a, "Quarter 1", parent=w.ledger, user=w.staff)
    _add_files(w, w.ledger, 0, 10)
    return w


def _count(client, url, django_assert_num_queries, expected):
    assert client.get(url).status_code == 200  # warm-up
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_folder_listing_queries_do_not_grow_from_10_to_10000_files(
        ledger, client_for, django_assert_num_queries):
    w = ledger
    client = client_for(w.contact_a)
    url = reverse("documents:folder", args=[w.ws_a.slug, w.ledger.pk])
    html = _count(client, url, django_assert_num_queries, FOLDER_QUERIES)
    assert "scan-00009.pdf" in html and "Quarter 1" in html and "Finance" in html

    _add_files(w, w.ledger, 10, 10_000)
    html = _count(client, url, django_assert_num_queries, FOLDER_QUERIES)
    assert "scan-00099.pdf" in html and "scan-00100.pdf" not in html  # first page of 100
    assert "10000 files" in html
    # Another member of the workspace without the grant still gets nothing.
    assert client_for(w.contact_a2).get(url).status_code == 404


def test_root_and_search_queries_do_not_grow(ledger, client_for, django_assert_num_queries):
    w = ledger
    client = client_for(w.contact_a)
    root = reverse("documents:folder_root", args=[w.ws_a.slug])
    search = reverse("documents:search", args=[w.ws_a.slug]) + "?q=scan-0"
    html = _count(client, root, django_assert_num_queries, ROOT_QUERIES)
    assert 'class="folder-name">Finance<' in html
    assert 'class="folder-name">Ledger<' not in html  # inside Finance: not a top folder
    html = _count(client, search, django_assert_num_queries, SEARCH_QUERIES)
    assert "scan-00001.pdf" in html

    _add_files(w, w.ledger, 10, 10_000)
    html = _count(client, root, django_assert_num_queries, ROOT_QUERIES)
    assert 'class="folder-name">Finance<' in html and "scan-0" in html  # recently updated
    html = _count(client, search, django_assert_num_queries, SEARCH_QUERIES)
    assert "scan-00049.pdf" in html and "scan-00050.pdf" not in html  # first page of 50
    assert "10000 files match" in html
    # contact_a2 finds none of them.
    assert "scan-00001.pdf" not in client_for(w.contact_a2).get(search).content.decode()
