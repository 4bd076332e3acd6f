from django.urls import path

from . import views

app_name = "example_tool"

urlpatterns = [
    path("", views.NoteListView.as_view(), name="notes"),
    path("<int:pk>/", views.NoteView.as_view(), name="note"),
]
