"""A workspace's Billing page in the admin: who sees its invoices and reports, its billing
details, its latest invoices and its monthly reports."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from workspaces import access
from workspaces.admin_views import WorkspaceAdminView

from .. import admin_forms, audience, services
from ..models import Invoice, Report, WorkspaceBilling
from .base import billing_blocked_reason, billing_readers, show


class WorkspaceBillingView(WorkspaceAdminView):
    """A workspace's billing: who sees invoices and reports, billing details, its invoices
    and its monthly reports."""

    template_name = "billing/admin/workspace.html"
    page_title = gettext_lazy("Billing")
    header_icon = "doc-full"

    def get_header_buttons(self):
        return [HeaderButton(_("New invoice"),
                             reverse("invoices:add") + f"?workspace={self.workspace.pk}",
                             icon_name="plus", priority=10),
                HeaderButton(_("All invoices"),
                             reverse("invoices:index") + f"?workspace={self.workspace.pk}",
                             icon_name="list-ul", priority=20)]

    def profile(self):
        return (WorkspaceBilling.objects.filter(workspace=self.workspace).first()
                or WorkspaceBilling(workspace=self.workspace))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workspace = self.workspace
        latest = (Invoice.objects.filter(workspace=workspace, state=Invoice.State.ISSUED)
                  .order_by("-issued_at", "-pk").first())
        rows = access.who_can_see(latest) if latest else None
        invoices = list(Invoice.objects.filter(workspace=workspace)
                        .prefetch_related("lines").order_by("-created_at")[:10])
        context.update(
            workspace=workspace,
            form=kwargs.get("form") or admin_forms.WorkspaceBillingForm(
                workspace, instance=self.profile()),
            report_form=kwargs.get("report_form") or admin_forms.ReportRequestForm(),
            latest=latest, rows=rows,
            allowed_count=sum(1 for _c, e in rows if e.allowed) if rows else 0,
            readers=billing_readers(workspace), blocked=billing_blocked_reason(workspace),
            invoices=[(i, show(services.draft_totals(i).total if i.is_draft else i.total,
                               i.currency), show(i.balance, i.currency)) for i in invoices],
            reports=Report.objects.filter(workspace=workspace).select_related(
                "requested_by")[:24],
        )
        return context

    def post(self, request, *args, **kwargs):
        profile = self.profile()
        form = admin_forms.WorkspaceBillingForm(self.workspace, request.POST, instance=profile)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        profile = form.save()
        audience.sync_all(self.workspace)
        log(instance=self.workspace, action="billing.profile", user=request.user, data={
            "audience": profile.audience,
            "contacts": sorted(u.email for u in profile.contacts.all()),
            "report_audience": profile.report_audience,
            "report_contacts": sorted(u.email for u in profile.report_contacts.all()),
            "monthly_reports": profile.monthly_reports,
        })
        messages.success(request, _("Billing of “%s” saved; who sees its invoices and reports "
                                    "is updated.") % self.workspace.title)
        return redirect("billing_admin:workspace", self.workspace.pk)
