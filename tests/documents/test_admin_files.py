"""Staff screens on a workspace's files in the Wagtail admin, through the real views."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from documents import services
from documents.models import Approval, ApprovalDecision, File, Folder
from workspaces import access

from ..factories import StaffFactory
from ..samples import pdf_bytes, pdf_upload, png_upload, upload
from ..served import assert_served_safely

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"documents_admin:{name}", args=args)


def html_of(response):
    return response.content.decode()


def texts_of(response):
    """The flash messages shown after a redirect."""
    return [str(m) for m in response.context["messages"]]


def logs(obj, action):
    return ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk),
        action=action)


def other_staff():
    """A staff member who may use the admin but serves no workspace."""
    user = StaffFactory(email="other-staff@firm.test")
    group = Group.objects.create(name="Admin users")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                 codename="access_admin"))
    user.groups.add(group)
    return user


def body_of(response):
    return b"".join(response.streaming_content)


def row_for(html, text):
    rows = [row for row in html.split("<tr") if text in row]
    assert len(rows) == 1, f"expected one row mentioning {text!r}, found {len(rows)}"
    return rows[0].split("</tr>")[0]


# ---------------------------------------------------------------------------- who may work here

def test_staff_of_another_team_gets_404_everywhere_in_workspace_a(docs, client_for):
    w = docs
    outsider = client_for(other_staff())
    decided = Approval.objects.get(pk=w.approval_a.pk)
    gets = [url("root", w.ws_a.pk), url("trash", w.ws_a.pk), url("folder", w.folder_a.pk),
            url("folder_edit", w.folder_a.pk), url("folder_access", w.folder_a.pk),
            url("folder_delete", w.folder_a.pk), url("file", w.file_a.pk),
            url("file_delete", w.file_a.pk), url("request_approval", w.file_a.pk),
            url("download", w.version_a1.pk), url("restore_version", w.version_a1.pk),
            url("approval", decided.pk), url("certificate", decided.pk)]
    for target in gets:
        assert outsider.get(target).status_code == 404, target
    posts = {
        url("folder", w.folder_a.pk): {"name": "Sneaky"},
        url("upload", w.folder_a.pk): {"files": [pdf_upload("x.pdf")]},
        url("folder_access", w.folder_a.pk): {"view_audience": "workspace"},
        url("folder_delete", w.folder_a.pk): {},
        url("file_delete", w.file_a.pk): {},
        url("restore_version", w.version_a1.pk): {},
        url("cancel_approval", decided.pk): {},
        url("trash", w.ws_a.pk): {"kind": "folder", "id": w.folder_a.pk},
    }
    for target, data in posts.items():
        assert outsider.post(target, data).status_code == 404, target
    assert not Folder.objects.filter(name="Sneaky").exists()
    assert Folder.objects.get(pk=w.folder_a.pk).deleted_at is None
    assert File.objects.get(pk=w.file_a.pk).deleted_at is None
    assert Approval.objects.get(pk=decided.pk).status == Approval.Status.PENDING
    assert services.folder_grants(w.folder_a)["view"]["everyone"] is False
    # The team member of A is refused on B in the same way.
    staff = client_for(w.staff)
    assert staff.get(url("root", w.ws_b.pk)).status_code == 404
    assert staff.get(url("folder", w.folder_b.pk)).status_code == 404
    assert staff.get(url("file", w.file_b.pk)).status_code == 404
    # A contact never reaches the admin.
    response = client_for(w.contact_a).get(url("folder", w.folder_a.pk))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_files_button_on_the_workspace_page_and_approvals_in_the_menu(docs, client_for):
    w = docs
    edit = client_for(w.staff).get(reverse("wagtailadmin_pages:edit", args=[w.ws_a.pk]))
    assert url("root", w.ws_a.pk) in html_of(edit)
    content_page = client_for(w.staff).get(reverse("wagtailadmin_pages:edit",
                                                   args=[w.page_a.pk]))
    assert url("root", w.ws_a.pk) not in html_of(content_page)
    assert url("approvals") in html_of(client_for(w.staff).get(reverse("wagtailadmin_home")))


def test_folder_browser_lists_subfolders_and_files_with_their_details(docs, client_for):
    w = docs
    root = html_of(client_for(w.staff).get(url("root", w.ws_a.pk)))
    for folder in (w.folder_a, w.folder_a_shared, w.folder_a_staff):
        assert url("folder", folder.pk) in root
    assert url("folder", w.folder_b.pk) not in root
    assert url("folder", w.folder_a_sub.pk) not in root  # not at the top level

    response = client_for(w.staff).get(url("folder", w.folder_a.pk))
    assert response.status_code == 200
    html = html_of(response)
    assert url("folder", w.folder_a_sub.pk) in html
    row = row_for(html, "salaries.pdf")
    assert "staff@firm.test" in row
    assert re.search(r'class="num">\s*2\s*</td>', row)  # two versions
    assert f'href="{url("root", w.ws_a.pk)}"' in html  # breadcrumb back to the top
    # The access of the folder, in words.
    assert "ann@alpha.test" in html and "arno@alpha.test" not in html


# ---------------------------------------------------------------------------- folders

def test_a_new_folder_takes_its_parents_access(docs, client_for):
    w = docs
    response = client_for(w.staff).post(url("folder", w.folder_a.pk), {"name": "Bonuses"},
                                        follow=True)
    new = Folder.objects.get(name="Bonuses")
    assert new.parent == w.folder_a and new.workspace == w.ws_a and new.created_by == w.staff
    assert services.folder_grants(new) == services.folder_grants(w.folder_a)
    assert "It has the same access as “Payroll”." in texts_of(response)[0]
    folders = Folder.objects.all()
    assert new in access.visible(w.contact_a, w.ws_a, folders)
    assert new not in access.visible(w.contact_a2, w.ws_a, folders)
    assert logs(new, "documents.folder_create").get().user == w.staff


def test_a_new_folder_with_an_empty_name_is_refused(docs, client_for):
    w = docs
    before = Folder.objects.count()
    response = client_for(w.staff).post(url("folder", w.folder_a.pk), {"name": " ../ "})
    assert response.status_code == 400
    assert "Please give the folder a name." in html_of(response)
    assert Folder.objects.count() == before


def test_access_form_changes_what_a_contact_sees(docs, client_for):
    w = docs
    folders, files = Folder.objects.all(), File.objects.all()
    assert w.folder_a not in access.visible(w.contact_a2, w.ws_a, folders)
    form = client_for(w.staff).get(url("folder_access", w.folder_a.pk))
    assert 'value="selected"' in html_of(form)
    # The picker offers the workspace's active members, with name and email; a removed
    # contact who still holds the grant is not offered (the who-can-see table says why).
    assert "Arno" in html_of(form) and "&lt;arno@alpha.test&gt;" in html_of(form)
    assert "&lt;rita@alpha.test&gt;" not in html_of(form)

    response = client_for(w.staff).post(url("folder_access", w.folder_a.pk), {
        "view_audience": "selected", "view_users": [w.contact_a.pk, w.contact_a2.pk],
        "upload_audience": "staff", "manage_audience": "staff",
    })
    assert response.status_code == 302
    assert w.folder_a in access.visible(w.contact_a2, w.ws_a, folders)
    assert w.file_a in access.visible(w.contact_a2, w.ws_a, files)
    assert w.folder_a not in access.visible(w.contact_a2, w.ws_a, folders, action="upload")
    assert w.folder_a not in access.visible(w.contact_a, w.ws_a, folders, action="upload")
    entry = logs(w.folder_a, "documents.grants").get()
    assert entry.user == w.staff
    # The removed contact's grant is kept, not dropped silently: back in the workspace,
    # they find the folder again.
    assert entry.data["after"]["view"]["users"] == sorted([w.contact_a.pk, w.contact_a2.pk,
                                                           w.removed.pk])

    # Staff only hides it from everyone, whatever the grants.
    client_for(w.staff).post(url("folder_access", w.folder_a.pk), {
        "view_audience": "workspace", "upload_audience": "staff", "manage_audience": "staff",
        "staff_only": "on"})
    w.folder_a.refresh_from_db()
    w.folder_a_sub.refresh_from_db()
    assert w.folder_a.staff_only and w.folder_a_sub.staff_only
    for contact in (w.contact_a, w.contact_a2):
        assert not access.visible(contact, w.ws_a, folders.filter(pk=w.folder_a.pk)).exists()
    page = html_of(client_for(w.staff).get(url("folder_access", w.folder_a.pk)))
    assert "Marked firm staff only." in page


def test_access_form_refuses_chosen_contacts_without_a_choice(docs, client_for):
    w = docs
    before = services.folder_grants(w.folder_a)
    response = client_for(w.staff).post(url("folder_access", w.folder_a.pk), {
        "view_audience": "selected", "upload_audience": "staff", "manage_audience": "staff"})
    assert response.status_code == 400
    assert escape("Choose at least one contact, or pick “Firm staff only”.") in html_of(response)
    assert services.folder_grants(w.folder_a) == before


def test_folder_rename_and_move_stay_in_the_workspace_and_never_inside_itself(docs, client_for):
    w = docs
    staff = client_for(w.staff)
    picker = html_of(staff.get(url("folder_edit", w.folder_a.pk)))
    assert f'value="{w.folder_a_shared.pk}"' in picker
    assert f'value="{w.folder_a_sub.pk}"' not in picker  # inside itself
    assert f'value="{w.folder_b.pk}"' not in picker  # another workspace

    for target in (w.folder_a_sub, w.folder_b, w.folder_a):
        response = staff.post(url("folder_edit", w.folder_a.pk),
                              {"action": "move", "parent": target.pk})
        assert response.status_code == 400, target
    w.folder_a.refresh_from_db()
    assert w.folder_a.parent is None

    response = staff.post(url("folder_edit", w.folder_a.pk),
                          {"action": "move", "parent": w.folder_a_shared.pk})
    assert response.status_code == 302
    w.folder_a.refresh_from_db()
    w.folder_a_sub.refresh_from_db()
    assert w.folder_a.parent == w.folder_a_shared
    assert w.folder_a_sub.path.startswith(w.folder_a_shared.path)

    staff.post(url("folder_edit", w.folder_a.pk), {"action": "rename", "name": "Salaries"})
    w.folder_a.refresh_from_db()
    assert w.folder_a.name == "Salaries"
    assert logs(w.folder_a, "documents.rename").get().data == {"old": "Payroll",
                                                               "new": "Salaries"}


def test_deleting_a_folder_says_what_goes_with_it_and_moves_it_to_the_trash(docs, client_for):
    w = docs
    staff = client_for(w.staff)
    page = html_of(staff.get(url("folder_delete", w.folder_a.pk)))
    assert "The 1 folder inside it goes with it" in page
    assert "and 2 files." in page
    assert "restore it from the trash for 30 days" in page
    response = staff.post(url("folder_delete", w.folder_a.pk), follow=True)
    assert "It can be restored for 30 days." in texts_of(response)[0]
    for obj in (w.folder_a, w.folder_a_sub, w.file_a, w.image_a):
        obj.refresh_from_db()
        assert obj.deleted_at is not None and obj.deleted_by == w.staff
    assert staff.get(url("folder", w.folder_a.pk)).status_code == 404
    assert not access.visible(w.contact_a, w.ws_a, File.objects.filter(pk=w.file_a.pk)).exists()
    assert logs(w.folder_a, "documents.trash").get().user == w.staff


# ---------------------------------------------------------------------------- uploads

def test_several_files_at_once_with_a_message_for_each_refused_one(docs, client_for):
    w = docs
    before = File.objects.filter(folder=w.folder_a_shared).count()
    response = client_for(w.staff).post(url("upload", w.folder_a_shared.pk), {
        "files": [pdf_upload("minutes.pdf"), png_upload("logo.png"),
                  upload("blank.pdf", b"", "application/pdf")],
    }, follow=True)
    assert response.status_code == 200
    stored = File.objects.filter(folder=w.folder_a_shared)
    assert stored.count() == before + 2
    minutes = stored.get(name="minutes.pdf")
    assert minutes.current_version.blob.read() == pdf_bytes()
    assert minutes.created_by == w.staff
    assert stored.filter(name="logo.png").exists()
    assert not stored.filter(name="blank.pdf").exists()
    texts = texts_of(response)
    assert "“minutes.pdf” was uploaded." in texts
    assert "“logo.png” was uploaded." in texts
    # The refusal names the file, in the same sentence as the portal's.
    assert [t for t in texts if "blank.pdf" in t] == ["“blank.pdf” is empty (0 bytes)."]
    assert logs(minutes, "documents.upload").get().user == w.staff
    # Both are listed on the folder page.
    html = html_of(response)
    assert "minutes.pdf" in html and "logo.png" in html


@pytest.fixture
def one_megabyte_limit(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024**2
    settings.PORTAL_UPLOAD_MAX_REQUEST_BYTES = 8 * 1024**2


def test_oversized_and_disguised_uploads_are_refused_naming_each_file(docs, client_for,
                                                                      one_megabyte_limit):
    w = docs
    before = set(File.objects.filter(folder=w.folder_a_shared).values_list("name", flat=True))
    huge = upload("huge.pdf", pdf_bytes() + b"0" * 1024**2, "application/pdf")
    disguised = upload("invoice.pdf", b"<!DOCTYPE html><script>alert(1)</script>",
                       "application/pdf")
    response = client_for(w.staff).post(url("upload", w.folder_a_shared.pk), {
        "files": [huge, disguised, pdf_upload("minutes.pdf")]}, follow=True)
    assert response.status_code == 200
    texts = texts_of(response)
    assert "“huge.pdf” is larger than the 1\N{NO-BREAK SPACE}MB limit." in texts
    assert "“invoice.pdf” is an HTML page. This kind of file is not accepted." in texts
    assert "“minutes.pdf” was uploaded." in texts
    assert "Choose one or more files to upload." not in texts
    after = set(File.objects.filter(folder=w.folder_a_shared).values_list("name", flat=True))
    assert after - before == {"minutes.pdf"}


def test_an_oversized_file_alone_is_named_not_taken_for_no_file(docs, client_for,
                                                                one_megabyte_limit):
    w = docs
    response = client_for(w.staff).post(url("upload", w.folder_a_shared.pk), {
        "files": [upload("huge.pdf", pdf_bytes() + b"0" * 1024**2, "application/pdf")]},
        follow=True)
    assert texts_of(response) == ["“huge.pdf” is larger than the 1\N{NO-BREAK SPACE}MB limit."]
    assert not File.objects.filter(name="huge.pdf").exists()


def test_a_new_version_too_large_or_disguised_is_refused_naming_the_file(docs, client_for,
                                                                        one_megabyte_limit):
    w = docs
    staff = client_for(w.staff)
    versions = w.file_a.versions.count()
    response = staff.post(url("new_version", w.file_a.pk), {
        "file": upload("salaries-v3.pdf", pdf_bytes() + b"0" * 1024**2, "application/pdf")},
        follow=True)
    assert texts_of(response) == [
        "“salaries-v3.pdf” is larger than the 1\N{NO-BREAK SPACE}MB limit."]
    response = staff.post(url("new_version", w.file_a.pk), {
        "file": upload("salaries-v3.pdf", b"<svg onload='alert(1)'></svg>", "application/pdf")},
        follow=True)
    assert [t for t in texts_of(response) if "salaries-v3.pdf" in t] == [
        "“salaries-v3.pdf” is an SVG image (which can run scripts). This kind of file is not "
        "accepted."]
    assert w.file_a.versions.count() == versions


def test_admin_uploads_still_check_csrf(docs):
    from django.test import Client

    from ..portal_login import force_portal_login

    w = docs
    client = Client(enforce_csrf_checks=True)
    force_portal_login(client, w.staff)
    response = client.post(url("upload", w.folder_a_shared.pk),
                           {"files": [pdf_upload("minutes.pdf")]})
    assert response.status_code == 403
    assert not File.objects.filter(name="minutes.pdf").exists()


def test_an_upload_never_overwrites_a_namesake(docs, client_for):
    w = docs
    original = w.file_a.current_version.sha256
    response = client_for(w.staff).post(url("upload", w.folder_a.pk),
                                        {"files": [pdf_upload("salaries.pdf", pages=3)]},
                                        follow=True)
    assert "“salaries.pdf” was uploaded as “salaries (2).pdf”." in texts_of(response)
    w.file_a.refresh_from_db()
    assert w.file_a.current_version.sha256 == original
    assert File.objects.filter(folder=w.folder_a, name="salaries (2).pdf").exists()


def test_posting_no_file_says_so(docs, client_for):
    w = docs
    response = client_for(w.staff).post(url("upload", w.folder_a.pk), {}, follow=True)
    assert "Choose one or more files to upload." in texts_of(response)


# ---------------------------------------------------------------------------- a file

def test_file_page_shows_the_version_history(docs, client_for):
    w = docs
    html = html_of(client_for(w.staff).get(url("file", w.file_a.pk)))
    v1, v2 = w.version_a1, w.file_a.current_version
    for version in (v1, v2):
        assert version.sha256[:12] in html
        assert url("download", version.pk) in html
    assert url("restore_version", v1.pk) in html
    assert url("restore_version", v2.pk) not in html  # already current
    assert "staff@firm.test" in row_for(html, v1.sha256[:12])


def test_any_version_downloads_and_an_old_one_can_be_made_current(docs, client_for):
    w = docs
    staff = client_for(w.staff)
    old = w.version_a1
    old_bytes = old.blob.open("rb").read()
    response = staff.get(url("download", old.pk))
    assert response.status_code == 200
    assert body_of(response) == old_bytes
    assert 'attachment; filename="salaries (v1).pdf"' in response["Content-Disposition"]

    confirm = html_of(staff.get(url("restore_version", old.pk)))
    assert "Make version 1 of" in confirm and "no version is deleted" in confirm
    response = staff.post(url("restore_version", old.pk), follow=True)
    assert "Version 1 is current again, as version 3. No version was deleted." in texts_of(
        response)
    w.file_a.refresh_from_db()
    current = w.file_a.current_version
    assert current.number == 3 and current.sha256 == old.sha256
    assert w.file_a.versions.count() == 3
    assert body_of(staff.get(url("download", current.pk))) == old_bytes
    assert current.uploaded_by == w.staff
    assert logs(w.file_a, "documents.restore_version").get().data["from"] == 1


def test_a_new_version_keeps_the_old_ones(docs, client_for):
    w = docs
    new_bytes = pdf_bytes(pages=4)
    response = client_for(w.staff).post(url("new_version", w.file_a.pk), {
        "file": upload("salaries-final.pdf", new_bytes, "application/pdf"),
        "comment": "Final figures"}, follow=True)
    assert "Version 3 of “salaries.pdf” uploaded; the earlier versions are kept." in texts_of(
        response)
    w.file_a.refresh_from_db()
    assert w.file_a.name == "salaries.pdf"
    assert w.file_a.current_version.blob.open("rb").read() == new_bytes
    assert w.file_a.current_version.comment == "Final figures"
    assert w.file_a.versions.count() == 3
    assert logs(w.file_a, "documents.version").get().data["version"] == 3


def test_rename_move_and_delete_a_file(docs, client_for):
    w = docs
    staff = client_for(w.staff)
    staff.post(url("file", w.file_a.pk), {"action": "rename", "name": "pay.exe"})
    w.file_a.refresh_from_db()
    assert w.file_a.name == "pay.pdf"  # the checked extension stays
    assert f'value="{w.folder_b.pk}"' not in html_of(staff.get(url("file", w.file_a.pk)))
    assert staff.post(url("file", w.file_a.pk),
                      {"action": "move", "folder": w.folder_b.pk}).status_code == 400
    staff.post(url("file", w.file_a.pk), {"action": "move", "folder": w.folder_a_shared.pk})
    w.file_a.refresh_from_db()
    assert w.file_a.folder == w.folder_a_shared
    assert w.file_a in access.visible(w.contact_a2, w.ws_a, File.objects.all())

    page = html_of(staff.get(url("file_delete", w.file_a.pk)))
    assert "All 2 versions go with it." in page and "30 days" in page
    staff.post(url("file_delete", w.file_a.pk))
    w.file_a.refresh_from_db()
    assert w.file_a.in_trash and w.file_a.versions.count() == 2
    assert staff.get(url("file", w.file_a.pk)).status_code == 404


def who_panel(response):
    return html_of(response).split('id="who-can-see-heading"')[1]


def test_who_can_see_a_file_names_the_reason(docs, client_for):
    w = docs
    html = who_panel(client_for(w.staff).get(url("file", w.file_a.pk)))
    allowed = row_for(html, "ann@alpha.test")
    assert "Yes" in allowed and "Granted to this contact personally." in allowed
    refused = row_for(html, "arno@alpha.test")
    assert ">No<" in refused
    assert escape("Follows its folder “Payroll”: Not granted to this contact or to the whole "
                  "workspace.") in refused
    folder_html = who_panel(client_for(w.staff).get(url("folder_access", w.folder_a.pk)))
    assert "Not granted to this contact or to the whole workspace." in row_for(
        folder_html, "arno@alpha.test")
    assert ">Yes<" in row_for(folder_html, "ann@alpha.test")


# ---------------------------------------------------------------------------- approvals

def test_request_approval_creates_it_and_emails_the_contact(docs, client_for,
                                                            django_capture_on_commit_callbacks):
    w = docs
    due = timezone.localdate() + datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.staff).post(url("request_approval", w.image_a.pk), {
            "reviewers": [w.contact_a.pk], "message": "Is the chart right?",
            "due_date": due.isoformat()})
    assert response.status_code == 302
    approval = Approval.objects.get(file=w.image_a)
    assert response["Location"] == url("approval", approval.pk)
    assert list(approval.reviewers.all()) == [w.contact_a]
    assert approval.version == w.image_a.current_version
    assert approval.due_date == due and approval.message == "Is the chart right?"
    assert approval.requested_by == w.staff and approval.status == Approval.Status.PENDING
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"]]
    assert logs(approval, "documents.approval_request").get().user == w.staff


def test_request_approval_refuses_a_contact_who_cannot_see_the_file(docs, client_for):
    w = docs
    form = html_of(client_for(w.staff).get(url("request_approval", w.image_a.pk)))
    assert "&lt;arno@alpha.test&gt; (cannot see this file)" in form
    assert "ann@alpha.test&gt; (cannot see" not in form
    response = client_for(w.staff).post(url("request_approval", w.image_a.pk), {
        "reviewers": [w.contact_a.pk, w.contact_a2.pk], "message": "?"})
    assert response.status_code == 400
    html = html_of(response)
    assert "arno@alpha.test cannot see this file" in html
    assert "Not granted to this contact or to the whole workspace." in html
    past = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(w.staff).post(url("request_approval", w.image_a.pk), {
        "reviewers": [w.contact_a.pk], "due_date": past.isoformat()})
    assert "The due date is in the past." in html_of(response)
    assert not Approval.objects.filter(file=w.image_a).exists()
    assert mail.outbox == []


def test_approval_queue_is_filtered_by_status_and_team(docs, client_for):
    w = docs
    Approval.objects.filter(pk=w.approval_a.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2))
    other = Approval.objects.create(workspace=w.ws_b, file=w.file_b,
                                    version=w.file_b.current_version, requested_by=w.admin)
    staff = client_for(w.staff)
    html = html_of(staff.get(url("approvals")))
    row = row_for(html, url("approval", w.approval_a.pk))
    assert "salaries.pdf" in row and "ann@alpha.test" in row and "overdue" in row
    assert url("approval", other.pk) not in html  # not this staff member's workspace
    assert url("approval", w.approval_a.pk) not in html_of(
        staff.get(url("approvals") + "?status=approved"))
    assert url("approval", w.approval_a.pk) in html_of(
        staff.get(url("approvals") + "?status=pending"))
    admin_html = html_of(client_for(w.admin).get(url("approvals")))
    assert url("approval", other.pk) in admin_html
    assert url("approval", w.approval_a.pk) not in html_of(
        client_for(other_staff()).get(url("approvals")))


def test_approval_detail_shows_decisions_and_the_request_can_be_cancelled(docs, client_for):
    w = docs
    version = w.file_a.current_version
    ApprovalDecision.objects.create(
        approval=w.approval_a, version=version, sha256=version.sha256, user=w.contact_a,
        user_name="Ann Alpha", user_email="ann@alpha.test", decision="changes",
        comment="Row 3 is wrong", ip_address="203.0.113.7")
    staff = client_for(w.staff)
    html = html_of(staff.get(url("approval", w.approval_a.pk)))
    row = row_for(html, "Ann Alpha")
    for text in ("203.0.113.7", version.sha256, "Row 3 is wrong", "Changes requested"):
        assert text in row
    assert url("cancel_approval", w.approval_a.pk) in html
    assert staff.get(url("certificate", w.approval_a.pk)).status_code == 404  # undecided

    response = staff.post(url("cancel_approval", w.approval_a.pk), follow=True)
    assert "was cancelled" in texts_of(response)[0]
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.CANCELLED
    assert w.approval_a.decisions.count() == 1  # decisions are kept
    assert logs(w.approval_a, "documents.approval_cancel").get().user == w.staff


def test_sign_off_certificate_downloads_as_a_pdf(docs, client_for):
    w = docs
    version = w.file_a.current_version
    ApprovalDecision.objects.create(
        approval=w.approval_a, version=version, sha256=version.sha256, user=w.contact_a,
        user_name="Ann Alpha", user_email="ann@alpha.test", decision="approved",
        ip_address="203.0.113.7")
    Approval.objects.filter(pk=w.approval_a.pk).update(status=Approval.Status.APPROVED,
                                                       decided_at=timezone.now())
    staff = client_for(w.staff)
    assert url("certificate", w.approval_a.pk) in html_of(staff.get(url("approval",
                                                                        w.approval_a.pk)))
    response = staff.get(url("certificate", w.approval_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert_served_safely(response, "sign-off salaries v2.pdf")


@pytest.mark.parametrize("outsider", ["removed", "contact_b", "staff"])
def test_access_form_refuses_a_contact_who_is_not_an_active_member(docs, client_for,
                                                                   outsider):
    w = docs
    before = services.folder_grants(w.folder_a)
    response = client_for(w.staff).post(url("folder_access", w.folder_a.pk), {
        "view_audience": "selected", "view_users": [w.contact_a.pk, getattr(w, outsider).pk],
        "upload_audience": "staff", "manage_audience": "staff"})
    assert response.status_code == 400
    assert "Only active members of this workspace can be chosen" in html_of(response)
    assert services.folder_grants(w.folder_a) == before
