from django.urls import path

from .views import reports as views_reports

app_name = "reports"

urlpatterns = [
    path("", views_reports.ReportListView.as_view(), name="list"),
    path("<int:pk>/download/", views_reports.ReportDownloadView.as_view(), name="download"),
]
