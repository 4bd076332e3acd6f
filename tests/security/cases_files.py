"""Isolation cases for the files routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_documents`: folder_a and its files are for contact_a only
(view, upload, manage); contact_a2 is a member of A without that grant.
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from ..samples import pdf_upload, png_bytes
from .cases import OBJECT, Case

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


ROUTES = {
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
