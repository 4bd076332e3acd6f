"""Isolation cases for the approvals routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_documents`: objects in folder_a are for contact_a only.
approval_a (on file_a in folder_a) asks contact_a, the revoked and the removed contacts;
contact_a2 is a member of A who is neither asked nor granted the folder.
"""

from django.urls import reverse

from .cases import OBJECT, Case


def _decided(w):
    """approval_a, decided by contact_a (a certificate exists only for a decided request)."""
    from documents import approvals
    from documents.models import ApprovalDecision

    if not w.approval_a.decisions.exists():
        approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED,
                         ip="192.0.2.10")
    return w.approval_a


ROUTES = {
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
