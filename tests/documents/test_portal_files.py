"""The contact's files pages: what they show, uploads, versions, zip, search, changes.

World: `tests.conftest.build_documents`. contact_a sees (and may upload to and manage)
"Payroll" and its subfolder "2026"; everyone in A sees and may upload to "Shared"; "Internal"
is staff only; "Beta files" belongs to workspace B. contact_a2 is a member of A without the
Payroll grant.
"""

import io
import re
import zipfile

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from documents import approvals, services
from documents.models import File, FileVersion, Folder
from workspaces.models import FirmSettings

from ..factories import publish
from ..portal_login import force_portal_login
from ..samples import pdf_bytes, pdf_upload, png_bytes, png_upload, upload
from ..served import assert_served_safely

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}


def url(name, w, *args):
    return reverse(f"documents:{name}", args=[w.ws_a.slug, *args])


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def text(response):
    return response.content.decode()


def blob_bytes(version):
    with version.blob.open("rb") as fh:
        return fh.read()


def folder_names(page):
    """The folders a page lists (its folder cards)."""
    return set(re.findall(r'class="folder-name">([^<]*)<', page))


def stored_names(folder):
    return set(File.objects.filter(folder=folder).values_list("name", flat=True))


# ---------------------------------------------------------------------------- browsing

def test_root_lists_only_the_folders_each_contact_may_see(docs, client_for):
    w = docs
    page = text(client_for(w.contact_a).get(url("folder_root", w)))
    # 2026 sits inside Payroll, which contact_a sees: it is not a top folder.
    assert folder_names(page) == {"Payroll", "Shared"}
    assert "Internal" not in page and "Beta files" not in page
    # Recently updated files, within what the contact sees.
    assert "salaries.pdf" in page and "handbook.pdf" in page

    other = text(client_for(w.contact_a2).get(url("folder_root", w)))
    assert folder_names(other) == {"Shared"} and "handbook.pdf" in other
    assert "Payroll" not in other and "salaries.pdf" not in other and "chart.png" not in other
    assert "Internal" not in other


def test_a_folder_seen_without_its_parent_is_a_top_folder_and_crumbs_skip_the_parent(
        docs, client_for):
    w = docs
    services.set_folder_grants(w.folder_a_sub, {"view": {"users": {w.contact_a2.pk}}})
    services.add_file(w.folder_a_sub, pdf_upload("january.pdf"), user=w.staff)
    client = client_for(w.contact_a2)
    root = text(client.get(url("folder_root", w)))
    assert folder_names(root) == {"2026", "Shared"} and "Payroll" not in root
    page = text(client.get(url("folder", w, w.folder_a_sub.pk)))
    assert "january.pdf" in page
    assert "Payroll" not in page  # not in the breadcrumbs either
    assert client.get(url("folder", w, w.folder_a.pk)).status_code == 404


def test_folder_page_lists_subfolders_and_files_with_details(docs, client_for):
    w = docs
    response = client_for(w.contact_a).get(url("folder", w, w.folder_a.pk))
    page = text(response)
    assert response.status_code == 200
    for shown in ("2026", "salaries.pdf", "chart.png", "Download as zip", "Rename", "Move",
                  "Delete", "data-upload", "Drag and drop files here"):
        assert shown in page, shown
    # Uploaded by (the staff member who sent the current version), the size, the type badge.
    assert w.staff.email in page or w.staff.get_full_name() in page
    assert "badge-pdf" in page
    # Breadcrumbs lead back to the files root.
    assert url("folder_root", w) in page


def test_staff_only_and_foreign_folders_are_404(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    assert client.get(url("folder", w, w.folder_a_staff.pk)).status_code == 404
    assert client.get(url("folder", w, w.folder_b.pk)).status_code == 404
    assert client.get(url("file", w, w.file_b.pk)).status_code == 404
    assert client_for(w.contact_a2).get(url("file", w, w.file_a.pk)).status_code == 404


def test_folder_listing_is_paginated(docs, client_for):
    w = docs
    folder = services.create_folder(w.ws_a, "Bulk", parent=w.folder_a, user=w.staff)
    File.objects.bulk_create([File(workspace=w.ws_a, folder=folder, name=f"scan-{i:03}.pdf",
                                   size=1000, content_type="application/pdf")
                              for i in range(130)])
    client = client_for(w.contact_a)
    first = text(client.get(url("folder", w, folder.pk)))
    assert "scan-000.pdf" in first and "scan-099.pdf" in first and "scan-100.pdf" not in first
    assert "Page 1 of 2" in first
    second = text(client.get(url("folder", w, folder.pk) + "?page=2"))
    assert "scan-100.pdf" in second and "scan-129.pdf" in second and "scan-000.pdf" not in second


def test_file_page_shows_preview_versions_and_approval(docs, client_for):
    w = docs
    page = text(client_for(w.contact_a).get(url("file", w, w.file_a.pk)))
    assert "<iframe" in page and url("file_open", w, w.file_a.pk) in page
    assert "Version 2" in page and "Version 1" in page
    assert url("version_download", w, w.file_a.pk, w.version_a1.pk) in page
    assert reverse("approvals:detail", args=[w.ws_a.slug, w.approval_a.pk]) in page
    image = text(client_for(w.contact_a).get(url("file", w, w.image_a.pk)))
    assert "<img" in image and url("file_open", w, w.image_a.pk) in image


def test_open_is_inline_and_framable_by_the_portal_download_is_an_attachment(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    opened = client.get(url("file_open", w, w.file_a.pk))
    assert opened.status_code == 200
    assert opened["Content-Disposition"].startswith("inline")
    assert opened["X-Frame-Options"] == "SAMEORIGIN"
    assert body(opened) == blob_bytes(w.file_a.current_version)
    downloaded = client.get(url("file_download", w, w.file_a.pk))
    assert downloaded["Content-Disposition"].startswith("attachment")
    assert "salaries.pdf" in downloaded["Content-Disposition"]


def test_dashboard_shows_recent_files_the_contact_may_see(docs, client_for):
    w = docs
    page = text(client_for(w.contact_a).get(w.ws_a.url))
    assert "Recent files" in page and "salaries.pdf" in page
    other = text(client_for(w.contact_a2).get(w.ws_a.url))
    assert "Recent files" in other and "handbook.pdf" in other
    assert "salaries.pdf" not in other and "chart.png" not in other


# ---------------------------------------------------------------------------- uploads

def test_drop_zone_upload_answers_json_and_the_file_is_listed(docs, client_for):
    w = docs
    client = client_for(w.contact_a2)
    content = pdf_bytes(pages=2)
    response = client.post(url("upload", w, w.folder_a_shared.pk),
                           {"file": upload("minutes.pdf", content)}, **XHR)
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True and answer["files"][0]["name"] == "minutes.pdf"
    stored = File.objects.get(folder=w.folder_a_shared, name="minutes.pdf")
    assert stored.created_by == w.contact_a2
    assert blob_bytes(stored.current_version) == content
    assert "minutes.pdf" in text(client.get(url("folder", w, w.folder_a_shared.pk)))


def test_drop_zone_refusal_names_the_file_and_stores_nothing(docs, client_for):
    w = docs
    before = FileVersion.objects.count()
    response = client_for(w.contact_a).post(url("upload", w, w.folder_a.pk),
                                            {"file": upload("empty.pdf", b"")}, **XHR)
    assert response.status_code == 400
    answer = response.json()
    assert answer["ok"] is False and "empty.pdf" in answer["error"]
    assert FileVersion.objects.count() == before
    assert "empty.pdf" not in stored_names(w.folder_a)


def test_an_html_file_named_png_is_refused_with_a_message(docs, client_for):
    w = docs
    response = client_for(w.contact_a).post(
        url("upload", w, w.folder_a.pk),
        {"file": upload("invoice.png", b"<!DOCTYPE html><html><script>alert(1)</script>")},
        **XHR)
    assert response.status_code == 400
    assert "invoice.png" in response.json()["error"]
    assert "invoice.png" not in stored_names(w.folder_a)


@override_settings(PORTAL_UPLOAD_MAX_BYTES=2000)
def test_oversized_upload_is_refused_before_it_is_stored(docs, client_for):
    w = docs
    before = FileVersion.objects.count()
    response = client_for(w.contact_a).post(
        url("upload", w, w.folder_a.pk), {"file": upload("huge.pdf", pdf_bytes(pages=40))},
        **XHR)
    assert response.status_code == 400
    assert "huge.pdf" in response.json()["error"]
    assert FileVersion.objects.count() == before


def test_plain_form_upload_reports_each_file_and_keeps_the_good_ones(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    response = client.post(url("upload", w, w.folder_a.pk),
                           {"file": [pdf_upload("march.pdf"), upload("blank.pdf", b"")]},
                           follow=True)
    page = text(response)
    assert response.redirect_chain[-1][0] == url("folder", w, w.folder_a.pk)
    assert "“march.pdf” uploaded." in page
    assert "blank.pdf" in page and "message-error" in page
    assert "march.pdf" in stored_names(w.folder_a)
    assert "blank.pdf" not in stored_names(w.folder_a)


def test_upload_with_the_same_name_keeps_both(docs, client_for):
    w = docs
    original = blob_bytes(w.image_a.current_version)
    response = client_for(w.contact_a).post(url("upload", w, w.folder_a.pk),
                                            {"file": png_upload("chart.png", color=(1, 2, 3))},
                                            **XHR)
    assert response.json()["files"][0]["name"] == "chart (2).png"
    w.image_a.refresh_from_db()
    assert blob_bytes(w.image_a.current_version) == original


def test_upload_checks_csrf_after_installing_the_size_limit(docs):
    w = docs
    client = Client(enforce_csrf_checks=True)
    force_portal_login(client, w.contact_a)
    response = client.post(url("upload", w, w.folder_a.pk), {"file": pdf_upload("x.pdf")},
                           **XHR)
    assert response.status_code == 403
    assert "x.pdf" not in stored_names(w.folder_a)


def test_no_upload_grant_means_404_and_nothing_stored(docs, client_for):
    w = docs
    before = (File.objects.count(), FileVersion.objects.count(), Folder.objects.count())
    client = client_for(w.contact_a2)
    assert client.post(url("upload", w, w.folder_a.pk),
                       {"file": pdf_upload("sneaky.pdf")}, **XHR).status_code == 404
    assert client.post(url("new_version", w, w.file_a.pk),
                       {"file": pdf_upload("sneaky.pdf")}).status_code == 404
    assert client.post(url("new_folder", w, w.folder_a.pk), {"name": "Sneaky"}).status_code == 404
    # Beta files: contact_b may view but not upload.
    beta = client_for(w.contact_b)
    page = text(beta.get(reverse("documents:folder", args=[w.ws_b.slug, w.folder_b.pk])))
    assert "beta.pdf" in page and "data-upload" not in page
    assert beta.post(reverse("documents:upload", args=[w.ws_b.slug, w.folder_b.pk]),
                     {"file": pdf_upload("sneaky.pdf")}).status_code == 404
    assert (File.objects.count(), FileVersion.objects.count(), Folder.objects.count()) == before


def test_firm_switching_client_uploads_off_hides_the_drop_zone_and_refuses(docs, client_for):
    w = docs
    firm = FirmSettings.for_site(w.site)
    firm.set_switch("clients_may_upload", False)
    firm.save()
    before = FileVersion.objects.count()
    client = client_for(w.contact_a)
    page = text(client.get(url("folder", w, w.folder_a.pk)))
    assert "salaries.pdf" in page
    assert "data-upload" not in page and "New folder" not in page
    assert client.post(url("upload", w, w.folder_a.pk),
                       {"file": pdf_upload("late.pdf")}, **XHR).status_code == 404
    assert client.post(url("new_version", w, w.file_a.pk),
                       {"file": pdf_upload("late.pdf")}).status_code == 404
    assert FileVersion.objects.count() == before


# ---------------------------------------------------------------------------- versions

def test_new_version_joins_the_history_and_the_old_one_keeps_its_bytes(docs, client_for):
    w = docs
    # While approval_a is open only the firm adds versions (test_approval_integrity.py).
    approvals.cancel(w.approval_a, w.staff)
    client = client_for(w.contact_a)
    old_bytes = blob_bytes(w.version_a1)
    new_bytes = pdf_bytes(pages=5)
    response = client.post(url("new_version", w, w.file_a.pk),
                           {"file": upload("salaries-final.pdf", new_bytes),
                            "comment": "Signed copy"}, follow=True)
    page = text(response)
    assert "Version 3 of “salaries.pdf” uploaded." in page
    assert "Version 3" in page and "Signed copy" in page and "Version 1" in page
    w.file_a.refresh_from_db()
    assert w.file_a.current_version.number == 3
    assert w.file_a.current_version.uploaded_by == w.contact_a
    assert body(client.get(url("file_download", w, w.file_a.pk))) == new_bytes
    old = client.get(url("version_download", w, w.file_a.pk, w.version_a1.pk))
    assert body(old) == old_bytes != new_bytes
    assert "version 1" in old["Content-Disposition"]


def test_new_version_refusal_is_shown_and_changes_nothing(docs, client_for):
    w = docs
    response = client_for(w.contact_a).post(url("new_version", w, w.file_a.pk),
                                            {"file": upload("salaries.pdf", b"")}, follow=True)
    assert "message-error" in text(response)
    assert w.file_a.versions.count() == 2


def test_a_version_of_another_file_is_404(docs, client_for):
    w = docs
    other = w.file_a_shared.current_version
    assert client_for(w.contact_a).get(
        url("version_download", w, w.file_a.pk, other.pk)).status_code == 404


# ---------------------------------------------------------------------------- zip

def _zip(response):
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(body(response)))


def test_zip_holds_exactly_the_visible_files_with_their_bytes(docs, client_for):
    w = docs
    hidden = services.create_folder(w.ws_a, "Board only", parent=w.folder_a, user=w.staff,
                                    grants={"view": {"users": {w.contact_a2.pk}}})
    services.add_file(hidden, pdf_upload("board.pdf"), user=w.staff)
    staff_only = services.create_folder(w.ws_a, "Notes", parent=w.folder_a, user=w.staff,
                                        staff_only=True)
    services.add_file(staff_only, pdf_upload("notes.pdf"), user=w.staff)
    jan = services.add_file(w.folder_a_sub, pdf_upload("january.pdf", pages=3), user=w.staff)
    trashed = services.add_file(w.folder_a, pdf_upload("old.pdf"), user=w.staff)
    services.trash_file(trashed)

    response = client_for(w.contact_a).get(url("folder_zip", w, w.folder_a.pk))
    assert "Payroll.zip" in response["Content-Disposition"]
    archive = _zip(response)
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted([
        "Payroll/", "Payroll/2026/", "Payroll/2026/january.pdf", "Payroll/chart.png",
        "Payroll/salaries.pdf"])
    w.file_a.refresh_from_db()
    assert archive.read("Payroll/salaries.pdf") == blob_bytes(w.file_a.current_version)
    assert archive.read("Payroll/chart.png") == blob_bytes(w.image_a.current_version)
    jan.refresh_from_db()
    assert archive.read("Payroll/2026/january.pdf") == blob_bytes(jan.current_version)


def test_zip_carries_the_headers_of_every_served_file(docs, client_for):
    w = docs
    response = client_for(w.contact_a).get(url("folder_zip", w, w.folder_a.pk))
    assert _zip(response).testzip() is None
    assert_served_safely(response, "Payroll.zip")
    assert response["Cache-Control"] == "private, no-store"


def test_zip_of_an_empty_folder_is_a_valid_archive(docs, client_for):
    w = docs
    empty = services.create_folder(w.ws_a, "Nothing yet", parent=w.folder_a, user=w.staff)
    archive = _zip(client_for(w.contact_a).get(url("folder_zip", w, empty.pk)))
    assert archive.namelist() == ["Nothing yet/"]


def test_zip_names_are_the_clean_display_names(docs, client_for):
    w = docs
    services.add_file(w.folder_a_sub, pdf_upload("../../etc/passwd.pdf"), user=w.staff)
    archive = _zip(client_for(w.contact_a).get(url("folder_zip", w, w.folder_a_sub.pk)))
    for name in archive.namelist():
        assert ".." not in name.split("/") and not name.startswith("/")
    assert any(name.endswith("passwd.pdf") for name in archive.namelist())


def test_zip_is_404_without_the_grant(docs, client_for):
    w = docs
    assert client_for(w.contact_a2).get(url("folder_zip", w, w.folder_a.pk)).status_code == 404


# ---------------------------------------------------------------------------- search

def test_search_finds_only_files_the_contact_may_see(docs, client_for):
    w = docs
    search = url("search", w)
    page = text(client_for(w.contact_a).get(search, {"q": "SALAR"}))
    assert "salaries.pdf" in page and "Payroll" in page
    other = client_for(w.contact_a2)
    assert "salaries.pdf" not in text(other.get(search, {"q": "salar"}))
    assert "No file you can see matches" in text(other.get(search, {"q": "salar"}))
    assert "handbook.pdf" in text(other.get(search, {"q": "hand"}))
    # Workspace B's file is never found from A.
    assert "beta.pdf" not in text(client_for(w.contact_a).get(search, {"q": "beta"}))
    # Trashed files are not found either.
    services.trash_file(w.image_a)
    assert "chart.png" not in text(client_for(w.contact_a).get(search, {"q": "chart"}))


# ---------------------------------------------------------------------------- changes

def test_without_manage_nothing_can_be_renamed_moved_or_deleted(docs, client_for):
    w = docs
    client = client_for(w.contact_a2)  # view and upload on Shared, no manage
    folder, file = w.folder_a_shared, w.file_a_shared
    page = text(client.get(url("folder", w, folder.pk)))
    assert "data-upload" in page and url("folder_rename", w, folder.pk) not in page
    attempts = [
        (url("folder_rename", w, folder.pk), {"name": "Mine"}),
        (url("folder_move", w, folder.pk), {"destination": w.folder_a.pk}),
        (url("folder_delete", w, folder.pk), {}),
        (url("file_rename", w, file.pk), {"name": "mine.pdf"}),
        (url("file_move", w, file.pk), {"destination": folder.pk}),
        (url("file_delete", w, file.pk), {}),
    ]
    for target, data in attempts:
        assert client.get(target).status_code == 404, target
        assert client.post(target, data).status_code == 404, target
    folder.refresh_from_db()
    file.refresh_from_db()
    assert folder.name == "Shared" and folder.deleted_at is None
    assert file.name == "handbook.pdf" and file.folder == folder and file.deleted_at is None


def test_rename_file_keeps_its_extension(docs, client_for):
    w = docs
    response = client_for(w.contact_a).post(url("file_rename", w, w.file_a.pk),
                                            {"name": "wages.exe"}, follow=True)
    w.file_a.refresh_from_db()
    assert w.file_a.name == "wages.pdf"
    assert "File renamed to “wages.pdf”." in text(response)


def test_rename_to_nothing_is_a_clear_error(docs, client_for):
    w = docs
    response = client_for(w.contact_a).post(url("folder_rename", w, w.folder_a.pk),
                                            {"name": "  ...  "})
    assert response.status_code == 400
    assert "alert" in text(response)
    w.folder_a.refresh_from_db()
    assert w.folder_a.name == "Payroll"


def test_move_offers_only_folders_the_contact_may_upload_to(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    form = text(client.get(url("file_move", w, w.file_a.pk)))
    assert "Payroll / 2026" in form and "Shared" in form
    assert "Internal" not in form and "Beta files" not in form
    # A folder outside the list is refused, even when posted directly.
    response = client.post(url("file_move", w, w.file_a.pk), {"destination": w.folder_a_staff.pk})
    assert response.status_code == 400
    w.file_a.refresh_from_db()
    assert w.file_a.folder == w.folder_a
    client.post(url("file_move", w, w.file_a.pk), {"destination": w.folder_a_sub.pk})
    w.file_a.refresh_from_db()
    assert w.file_a.folder == w.folder_a_sub


def test_a_folder_cannot_move_inside_itself(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    form = text(client.get(url("folder_move", w, w.folder_a.pk)))
    assert "Payroll / 2026" not in form
    response = client.post(url("folder_move", w, w.folder_a.pk),
                           {"destination": w.folder_a_sub.pk})
    assert response.status_code == 400
    w.folder_a.refresh_from_db()
    assert w.folder_a.parent is None


def test_delete_confirms_then_moves_to_the_trash_and_says_so(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    confirm = text(client.get(url("file_delete", w, w.file_a.pk)))
    assert "Delete “salaries.pdf”?" in confirm and "Move to trash" in confirm
    response = client.post(url("file_delete", w, w.file_a.pk), follow=True)
    page = text(response)
    assert "moved to the trash; your firm can restore it for 30 days" in page
    assert 'class="file-name">salaries.pdf<' not in page  # gone from the listing
    w.file_a.refresh_from_db()
    assert w.file_a.deleted_at is not None and w.file_a.deleted_by == w.contact_a
    assert w.file_a.versions.count() == 2  # nothing lost
    assert client.get(url("file", w, w.file_a.pk)).status_code == 404


def test_folder_delete_takes_its_contents_to_the_trash(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    confirm = text(client.get(url("folder_delete", w, w.folder_a.pk)))
    assert "1 subfolder" in confirm and "2 files" in confirm
    response = client.post(url("folder_delete", w, w.folder_a.pk), follow=True)
    assert "your firm can restore it for 30 days" in text(response)
    assert response.redirect_chain[-1][0] == url("folder_root", w)
    assert Folder.objects.get(pk=w.folder_a_sub.pk).deleted_at is not None
    assert File.objects.get(pk=w.file_a.pk).deleted_at is not None


def test_folder_holding_what_the_contact_may_not_manage_is_not_deleted(docs, client_for):
    w = docs
    services.create_folder(w.ws_a, "Auditors", parent=w.folder_a, user=w.staff,
                           staff_only=True)
    response = client_for(w.contact_a).post(url("folder_delete", w, w.folder_a.pk), follow=True)
    assert "folders you may not manage" in text(response)
    w.folder_a.refresh_from_db()
    assert w.folder_a.deleted_at is None


def test_new_subfolder_takes_the_parent_grants(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    response = client.post(url("new_folder", w, w.folder_a.pk), {"name": "Receipts"},
                           follow=True)
    created = Folder.objects.get(parent=w.folder_a, name="Receipts")
    assert response.redirect_chain[-1][0] == url("folder", w, created.pk)
    assert "Folder “Receipts” created." in text(response)
    assert client_for(w.contact_a2).get(url("folder", w, created.pk)).status_code == 404


def test_archived_workspace_is_read_only(docs, client_for):
    w = docs
    w.ws_a.status = "archived"
    publish(w.ws_a)
    client = client_for(w.contact_a)
    page = text(client.get(url("folder", w, w.folder_a.pk)))
    assert "salaries.pdf" in page and "data-upload" not in page
    assert client.post(url("upload", w, w.folder_a.pk),
                       {"file": pdf_upload("late.pdf")}).status_code == 404
    assert client.post(url("file_delete", w, w.file_a.pk)).status_code == 404


def test_png_thumbnail_is_served_when_present(docs, client_for):
    w = docs
    from django.core.files.base import ContentFile

    version = w.image_a.current_version
    if not version.thumbnail:
        version.thumbnail.save("t.png", ContentFile(png_bytes((8, 8))), save=True)
    response = client_for(w.contact_a).get(url("file_thumbnail", w, w.image_a.pk))
    assert response.status_code == 200 and body(response).startswith(b"\x89PNG")
