"""The sign-off certificate: a PDF record of a decided approval request.

It names the firm, the workspace, the document and the exact version (its number and full
SHA-256, size, who uploaded it when), the request (who asked, when, the message, the due date),
every decision on that version and before it (who, email, when in UTC, IP address, decision,
comment, and who uploaded the version decided on, as frozen in the decision), the reviewers
who have not decided, and the overall status. Rendered through the spine's one PDF renderer
(`workspaces.pdf.render_pdf`).
"""

from django.utils.translation import gettext as _

from workspaces.pdf import render_pdf

from .models import Approval, ApprovalDecision


def certificate_context(approval):
    approval = Approval.objects.select_related(
        "workspace", "file", "version", "version__uploaded_by", "requested_by").get(
            pk=approval.pk)
    decisions = list(ApprovalDecision.objects.filter(approval=approval)
                     .select_related("version").order_by("decided_at", "pk"))
    if not decisions:
        raise ValueError(_("A certificate needs at least one decision."))
    on_version = [d for d in decisions if d.version_id == approval.version_id]
    earlier = [d for d in decisions if d.version_id != approval.version_id]
    decided_ids = {d.user_id for d in on_version}
    undecided = [user for user in approval.reviewers.order_by("email")
                 if user.pk not in decided_ids]
    return {
        "approval": approval,
        "workspace": approval.workspace,
        "file": approval.file,
        "version": approval.version,
        "decisions": on_version,
        "earlier_decisions": earlier,
        "undecided": undecided,
    }


def certificate_pdf(approval, request=None):
    """The certificate as PDF bytes, branded for the workspace's Site (from the admin too).
    Raises ValueError when nothing has been decided."""
    context = certificate_context(approval)
    return render_pdf("pdf/certificate.html", context, request=request,
                      site=context["workspace"].get_site())
