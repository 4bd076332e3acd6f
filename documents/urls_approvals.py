from django.urls import path

from . import views_approvals

app_name = "approvals"

urlpatterns = [
    path("", views_approvals.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views_approvals.DetailView.as_view(), name="detail"),
    path("<int:pk>/decide/", views_approvals.DecideView.as_view(), name="decide"),
    path("<int:pk>/certificate.pdf", views_approvals.CertificateView.as_view(),
         name="certificate"),
]
