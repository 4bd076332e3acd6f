from django.urls import path

from .views import invoices as views

app_name = "billing"

urlpatterns = [
    path("", views.InvoiceListView.as_view(), name="invoices"),
    path("<int:pk>/", views.InvoiceDetailView.as_view(), name="invoice"),
    path("<int:pk>/pdf/", views.InvoicePDFView.as_view(), name="invoice_pdf"),
    path("statement/", views.StatementView.as_view(), name="statement"),
    path("statement/pdf/", views.StatementPDFView.as_view(), name="statement_pdf"),
]
