"""The staff side of the access policy for billing: a staff member works on the invoices and
reports of the workspaces they serve (`workspaces.access`), and on nothing else; every admin
list, form and action of billing fetches its records through these policies."""

from wagtail.permissions import register_permission_policy

from workspaces.access import WorkspaceRecordPolicy

from .models import Invoice, Report


class InvoicePermissionPolicy(WorkspaceRecordPolicy):
    """Issued invoices are never deleted (they are voided or credited)."""

    def allows(self, user, action, instance):
        return action != "delete" or instance.is_draft


invoice_policy = InvoicePermissionPolicy(Invoice)
report_policy = WorkspaceRecordPolicy(Report)

register_permission_policy(Invoice, invoice_policy)
register_permission_policy(Report, report_policy)
