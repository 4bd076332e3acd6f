from django.urls import path

from .views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.ReportListView.as_view(), name="list"),
    path("<int:pk>/download/", reports.ReportDownloadView.as_view(), name="download"),
]
