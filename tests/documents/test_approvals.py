"""Approvals and sign-off: what the contact sees and does, what is recorded, who is told."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from documents import approvals, services
from documents.models import Approval, ApprovalDecision

from ..samples import pdf_upload
from ..served import assert_served_safely

pytestmark = pytest.mark.django_db

APPROVED = ApprovalDecision.Decision.APPROVED
CHANGES = ApprovalDecision.Decision.CHANGES


def _url(name, w, approval=None):
    args = [w.ws_a.slug] + ([approval.pk] if approval is not None else [])
    return reverse(f"approvals:{name}", args=args)


def _post_decision(client, w, approval, decision="approved", comment="", **extra):
    data = {"decision": decision, "comment": comment,
            "version": extra.pop("version", approval.version_id)}
    return client.post(_url("decide", w, approval), data, **extra)


# ---------------------------------------------------------------------------- binding

def test_decision_binds_exact_version_and_sha256(docs, client_for):
    w = docs
    current = w.file_a.current_version
    assert current.number == 2
    response = _post_decision(client_for(w.contact_a), w, w.approval_a, "approved",
                              "Looks right.", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    decision = ApprovalDecision.objects.get(approval=w.approval_a)
    assert decision.version == current
    assert decision.sha256 == current.sha256 and len(decision.sha256) == 64
    assert decision.ip_address == "203.0.113.7"
    assert decision.user == w.contact_a
    assert decision.user_email == "ann@alpha.test"
    assert decision.user_name == w.contact_a.get_full_name()
    assert decision.comment == "Looks right."
    assert timezone.now() - decision.decided_at < datetime.timedelta(minutes=1)
    w.approval_a.refresh_from_db()
    # The revoked and removed reviewers can no longer decide: Ann's approval settles it.
    assert w.approval_a.status == Approval.Status.APPROVED
    assert w.approval_a.decided_at is not None


def test_new_version_resets_to_pending_and_old_decision_stays_on_old_version(
        docs, client_for, django_capture_on_commit_callbacks):
    w = docs
    old = w.file_a.current_version
    approvals.decide(w.approval_a, w.contact_a, APPROVED, ip="198.51.100.1")
    with django_capture_on_commit_callbacks(execute=True):
        new = services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=3), user=w.staff)
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.PENDING
    assert w.approval_a.version == new and new.number == 3
    assert w.approval_a.decided_at is None
    old_decision = ApprovalDecision.objects.get(approval=w.approval_a)
    assert old_decision.version == old and old_decision.sha256 == old.sha256
    assert old_decision.sha256 != new.sha256
    # Ann is told that version 3 awaits her; the revoked and removed contacts are not.
    assert [m.to for m in mail.outbox] == [["ann@alpha.test"]]
    assert "Version 3" in mail.outbox[0].subject
    # The page asks again, for version 3, and shows the old decision in the history.
    page = client_for(w.contact_a).get(_url("detail", w, w.approval_a)).content.decode()
    assert "Do you approve version 3?" in page
    assert new.sha256 in page
    assert "version 2" in page
    # She decides on version 3: a second, separate record.
    approvals.decide(w.approval_a, w.contact_a, APPROVED)
    assert list(w.approval_a.decisions.values_list("version__number", flat=True)
                .order_by("decided_at")) == [2, 3]


def test_second_decision_on_same_version_is_refused(docs, client_for):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, CHANGES, comment="Fix the totals.")
    with pytest.raises(ValidationError, match="You have already decided on version 2"):
        approvals.decide(w.approval_a, w.contact_a, APPROVED)
    # Posting again through the page changes nothing and says why.
    response = _post_decision(client_for(w.contact_a), w, w.approval_a, "approved")
    assert response.status_code == 400
    assert "You have already decided on version 2" in response.content.decode()
    assert ApprovalDecision.objects.filter(approval=w.approval_a).count() == 1
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.CHANGES


def test_decision_on_a_version_not_seen_is_refused(docs, client_for):
    """The form carries the version shown; a newer one uploaded meanwhile is not signed."""
    w = docs
    shown = w.approval_a.version_id
    services.add_version(w.file_a, pdf_upload("salaries.pdf", pages=4), user=w.staff)
    response = _post_decision(client_for(w.contact_a), w, w.approval_a, version=shown)
    assert response.status_code == 400
    assert "Version 3 was uploaded since you opened this page" in response.content.decode()
    assert not ApprovalDecision.objects.exists()


def test_changes_need_a_comment(docs, client_for):
    w = docs
    response = _post_decision(client_for(w.contact_a), w, w.approval_a, "changes", "  ")
    assert response.status_code == 400
    assert "a comment is required when you request changes" in response.content.decode()
    assert not ApprovalDecision.objects.exists()


def test_tampered_blob_is_not_signed(docs):
    w = docs
    version = w.file_a.current_version
    with open(version.blob.path, "ab") as handle:
        handle.write(b"% tampered")
    with pytest.raises(ValidationError, match="no longer matches the fingerprint"):
        approvals.decide(w.approval_a, w.contact_a, APPROVED)
    assert not ApprovalDecision.objects.exists()
    w.approval_a.refresh_from_db()
    assert w.approval_a.status == Approval.Status.PENDING


def test_decisions_cannot_be_changed_or_deleted(docs):
    w = docs
    decision = approvals.decide(w.approval_a, w.contact_a, CHANGES, comment="Wrong year.")
    decision.decision = APPROVED
    with pytest.raises(ValidationError, match="cannot be changed"):
        decision.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        decision.delete()
    stored = ApprovalDecision.objects.get(pk=decision.pk)
    assert stored.decision == CHANGES and stored.comment == "Wrong year."


def test_every_reviewer_must_approve(docs):
    w = docs
    services.set_folder_grants(w.folder_a_shared, {"view": {"everyone": True}})
    approval = approvals.request_approval(w.file_a_shared, [w.contact_a, w.contact_a2],
                                          "Both of you, please.", None, w.staff)
    approvals.decide(approval, w.contact_a, APPROVED)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.PENDING
    approvals.decide(approval, w.contact_a2, APPROVED)
    approval.refresh_from_db()
    assert approval.status == Approval.Status.APPROVED


def test_cancelled_request_disappears_and_cannot_be_decided(docs, client_for):
    w = docs
    with pytest.raises(Exception, match="Only firm staff"):
        approvals.cancel(w.approval_a, w.contact_a)
    approvals.cancel(w.approval_a, w.staff)
    client = client_for(w.contact_a)
    assert client.get(_url("detail", w, w.approval_a)).status_code == 404
    assert _post_decision(client, w, w.approval_a).status_code == 404
    assert "salaries.pdf" not in client.get(_url("queue", w)).content.decode()
    assert not ApprovalDecision.objects.exists()


# ---------------------------------------------------------------------------- who

def test_request_refuses_reviewers_who_cannot_see_the_file(docs):
    w = docs
    with pytest.raises(ValidationError) as error:
        approvals.request_approval(w.file_a, [w.contact_a, w.contact_a2, w.contact_b],
                                   "", None, w.staff)
    messages = " ".join(error.value.messages)
    assert "Arno" in messages and "cannot see this file" in messages
    assert "Bea" in messages and "Not a member of this workspace" in messages
    with pytest.raises(ValidationError, match="Choose at least one contact"):
        approvals.request_approval(w.file_a, [], "", None, w.staff)
    with pytest.raises(ValidationError, match="firm staff"):
        approvals.request_approval(w.file_a, [w.staff], "", None, w.staff)
    assert Approval.objects.count() == 1  # only the fixture's


def test_unpermitted_contacts_get_404_on_every_route(docs, client_for):
    w = docs
    approvals.decide(w.approval_a, w.contact_a, APPROVED)  # so the certificate exists
    routes = [("get", _url("detail", w, w.approval_a)),
              ("get", _url("certificate", w, w.approval_a)),
              ("post", _url("decide", w, w.approval_a))]
    for user in (w.contact_a2, w.contact_b, w.revoked, w.removed):
        client = client_for(user)
        for method, url in routes:
            response = getattr(client, method)(url, {"decision": "approved",
                                                     "version": w.approval_a.version_id}
                                               if method == "post" else None)
            assert response.status_code == 404, (user.email, url, response.status_code)
    # A reviewer whose folder grant is withdrawn loses the request too.
    services.set_folder_grants(w.folder_a, {"view": {"users": {w.contact_a2.pk}}})
    client = client_for(w.contact_a)
    for method, url in routes[:2]:
        assert getattr(client, method)(url).status_code == 404
    assert "salaries.pdf" not in client.get(_url("queue", w)).content.decode()
    assert ApprovalDecision.objects.count() == 1


def test_non_reviewer_with_the_grant_gets_404(docs, client_for):
    """Seeing the file is not enough: only the contacts asked reach the request."""
    w = docs
    services.set_folder_grants(w.folder_a, {"view": {"users": {w.contact_a.pk,
                                                               w.contact_a2.pk}}})
    client = client_for(w.contact_a2)
    assert client.get(_url("detail", w, w.approval_a)).status_code == 404
    assert _post_decision(client, w, w.approval_a).status_code == 404
    assert not ApprovalDecision.objects.exists()


def test_certificate_only_when_decided(docs, client_for):
    w = docs
    client = client_for(w.contact_a)
    assert client.get(_url("certificate", w, w.approval_a)).status_code == 404
    approvals.decide(w.approval_a, w.contact_a, APPROVED)
    response = client.get(_url("certificate", w, w.approval_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    # Opens in the browser's PDF viewer, under the same sandbox as a served PDF.
    assert_served_safely(response, "sign-off-salaries-v2.pdf", inline=True)


def test_preview_as_contact_cannot_decide(docs, client):
    from workspaces.middleware import PREVIEW_SESSION_KEY

    w = docs
    client.force_login(w.admin, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[PREVIEW_SESSION_KEY] = {"contact": w.contact_a.pk, "workspace": w.ws_a.pk}
    session.save()
    page = client.get(_url("detail", w, w.approval_a))
    assert page.status_code == 200
    assert "Nothing can be decided in a preview" in page.content.decode()
    assert 'name="decision"' not in page.content.decode()
    assert _post_decision(client, w, w.approval_a).status_code == 403
    assert not ApprovalDecision.objects.exists()


# ---------------------------------------------------------------------------- pages

def test_comment_html_is_shown_escaped(docs, client_for):
    w = docs
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = _post_decision(client_for(w.contact_a), w, w.approval_a, "changes", hostile)
    assert response.status_code == 302
    assert ApprovalDecision.objects.get().comment == hostile  # stored as typed
    page = client_for(w.contact_a).get(_url("detail", w, w.approval_a)).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_detail_shows_version_hash_message_and_links(docs, client_for):
    w = docs
    page = client_for(w.contact_a).get(_url("detail", w, w.approval_a)).content.decode()
    version = w.file_a.current_version
    assert "salaries.pdf" in page
    assert version.sha256 in page
    assert "Please approve the payroll summary." in page
    assert "Do you approve version 2?" in page
    assert 'name="decision" value="approved"' in page
    assert reverse("approvals:queue", args=[w.ws_a.slug]) in page
    assert reverse("documents:file", args=[w.ws_a.slug, w.file_a.pk]) in page
    assert reverse("documents:file_download", args=[w.ws_a.slug, w.file_a.pk]) in page


def test_queue_lists_pending_first_with_due_dates(docs, client_for):
    w = docs
    w.approval_a.due_date = timezone.localdate() - datetime.timedelta(days=2)
    w.approval_a.save()
    decided = approvals.request_approval(w.image_a, [w.contact_a], "", None, w.staff)
    approvals.decide(decided, w.contact_a, APPROVED)
    page = client_for(w.contact_a).get(_url("queue", w)).content.decode()
    waiting = page.index("Waiting for your decision")
    assert waiting < page.index("salaries.pdf") < page.index("Decided") < page.index("chart.png")
    assert "Overdue: was due" in page
    # contact_a2 is asked nothing: the queue is empty for them.
    other = client_for(w.contact_a2).get(_url("queue", w)).content.decode()
    assert "salaries.pdf" not in other and "Nothing is waiting for your decision." in other


def test_dashboard_panel_lists_pending_approvals(docs, client_for):
    w = docs
    dashboard = client_for(w.contact_a).get(w.ws_a.url).content.decode()
    assert "Waiting for your approval" in dashboard
    assert _url("detail", w, w.approval_a) in dashboard
    # Nothing for a contact asked nothing, and nothing once Ann has decided.
    assert "Waiting for your approval" not in client_for(w.contact_a2).get(
        w.ws_a.url).content.decode()
    approvals.decide(w.approval_a, w.contact_a, APPROVED)
    assert "Waiting for your approval" not in client_for(w.contact_a).get(
        w.ws_a.url).content.decode()


def test_visible_approvals_is_one_query(docs, django_assert_num_queries):
    from workspaces.access import firm_settings_for

    w = docs
    firm = firm_settings_for(w.ws_a)  # a view has it already (the shell's branding)
    approvals.visible_approvals(w.contact_a, w.ws_a, firm).count()  # membership: per request
    with django_assert_num_queries(1):
        assert list(approvals.visible_approvals(w.contact_a, w.ws_a, firm)) == [w.approval_a]
    # Not asked, or not granted the folder: nothing.
    assert not approvals.visible_approvals(w.contact_a2, w.ws_a).exists()
    assert not approvals.visible_approvals(w.contact_b, w.ws_a).exists()


# ---------------------------------------------------------------------------- email

def test_emails_on_request_and_on_decision(docs, client_for,
                                           django_capture_on_commit_callbacks):
    w = docs
    w.firm.email_sender_name = "Acme Advisers"
    w.firm.email_sender_address = "hello@acme.test"
    w.firm.save()
    due = timezone.localdate() + datetime.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        approval = approvals.request_approval(w.image_a, [w.contact_a], "Check the chart.",
                                              due, w.staff)
    assert len(mail.outbox) == 1
    asked = mail.outbox[0]
    assert asked.to == ["ann@alpha.test"]
    assert asked.from_email == "Acme Advisers <hello@acme.test>"
    assert "chart.png" in asked.subject
    link = "http://testserver" + _url("detail", w, approval)
    assert link in asked.body and "Check the chart." in asked.body
    assert link in asked.alternatives[0][0]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_decision(client_for(w.contact_a), w, approval, "changes",
                                  "Make the bars <blue>.")
    assert response.status_code == 302
    # The staff member who asked (also the workspace's team) hears of it, once.
    assert [m.to for m in mail.outbox] == [["staff@firm.test"]]
    told = mail.outbox[0]
    assert "requested changes" in told.subject and "chart.png" in told.subject
    assert "Make the bars <blue>." in told.body
    assert "Make the bars &lt;blue&gt;." in told.alternatives[0][0]
    assert "http://testserver/admin/" in told.body  # to the request in the staff admin


def test_a_garbled_address_records_no_ip_rather_than_failing(docs, client_for, settings):
    w = docs
    settings.PORTAL_PROXY_COUNT = 1
    response = _post_decision(client_for(w.contact_a), w, w.approval_a,
                              HTTP_X_FORWARDED_FOR="not-an-ip")
    assert response.status_code == 302
    assert ApprovalDecision.objects.get().ip_address is None


def test_address_behind_the_proxy_is_the_clients(docs, client_for, settings):
    w = docs
    settings.PORTAL_PROXY_COUNT = 1
    _post_decision(client_for(w.contact_a), w, w.approval_a,
                   HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.23", REMOTE_ADDR="10.0.0.2")
    assert ApprovalDecision.objects.get().ip_address == "198.51.100.23"


def test_a_post_without_the_version_shown_is_refused_clearly(docs, client_for):
    w = docs
    response = client_for(w.contact_a).post(_url("decide", w, w.approval_a),
                                            {"decision": "approved"})
    assert response.status_code == 400
    assert "This page was out of date" in response.content.decode()
    assert not ApprovalDecision.objects.exists()
