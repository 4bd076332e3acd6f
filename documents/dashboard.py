"""Dashboard panels the documents app registers with the spine."""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from workspaces import access
from workspaces.shell import firm_for

from . import approvals
from .models import Approval, File
from .views.base import describe

RECENT_FILES = 5


def recent_files_panel(request, workspace):
    """The files the contact may see that changed most recently (one query)."""
    files = list(access.visible(request.user, workspace, File.objects.all(),
                                firm=firm_for(request)).select_related(
        "folder").order_by("-updated_at", "-pk")[:RECENT_FILES])
    for file in files:
        file.kind, file.kind_label = describe(file)
    return {
        "template": "documents/portal/panel_recent_files.html",
        "files": files,
        "workspace": workspace,
        "files_url": reverse("documents:folder_root", args=[workspace.slug]),
    }


def pending_approvals_panel(request, workspace):
    """Dashboard panel: the requests waiting for this contact's decision (None if none)."""
    rows = list(approvals.with_my_decision(
        approvals.visible_approvals(request.user, workspace, firm_for(request)), request.user)
        .filter(status=Approval.Status.PENDING, decided_by_me=False)
        .select_related("file", "version")
        .order_by(F("due_date").asc(nulls_last=True), "-requested_at")[:6])
    if not rows:
        return None
    today = timezone.localdate()
    for row in rows:
        row.overdue = bool(row.due_date and row.due_date < today)
    return {"template": "documents/portal/approval_panel.html", "approvals": rows,
            "workspace": workspace}

