"""The files and approvals sections of the monthly workspace report.

Registered on the "files" and "approvals" tools (`report_sections=`) and called by the report
generator (`billing.reports`) as `section(workspace, start, end)` with aware datetimes, start
included, end excluded. Each returns a dict: the template that draws it, a title, a summary
(label, value) pairs for the report's first page, an optional `chart` (a plain description the
generator draws as inline SVG) and its rows.

Reports are read by contacts, and a report is one document for all its readers: it names
only files in folders that everyone in the workspace may see. Files in folders granted to
chosen contacts (the CFO's "Payroll"), in staff-only folders, and anything in the trash are
never in it.
"""

from collections import Counter
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApprovalDecision, File, Folder, FolderGroupObjectPermission

# Rows listed per section; beyond that the report says how many more there were.
MAX_ROWS = 1000


def _person(user, fallback=""):
    if user is None:
        return fallback or "—"
    return user.get_full_name() or user.email


def _open_folders(workspace):
    """The ids of the folders granted to everyone in the workspace (a subquery)."""
    return FolderGroupObjectPermission.objects.filter(
        group_id=workspace.client_group_id, permission__codename="view_folder",
    ).values("content_object_id")


def _folder_paths(workspace):
    """Folder id -> "Top / Sub / Folder", for the whole workspace in one query; a folder not
    open to everyone is shown as "…" so that its name does not travel with the report."""
    rows = Folder.objects.filter(workspace=workspace).values_list("pk", "name", "path")
    open_ids = set(_open_folders(workspace).values_list("content_object_id", flat=True))
    names = {pk: name for pk, name, _path in rows if pk in open_ids}
    paths = {}
    for pk, _name, path in rows:
        ids = [int(part) for part in path.strip("/").split("/") if part]
        paths[pk] = " / ".join(names.get(i, "…") for i in ids) or names[pk]
    return paths


def _shown_to_contacts(workspace, prefix=""):
    """Files every contact of the workspace may see: not trashed, in a folder that is open to
    everyone in the workspace, not staff only and not trashed."""
    return Q(**{f"{prefix}deleted_at__isnull": True,
                f"{prefix}folder__staff_only": False,
                f"{prefix}folder__deleted_at__isnull": True,
                f"{prefix}folder_id__in": _open_folders(workspace)})


def _days(start, end):
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    return [first + timedelta(days=n) for n in range((last - first).days)]


def files_section(workspace, start, end):
    files = (File.objects.filter(workspace=workspace, created_at__gte=start, created_at__lt=end)
             .filter(_shown_to_contacts(workspace))
             .select_related("created_by", "current_version__uploaded_by")
             .order_by("created_at", "pk"))
    total = files.count()
    paths = _folder_paths(workspace) if total else {}
    days = {}
    listed = 0
    for file in files[:MAX_ROWS]:
        version = file.current_version
        by = (version.uploaded_by if version and version.number == 1 else None) \
            or file.created_by
        when = timezone.localtime(file.created_at)
        days.setdefault(when.date(), []).append({
            "name": file.name,
            "folder": paths.get(file.folder_id, ""),
            "by": _person(by),
            "when": when,
        })
        listed += 1
    per_day = Counter(
        timezone.localtime(created).date()
        for created in files.values_list("created_at", flat=True)) if total else Counter()
    month_days = _days(start, end)
    return {
        "template": "pdf/report_sections/files.html",
        "title": _("Files added"),
        "summary": [(_("Files added"), total)],
        "chart": {
            "kind": "bars",
            "title": _("Files added per day"),
            "labels": [str(day.day) for day in month_days],
            "values": [per_day.get(day, 0) for day in month_days],
        } if total else None,
        # Grouped by day, one line per file: a long month stays cheap to lay out (a table
        # cell costs WeasyPrint several times what a line of text does).
        "days": [{"date": day, "count": per_day[day], "rows": rows}
                 for day, rows in days.items()],
        "total": total,
        "more": max(total - listed, 0),
    }


def approvals_section(workspace, start, end):
    decisions = (ApprovalDecision.objects
                 .filter(approval__workspace=workspace, decided_at__gte=start,
                         decided_at__lt=end)
                 .filter(_shown_to_contacts(workspace, "approval__file__"))
                 .select_related("approval__file", "version")
                 .order_by("decided_at", "pk"))
    counts = Counter({row["decision"]: row["n"] for row in
                      decisions.order_by().values("decision").annotate(n=Count("pk"))})
    total = sum(counts.values())
    rows = []
    for decision in decisions[:MAX_ROWS]:
        rows.append({
            "file": decision.approval.file.name,
            "version": decision.version.number,
            "decision": decision.get_decision_display(),
            "decision_code": decision.decision,
            "by": decision.user_name or decision.user_email,
            "when": timezone.localtime(decision.decided_at),
        })
    return {
        "template": "pdf/report_sections/approvals.html",
        "title": _("Approvals decided"),
        "summary": [(_("Approval decisions"), total)],
        "rows": rows,
        "total": total,
        "approved": counts[ApprovalDecision.Decision.APPROVED],
        "changes": counts[ApprovalDecision.Decision.CHANGES],
        "more": max(total - len(rows), 0),
    }
