from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.FolderView.as_view(), name="folder_root"),
]
