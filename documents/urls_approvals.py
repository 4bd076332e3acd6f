from django.urls import path

from . import views_approvals

app_name = "approvals"

urlpatterns = [
    path("", views_approvals.QueueView.as_view(), name="queue"),
]
