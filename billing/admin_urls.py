"""The billing admin's own URLs (beside the Invoices viewset's), under /admin/billing/ in the
"billing_admin" namespace; registered from `billing.wagtail_hooks`."""

from django.urls import path

from .admin.actions import CreditNoteView, DuplicateView, IssueView, PaymentView, VoidView
from .admin.pdfs import PdfView, ReportDownloadView
from .admin.reports import RequestReportView
from .admin.workspace import WorkspaceBillingView

urlpatterns = [
    path("invoice/<int:invoice_id>/issue/", IssueView.as_view(), name="issue"),
    path("invoice/<int:invoice_id>/duplicate/", DuplicateView.as_view(), name="duplicate"),
    path("invoice/<int:invoice_id>/payment/", PaymentView.as_view(), name="payment"),
    path("invoice/<int:invoice_id>/void/", VoidView.as_view(), name="void"),
    path("invoice/<int:invoice_id>/credit-note/", CreditNoteView.as_view(),
         name="credit_note"),
    path("invoice/<int:invoice_id>/pdf/", PdfView.as_view(), name="pdf"),
    path("workspace/<int:page_id>/", WorkspaceBillingView.as_view(), name="workspace"),
    path("workspace/<int:page_id>/report/", RequestReportView.as_view(), name="report"),
    path("report/<int:report_id>/download/", ReportDownloadView.as_view(),
         name="report_download"),
]
