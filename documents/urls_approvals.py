from django.urls import path

from .views import approvals as views

app_name = "approvals"

urlpatterns = [
    path("", views.QueueView.as_view(), name="queue"),
    path("<int:pk>/", views.DetailView.as_view(), name="detail"),
    path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("<int:pk>/certificate.pdf", views.CertificateView.as_view(),
         name="certificate"),
]
