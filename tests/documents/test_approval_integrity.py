"""Approvals that cannot be gamed: while a request is open only the firm adds versions, and
every decision, approval email and certificate names who uploaded the version decided on.

World: `tests.conftest.build_documents`. contact_a may view, upload to and manage "Payroll",
where file_a (two versions, uploaded by staff) awaits contact_a's approval (approval_a).
"""

import os
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.urls import reverse
from pypdf import PdfReader

from documents import approvals, services
from documents.certificate import certificate_pdf
from documents.models import Approval, ApprovalDecision

from ..samples import pdf_upload

pytestmark = pytest.mark.django_db

WAITING = "This file is waiting for approval; the firm can add a new version."
SIGNED_OFF = "This file has been signed off; the firm can add a new version."
APPROVED = ApprovalDecision.Decision.APPROVED


def stored_blobs():
    """Every file in the private storage (local in tests)."""
    root = storages["private"].location
    return {os.path.relpath(os.path.join(top, name), root)
            for top, _dirs, names in os.walk(root) for name in names}


def portal(name, w, *args):
    return reverse(f"documents:{name}", args=[w.ws_a.slug, *args])


def pdf_text(pdf, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------------------- versions

def test_service_refuses_a_contacts_version_while_their_approval_is_pending(docs):
    w = docs
    before = stored_blobs()
    with pytest.raises(ValidationError) as refused:
        services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3), user=w.contact_a)
    assert refused.value.messages == [WAITING]
    # Restoring an old version is adding one, too.
    with pytest.raises(ValidationError, match="waiting for approval"):
        services.restore_version(w.version_a1, user=w.contact_a)
    w.file_a.refresh_from_db()
    assert w.file_a.versions.count() == 2 and w.file_a.current_version.number == 2
    assert stored_blobs() == before
    w.approval_a.refresh_from_db()
    assert w.approval_a.version == w.file_a.current_version
    assert not ApprovalDecision.objects.exists()


def test_portal_says_why_and_stores_nothing(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    page = client.get(portal("file", w, w.file_a.pk)).content.decode()
    # The page explains instead of offering a form that cannot succeed.
    assert WAITING in page
    assert portal("new_version", w, w.file_a.pk) not in page
    before = stored_blobs()
    response = client.post(portal("new_version", w, w.file_a.pk),
                           {"file": pdf_upload("salaries.pdf", pages=3),
                            "comment": "My own figures"}, follow=True)
    page = response.content.decode()
    assert "message-error" in page and WAITING in page
    assert "Version 3" not in page and "My own figures" not in page
    assert w.file_a.versions.count() == 2
    assert stored_blobs() == before
    # So the contact has nothing of their own to approve: the request is still on version 2.
    w.approval_a.refresh_from_db()
    assert w.approval_a.version.number == 2 and w.approval_a.status == Approval.Status.PENDING


def test_a_signed_off_file_takes_no_contact_version_and_a_withdrawn_request_frees_it(
        docs, client_for):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, APPROVED)
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.APPROVED
    client = client_for(w.contact_a)
    assert SIGNED_OFF in client.get(portal("file", w, w.file_a.pk)).content.decode()
    with pytest.raises(ValidationError, match="signed off"):
        services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3), user=w.contact_a)
    assert w.file_a.versions.count() == 2
    # Once the firm withdraws the request, the contact may upload again.
    approvals.cancel(w.approval_a, w.staff)
    page = client.get(portal("file", w, w.file_a.pk)).content.decode()
    assert SIGNED_OFF not in page and portal("new_version", w, w.file_a.pk) in page
    version = services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3),
                                   user=w.contact_a)
    assert version.number == 3 and version.uploaded_by == w.contact_a


def test_a_file_without_a_request_still_takes_contact_versions(docs):
    w = docs
    version = services.add_version(w.file_a_shared, pdf_upload("handbook.pdf", pages=2),
                                   user=w.contact_a2)
    assert version.number == 2


def test_staff_add_a_version_and_the_request_is_pending_again(
        docs, client_for, django_capture_on_commit_callbacks):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.staff).post(
            reverse("documents_admin:new_version", args=[w.file_a.pk]),
            {"file": pdf_upload("salaries.pdf", pages=3), "comment": "Corrected"}, follow=True)
    page = response.content.decode()
    assert "Version 3 of “salaries.pdf” uploaded" in page
    assert "The approval request went back to pending on version 3" in page
    w.file_a.refresh_from_db()
    assert w.file_a.versions.count() == 3
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.PENDING
    assert w.approval_a.version == w.file_a.current_version
    assert w.approval_a.version.uploaded_by == w.staff
    # The contact is asked again, and told who uploaded the new version.
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"]]
    uploader = f"Version 3 was uploaded by {w.staff.get_full_name()} (staff@firm.test)."
    assert uploader in mail.outbox[0].body
    assert uploader in mail.outbox[0].alternatives[0][0]


# ---------------------------------------------------------------------------- who uploaded

@pytest.fixture
def arnos_file(docs, django_capture_on_commit_callbacks):
    """A file uploaded by contact_a2 (Arno) in "Shared", whose approval staff ask of Ann."""
    w = docs
    w.arnos = services.add_file(w.folder_a_shared, pdf_upload("minutes.pdf"),
                                user=w.contact_a2)
    w.arno_name = w.contact_a2.get_full_name()
    with django_capture_on_commit_callbacks(execute=True):
        w.arnos_approval = approvals.request_approval(w.arnos, [w.contact_a], "Sign, please.",
                                                      requested_by=w.staff)
    return w


def test_the_request_email_names_the_uploader(arnos_file):
    w = arnos_file
    asked = mail.outbox[-1]
    assert asked.to == ["ann@alpha.test"]
    line = f"Version 1 was uploaded by {w.arno_name} (arno@alpha.test)."
    assert line in asked.body and line in asked.alternatives[0][0]


def test_decision_decided_email_and_certificate_name_the_uploader_as_they_were(
        arnos_file, client_for, django_capture_on_commit_callbacks, tmp_path):
    w = arnos_file
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.contact_a).post(
            reverse("approvals:decide", args=[w.ws_a.slug, w.arnos_approval.pk]),
            {"decision": "approved", "version": w.arnos.current_version_id})
    assert response.status_code == 302
    decision = ApprovalDecision.objects.get(approval=w.arnos_approval)
    assert (decision.uploader_name, decision.uploader_email) == (w.arno_name,
                                                                 "arno@alpha.test")
    # The firm's email says whose version was approved, not only "approved (version 1)".
    told = mail.outbox[-1]
    assert told.to == ["staff@firm.test"]
    line = f"Version 1 was uploaded by {w.arno_name} (arno@alpha.test)."
    assert line in told.body and line in told.alternatives[0][0]

    # Arno is renamed later: the record keeps the name he had.
    w.contact_a2.first_name, w.contact_a2.last_name = "Renamed", "Person"
    w.contact_a2.save()
    # Without spaces: text extraction splits kerned pairs ("T ate" for "Tate").
    text = pdf_text(certificate_pdf(w.arnos_approval), tmp_path).replace(" ", "")
    assert f"Versionuploadedby{w.arno_name}(arno@alpha.test)".replace(" ", "") in text
    assert "RenamedPerson" in text  # the version's current uploader, in its facts
    # The admin's and the portal's histories say it too.
    admin = client_for(w.staff).get(
        reverse("documents_admin:approval", args=[w.arnos_approval.pk])).content.decode()
    assert f"uploaded by {w.arno_name} &lt;arno@alpha.test&gt;" in admin
    detail = client_for(w.contact_a).get(
        reverse("approvals:detail", args=[w.ws_a.slug, w.arnos_approval.pk])).content.decode()
    assert f"version uploaded by {w.arno_name} (arno@alpha.test)" in detail


def test_the_certificate_names_each_decided_versions_uploader(docs, tmp_path):
    """Version 2 (by staff) is approved; version 3 (by the firm's admin) is decided on again:
    each decision names the uploader of its own version."""
    w = docs
    approvals.decide(w.approval_a, w.contact_a, APPROVED, ip="203.0.113.7")
    services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3), user=w.admin)
    approvals.decide(w.approval_a, w.contact_a, APPROVED, ip="203.0.113.8")
    # Without spaces: text extraction splits kerned pairs ("T eller" for "Teller").
    text = pdf_text(certificate_pdf(w.approval_a), tmp_path).replace(" ", "")

    def at(words, start=0):
        return text.index(words.replace(" ", ""), start)

    mine = at("203.0.113.8")
    earlier = at("Decisions on earlier versions")
    assert at(f"Version uploaded by {w.admin.get_full_name()} (admin@firm.test)", mine) < earlier
    assert at(f"Version uploaded by {w.staff.get_full_name()} (staff@firm.test)", earlier)
