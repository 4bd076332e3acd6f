from django.urls import path

from .views import invoices, statement

app_name = "billing"

urlpatterns = [
    path("", invoices.InvoiceListView.as_view(), name="invoices"),
    path("<int:pk>/", invoices.InvoiceDetailView.as_view(), name="invoice"),
    path("<int:pk>/pdf/", invoices.InvoicePDFView.as_view(), name="invoice_pdf"),
    path("statement/", statement.StatementView.as_view(), name="statement"),
    path("statement/pdf/", statement.StatementPDFView.as_view(), name="statement_pdf"),
]
