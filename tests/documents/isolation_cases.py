"""Isolation cases of the documents app's portal routes (files and approvals), found by
tests/security/test_isolation.py as `tests.<app>.isolation_cases` of an installed app.

The world is the shared `docs` layer (`tests.conftest.build_documents`): folder_a and its
files are for contact_a only (view, upload, manage); contact_a2 is a member of A without
that grant. approval_a (on file_a in folder_a) asks contact_a, the revoked and the removed contacts;
contact_a2 is neither asked nor granted the folder.
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from ..samples import pdf_upload, png_bytes
from ..security import admin_cases as admin
from ..security.cases import OBJECT, Case

__all__ = ["ADMIN_DATA", "ADMIN_ROUTES", "ROUTES"]

POSTED = (200, 302)


def _folder(name):
    return lambda w: reverse(f"documents:{name}", args=[w.ws_a.slug, w.folder_a.pk])


def _file(name):
    return lambda w: reverse(f"documents:{name}", args=[w.ws_a.slug, w.file_a.pk])


def _thumbnail_url(w):
    # Thumbnails are made in the background; give the image one here so that the permitted
    # contact's answer is a real thumbnail, whatever the task does.
    version = w.image_a.current_version
    if not version.thumbnail:
        version.thumbnail.save("thumb.png", ContentFile(png_bytes((8, 8))), save=True)
    return reverse("documents:file_thumbnail", args=[w.ws_a.slug, w.image_a.pk])


FILES_ROUTES = {
    # Every member of A reaches the tool's front page and search; their contents are
    # filtered (tests/documents/test_portal_files.py).
    "documents:folder_root": Case(OBJECT,
        lambda w: reverse("documents:folder_root", args=[w.ws_a.slug]), object_grant=False),
    "documents:search": Case(OBJECT,
        lambda w: reverse("documents:search", args=[w.ws_a.slug]) + "?q=salaries",
        object_grant=False),
    "documents:folder": Case(OBJECT, _folder("folder")),
    "documents:folder_zip": Case(OBJECT, _folder("folder_zip")),
    "documents:upload": Case(OBJECT, _folder("upload"), method="post", ok=POSTED,
                             data=lambda w: {"file": pdf_upload("isolation.pdf")}),
    "documents:new_folder": Case(OBJECT, _folder("new_folder"), method="post", ok=POSTED,
                                 data=lambda w: {"name": "Isolation"}),
    "documents:folder_rename": Case(OBJECT, _folder("folder_rename"), method="post",
                                    ok=POSTED, data=lambda w: {"name": "Renamed"}),
    "documents:folder_move": Case(OBJECT,
        lambda w: reverse("documents:folder_move", args=[w.ws_a.slug, w.folder_a_sub.pk]),
        method="post", ok=POSTED, data=lambda w: {"destination": w.folder_a_shared.pk}),
    "documents:folder_delete": Case(OBJECT, _folder("folder_delete"), method="post",
                                    ok=POSTED, data=lambda w: {}),
    "documents:file": Case(OBJECT, _file("file")),
    "documents:file_open": Case(OBJECT, _file("file_open")),
    "documents:file_download": Case(OBJECT, _file("file_download")),
    "documents:file_thumbnail": Case(OBJECT, _thumbnail_url),
    "documents:version_download": Case(OBJECT,
        lambda w: reverse("documents:version_download",
                          args=[w.ws_a.slug, w.file_a.pk, w.version_a1.pk])),
    "documents:new_version": Case(OBJECT, _file("new_version"), method="post", ok=POSTED,
                                  data=lambda w: {"file": pdf_upload("salaries.pdf", pages=3)}),
    "documents:file_rename": Case(OBJECT, _file("file_rename"), method="post", ok=POSTED,
                                  data=lambda w: {"name": "wages.pdf"}),
    "documents:file_move": Case(OBJECT, _file("file_move"), method="post", ok=POSTED,
                                data=lambda w: {"destination": w.folder_a_sub.pk}),
    "documents:file_delete": Case(OBJECT, _file("file_delete"), method="post", ok=POSTED,
                                  data=lambda w: {}),
}


def _decided(w):
    """approval_a, decided by contact_a (a certificate exists only for a decided request)."""
    from documents import approvals
    from documents.models import ApprovalDecision

    if not w.approval_a.decisions.exists():
        approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED,
                         ip="192.0.2.10")
    return w.approval_a


APPROVALS_ROUTES = {
    # Every member of A reaches the tool's front page; its contents are filtered.
    "approvals:queue": Case(OBJECT,
        lambda w: reverse("approvals:queue", args=[w.ws_a.slug]), object_grant=False),
    "approvals:detail": Case(OBJECT,
        lambda w: reverse("approvals:detail", args=[w.ws_a.slug, w.approval_a.pk])),
    "approvals:decide": Case(OBJECT,
        lambda w: reverse("approvals:decide", args=[w.ws_a.slug, w.approval_a.pk]),
        method="post", ok=(302,),
        data=lambda w: {"decision": "approved", "comment": "",
                        "version": w.approval_a.version_id}),
    "approvals:certificate": Case(OBJECT,
        lambda w: reverse("approvals:certificate", args=[w.ws_a.slug, _decided(w).pk])),
}

ROUTES = {**FILES_ROUTES, **APPROVALS_ROUTES}

# The staff admin's files and approvals routes (the documents_admin URLs), found by
# tests/security/test_admin_isolation.py. The world is the shared `docs` layer.
ADMIN_DATA = ["Payroll", "salaries.pdf"]

ADMIN_ROUTES = {
    "documents_admin:root": admin.rev("documents_admin:root", "ws_a", sees="Payroll"),
    "documents_admin:trash": admin.rev("documents_admin:trash", "ws_a", sees="Workspace A"),
    "documents_admin:folder": admin.rev("documents_admin:folder", "folder_a",
                                        sees="salaries.pdf"),
    # POST-only, answered by a redirect back to the folder or file (the upload refused, no
    # file being sent).
    "documents_admin:upload": admin.rev("documents_admin:upload", "folder_a", method="post",
                                        staff_status=(302,)),
    "documents_admin:folder_edit": admin.rev("documents_admin:folder_edit", "folder_a",
                                             sees="Payroll"),
    "documents_admin:folder_access": admin.rev("documents_admin:folder_access", "folder_a",
                                               sees="ann@alpha.test"),
    "documents_admin:folder_delete": admin.rev("documents_admin:folder_delete", "folder_a",
                                               sees="Payroll"),
    "documents_admin:file": admin.rev("documents_admin:file", "file_a", sees="salaries.pdf"),
    "documents_admin:new_version": admin.rev("documents_admin:new_version", "file_a",
                                             method="post", staff_status=(302,)),
    "documents_admin:file_delete": admin.rev("documents_admin:file_delete", "file_a",
                                             sees="salaries.pdf"),
    "documents_admin:request_approval": admin.rev("documents_admin:request_approval",
                                                  "file_a", sees="ann@alpha.test"),
    "documents_admin:download": admin.rev("documents_admin:download", "version_a1"),
    "documents_admin:restore_version": admin.rev("documents_admin:restore_version",
                                                 "version_a1", method="post",
                                                 staff_status=(302,)),
    "documents_admin:approvals": admin.url("/admin/documents/approvals/", "salaries.pdf"),
    "documents_admin:approval": admin.rev("documents_admin:approval", "approval_a",
                                          sees="salaries.pdf"),
    # POST-only: the request is cancelled, then back to the approval.
    "documents_admin:cancel_approval": admin.rev("documents_admin:cancel_approval",
                                                 "approval_a", method="post",
                                                 staff_status=(302,)),
    "documents_admin:certificate": admin.url(
        lambda w: reverse("documents_admin:certificate", args=[_decided(w).pk]), scoped=True),
}
