"""A contact's invoices: the list (with what is owed), one invoice and its PDF."""

from django.urls import reverse
from django.views.generic import TemplateView, View

from workspaces import access
from workspaces.pdf import PDFError

from .. import pdf
from .. import statement as statements
from ..models import Invoice
from .base import BillingViewMixin, pdf_failed, pdf_response


class InvoiceListView(BillingViewMixin, TemplateView):
    template_name = "billing/portal/invoices.html"

    def get_context_data(self, **kwargs):
        visible = self.visible_invoices()
        invoices = list(visible.order_by("-issue_date", "-number", "-pk"))
        for invoice in invoices:
            invoice.places = statements.places(invoice.currency)
        return super().get_context_data(
            invoices=invoices,
            owed=statements.owed(visible),
            **kwargs)


class InvoiceDetailView(BillingViewMixin, TemplateView):
    template_name = "billing/portal/invoice.html"

    def get_context_data(self, **kwargs):
        visible = self.visible_invoices()
        invoice = access.get_visible_or_404(
            self.request.user, self.workspace, Invoice.objects.select_related("credits"),
            pk=self.kwargs["pk"])
        context = pdf.invoice_context(
            invoice, credit_notes=visible.filter(credits=invoice, state=Invoice.State.ISSUED))
        corrects = context["corrects"]
        if corrects is not None and not visible.filter(pk=corrects.pk).exists():
            context["corrects"] = None  # never name an invoice the contact may not see
        kwargs.update(context)
        return super().get_context_data(**kwargs)


class InvoicePDFView(BillingViewMixin, View):
    def get(self, request, *args, **kwargs):
        invoice = access.get_visible_or_404(
            request.user, self.workspace, Invoice.objects.select_related("workspace"),
            pk=kwargs["pk"])
        try:
            content = pdf.invoice_pdf(invoice)
        except PDFError:
            return pdf_failed(request, reverse("billing:invoice",
                                                args=[self.workspace.slug, invoice.pk]))
        return pdf_response(content, pdf.invoice_filename(invoice))
