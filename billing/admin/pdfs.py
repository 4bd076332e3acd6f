"""The PDFs staff download: an invoice as the client gets it (a draft's is a preview) and a
workspace's ready monthly report."""

from django.http import Http404

from workspaces.blobs import serving

from ..models import Report
from ..pdf import invoice_filename, invoice_pdf
from ..policies import report_policy
from .actions import InvoiceActionView
from .base import BillingAdminView


class PdfView(InvoiceActionView):
    """The invoice as the client gets it (a draft's PDF is a preview)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return serving.generated(invoice_pdf(self.invoice), invoice_filename(self.invoice),
                                 "application/pdf")


class ReportDownloadView(BillingAdminView):
    def get(self, request, *args, **kwargs):
        report = report_policy.get_or_404(request.user,
                                          Report.objects.select_related("workspace"),
                                          pk=kwargs["report_id"])
        if report.state != Report.State.READY or not report.pdf:
            raise Http404
        filename = f"{report.workspace.slug}-report-{report.month:%Y-%m}.pdf"
        return serving.serve_blob(request, report.pdf, filename, "application/pdf",
                                  inline=False)
