"""CSRF on the upload routes, which are `csrf_exempt`.

The exemption exists only so that the upload size limit is installed before anything reads the
body (the CSRF middleware reads it); each view then runs the very same check itself. So, with a
browser's CSRF checks on: an upload carrying the page's token is stored, one without it (or with
another browser's token) is refused with 403 and stores nothing; and the POSTs next to them,
which are not exempt, are refused by the middleware the same way.

World: `tests.conftest.build_documents`: contact_a may upload to "Payroll" (folder_a) and to
"Shared" (where file_a_shared is); staff serves workspace A in the admin.
"""

import re
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from documents.models import File, FileVersion, Folder

from ..portal_login import force_portal_login
from ..samples import pdf_upload

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def browser(user):
    """A client that checks CSRF as a browser session does, logged in as `user`."""
    client = Client(enforce_csrf_checks=True)
    if user.is_staff:
        client.force_login(user)
    else:
        force_portal_login(client, user)
    return client


def page_token(client, page_url):
    """The token a form on `page_url` carries (what upload.js sends with each file)."""
    response = client.get(page_url)
    assert response.status_code == 200
    match = TOKEN_RE.search(response.content.decode())
    assert match, f"no CSRF token on {page_url}"
    return match.group(1)


def _names(w):
    return set(File.objects.filter(folder=w.folder_a).values_list("name", flat=True))


def _versions(w):
    return FileVersion.objects.count()


def _version_stored(w, comment):
    return FileVersion.objects.filter(comment=comment).exists()


@dataclass(frozen=True)
class ExemptRoute:
    persona: str
    page: object  # world -> the page whose form posts to the route
    url: object  # world -> the route's URL
    data: object  # name -> the POST data
    extra: dict
    stored: object  # (world, name) -> whether the POST was stored
    ok: int


def _portal(name, args):
    return lambda w: reverse(f"documents:{name}", args=[w.ws_a.slug, *args(w)])


def _admin(name, args):
    return lambda w: reverse(f"documents_admin:{name}", args=args(w))


EXEMPT_ROUTES = {
    "documents:upload": ExemptRoute(
        "contact_a", _portal("folder", lambda w: [w.folder_a.pk]),
        _portal("upload", lambda w: [w.folder_a.pk]),
        lambda name: {"file": pdf_upload(name)}, XHR,
        lambda w, name: name in _names(w), 200),
    "documents:new_version": ExemptRoute(  # (file_a awaits approval: only the firm may)
        "contact_a", _portal("file", lambda w: [w.file_a_shared.pk]),
        _portal("new_version", lambda w: [w.file_a_shared.pk]),
        lambda name: {"file": pdf_upload(name), "comment": name}, {}, _version_stored, 302),
    "documents_admin:upload": ExemptRoute(
        "staff", _admin("folder", lambda w: [w.folder_a.pk]),
        _admin("upload", lambda w: [w.folder_a.pk]),
        lambda name: {"files": [pdf_upload(name)]}, {},
        lambda w, name: name in _names(w), 302),
    "documents_admin:new_version": ExemptRoute(
        "staff", _admin("file", lambda w: [w.file_a.pk]),
        _admin("new_version", lambda w: [w.file_a.pk]),
        lambda name: {"file": pdf_upload(name), "comment": name}, {}, _version_stored, 302),
}

# Read by tests/workspaces/test_csrf.py: every csrf_exempt route has its CSRF test.
CSRF_TESTED_ROUTES = set(EXEMPT_ROUTES)


@pytest.mark.parametrize("name", EXEMPT_ROUTES)
def test_exempt_route_stores_only_with_the_pages_token(docs, name):
    w, route = docs, EXEMPT_ROUTES[name]
    user = getattr(w, route.persona)
    client = browser(user)
    versions, files = _versions(w), _names(w)

    response = client.post(route.url(w), route.data("no-token.pdf"), **route.extra)
    assert response.status_code == 403
    assert not route.stored(w, "no-token.pdf")

    # A token from another browser session does not match this one's cookie.
    other_token = page_token(browser(user), route.page(w))
    response = client.post(route.url(w), {**route.data("foreign-token.pdf"),
                                          "csrfmiddlewaretoken": other_token}, **route.extra)
    assert response.status_code == 403
    assert not route.stored(w, "foreign-token.pdf")
    assert (_versions(w), _names(w)) == (versions, files)

    token = page_token(client, route.page(w))
    response = client.post(route.url(w), {**route.data("with-token.pdf"),
                                          "csrfmiddlewaretoken": token}, **route.extra)
    assert response.status_code == route.ok, response.content[:500]
    assert route.stored(w, "with-token.pdf")


def test_portal_upload_takes_the_token_from_the_header_too(docs):
    w = docs
    client = browser(w.contact_a)
    token = page_token(client, EXEMPT_ROUTES["documents:upload"].page(w))
    response = client.post(EXEMPT_ROUTES["documents:upload"].url(w),
                           {"file": pdf_upload("header.pdf")}, HTTP_X_CSRFTOKEN=token, **XHR)
    assert response.status_code == 200
    assert response.json()["files"][0]["name"] == "header.pdf"


def test_the_posts_beside_them_are_refused_without_the_token(docs):
    """The new-folder forms on the same pages are not exempt: the middleware refuses them."""
    w = docs
    portal = browser(w.contact_a)
    new_folder = reverse("documents:new_folder", args=[w.ws_a.slug, w.folder_a.pk])
    assert portal.post(new_folder, {"name": "Forged"}).status_code == 403
    admin = browser(w.staff)
    admin_folder = reverse("documents_admin:folder", args=[w.folder_a.pk])
    assert admin.post(admin_folder, {"name": "Forged too"}).status_code == 403
    assert not Folder.objects.filter(name__startswith="Forged").exists()

    token = page_token(portal, reverse("documents:folder", args=[w.ws_a.slug, w.folder_a.pk]))
    assert portal.post(new_folder, {"name": "Portal folder",
                                    "csrfmiddlewaretoken": token}).status_code == 302
    token = page_token(admin, admin_folder)
    assert admin.post(admin_folder, {"name": "Admin folder",
                                     "csrfmiddlewaretoken": token}).status_code == 302
    assert set(Folder.objects.filter(parent=w.folder_a).values_list("name", flat=True)) >= {
        "Portal folder", "Admin folder"}
