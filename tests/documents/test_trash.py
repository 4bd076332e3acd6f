"""The trash in the admin (list, restore) and `manage.py purge_trash` (blobs gone for good)."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from documents import services
from documents.models import Approval, File, FileVersion, Folder
from workspaces import access

pytestmark = pytest.mark.django_db


def trash_url(workspace):
    return reverse("documents_admin:trash", args=[workspace.pk])


def html_of(response):
    return response.content.decode()


def row_for(html, text):
    rows = [row for row in html.split("<tr") if text in row]
    assert len(rows) == 1, f"expected one row mentioning {text!r}, found {len(rows)}"
    return rows[0].split("</tr>")[0]


def age(obj, days):
    """Pretend `obj` (and what was trashed with it) went to the trash `days` ago."""
    stamp = obj.deleted_at - timedelta(days=days)
    if isinstance(obj, Folder):
        Folder.objects.filter(deleted_at=obj.deleted_at).update(deleted_at=stamp)
        File.objects.filter(deleted_at=obj.deleted_at).update(deleted_at=stamp)
    else:
        File.objects.filter(pk=obj.pk).update(deleted_at=stamp)
    obj.refresh_from_db()


def blob_names(files):
    names = []
    for version in FileVersion.objects.filter(file__in=files):
        names.append(version.blob.name)
        if version.thumbnail:
            names.append(version.thumbnail.name)
    return names


def test_trash_lists_what_was_deleted_by_whom_and_the_days_left(docs, client_for):
    w = docs
    services.trash_folder(w.folder_a, user=w.staff)
    w.folder_a.refresh_from_db()
    age(w.folder_a, 10)
    services.trash_file(w.file_a_shared, user=w.admin)
    services.trash_file(w.file_b, user=w.admin)  # another workspace
    response = client_for(w.staff).get(trash_url(w.ws_a))
    assert response.status_code == 200
    html = html_of(response)
    payroll = row_for(html, "<strong>Payroll</strong>")
    assert "staff@firm.test" in payroll and 'class="num">20<' in payroll
    sub = row_for(html, "<strong>2026</strong>")
    assert "deleted with the folder above it" in sub and "Payroll" in sub
    salaries = row_for(html, "salaries.pdf")
    assert "deleted with its folder" in salaries and 'class="num">20<' in salaries
    handbook = row_for(html, "handbook.pdf")
    assert "admin@firm.test" in handbook and 'class="num">30<' in handbook
    assert "Shared" in handbook  # where it was
    assert "beta.pdf" not in html


def test_a_file_of_a_trashed_folder_needs_its_folder_first(docs, client_for):
    w = docs
    services.trash_folder(w.folder_a, user=w.staff)
    staff = client_for(w.staff)
    response = staff.post(trash_url(w.ws_a), {"kind": "file", "id": w.file_a.pk}, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert len(texts) == 1
    assert "“salaries.pdf” was not restored" in texts[0]
    assert "restore the folder first" in texts[0]
    w.file_a.refresh_from_db()
    assert w.file_a.in_trash

    response = staff.post(trash_url(w.ws_a), {"kind": "folder", "id": w.folder_a.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("documents_admin:folder", args=[w.folder_a.pk])
    for obj in (w.folder_a, w.folder_a_sub, w.file_a, w.image_a):
        obj.refresh_from_db()
        assert not obj.in_trash, obj
    # Its grants were never touched: the contact sees the file again, the other still not.
    files = File.objects.filter(pk=w.file_a.pk)
    assert access.visible(w.contact_a, w.ws_a, files).exists()
    assert not access.visible(w.contact_a2, w.ws_a, files).exists()
    assert escape("“Payroll” was restored.") in html_of(staff.get(response["Location"]))


def test_restore_refuses_foreign_and_live_objects(docs, client_for):
    w = docs
    services.trash_file(w.file_b, user=w.admin)
    staff = client_for(w.staff)
    assert staff.post(trash_url(w.ws_a), {"kind": "file", "id": w.file_b.pk}).status_code == 404
    assert staff.post(trash_url(w.ws_a), {"kind": "file", "id": w.file_a.pk}).status_code == 404
    assert staff.post(trash_url(w.ws_a), {"kind": "page", "id": 1}).status_code == 404
    assert staff.post(trash_url(w.ws_a), {"kind": "file", "id": "x"}).status_code == 404
    assert staff.get(trash_url(w.ws_b)).status_code == 404
    w.file_b.refresh_from_db()
    assert w.file_b.in_trash


def test_purge_deletes_old_trash_and_its_blobs_and_keeps_the_rest(docs):
    w = docs
    storage = storages["private"]
    services.trash_folder(w.folder_a, user=w.staff)
    w.folder_a.refresh_from_db()
    age(w.folder_a, 31)
    services.trash_file(w.file_a_shared, user=w.staff)  # recent: stays
    old_files = [w.file_a, w.image_a]
    old_blobs = blob_names(old_files)
    kept_blobs = blob_names([w.file_a_shared, w.file_b])
    assert old_blobs and all(storage.exists(name) for name in old_blobs)

    out = io.StringIO()
    call_command("purge_trash", stdout=out)
    text = out.getvalue()
    assert "Deleted folder “Payroll” (Workspace A)" in text
    assert "Deleted folder “2026” (Workspace A)" in text
    assert "Deleted file “salaries.pdf” (Workspace A)" in text
    assert "Deleted file “chart.png” (Workspace A)" in text
    assert "handbook.pdf" not in text
    assert "Purged 2 folder(s) and 2 file(s) older than 30 days." in text

    assert not any(storage.exists(name) for name in old_blobs)
    assert all(storage.exists(name) for name in kept_blobs)
    assert not Folder.objects.filter(pk__in=[w.folder_a.pk, w.folder_a_sub.pk]).exists()
    assert not File.objects.filter(pk__in=[f.pk for f in old_files]).exists()
    assert not Approval.objects.filter(pk=w.approval_a.pk).exists()
    assert File.objects.filter(pk=w.file_a_shared.pk, deleted_at__isnull=False).exists()
    assert File.objects.filter(pk=w.file_b.pk, deleted_at__isnull=True).exists()


def test_purge_dry_run_and_days_option(docs):
    w = docs
    storage = storages["private"]
    services.trash_file(w.file_a_shared, user=w.staff)
    w.file_a_shared.refresh_from_db()
    age(w.file_a_shared, 5)
    blobs = blob_names([w.file_a_shared])

    out = io.StringIO()
    call_command("purge_trash", "--days", "3", "--dry-run", stdout=out)
    assert "Would delete file “handbook.pdf” (Workspace A)" in out.getvalue()
    assert "nothing deleted" in out.getvalue()
    assert File.objects.filter(pk=w.file_a_shared.pk).exists()
    assert all(storage.exists(name) for name in blobs)

    out = io.StringIO()
    call_command("purge_trash", stdout=out)  # 30 days by default: too young
    assert "Purged 0 folder(s) and 0 file(s)" in out.getvalue()
    assert File.objects.filter(pk=w.file_a_shared.pk).exists()

    out = io.StringIO()
    call_command("purge_trash", "--days", "3", stdout=out)
    assert "Deleted file “handbook.pdf”" in out.getvalue()
    assert not File.objects.filter(pk=w.file_a_shared.pk).exists()
    assert not any(storage.exists(name) for name in blobs)


def test_admin_trash_restore_is_logged(docs, client_for):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry

    w = docs
    staff = client_for(w.staff)
    staff.post(reverse("documents_admin:file_delete", args=[w.file_a_shared.pk]))
    staff.post(trash_url(w.ws_a), {"kind": "file", "id": w.file_a_shared.pk})
    actions = list(ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(File),
        object_id=str(w.file_a_shared.pk)).order_by("timestamp").values_list("action",
                                                                              flat=True))
    assert actions == ["documents.trash", "documents.restore"]
    w.file_a_shared.refresh_from_db()
    assert not w.file_a_shared.in_trash
    assert timezone.now() - w.file_a_shared.updated_at < timedelta(days=1)
