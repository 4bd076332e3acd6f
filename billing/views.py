"""The contact's side of billing: invoices, statements, reports."""

from django.views.generic import TemplateView

from workspaces import access
from workspaces.views.portal import WorkspaceViewMixin

from .models import Invoice


class InvoiceListView(WorkspaceViewMixin, TemplateView):
    tool = "billing"
    template_name = "billing/portal/invoices.html"

    def get_context_data(self, **kwargs):
        invoices = access.visible(self.request.user, self.workspace, Invoice.objects.all())
        return super().get_context_data(invoices=invoices, **kwargs)
