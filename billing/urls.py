from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("", views.InvoiceListView.as_view(), name="invoices"),
]
