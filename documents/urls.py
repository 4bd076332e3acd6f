"""The contact's files pages, mounted at /<workspace>/files/."""

from django.urls import path

from .views import base as views

app_name = "documents"

urlpatterns = [
    path("", views.FolderRootView.as_view(), name="folder_root"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("folder/<int:pk>/", views.FolderView.as_view(), name="folder"),
    path("folder/<int:pk>/zip/", views.FolderZipView.as_view(), name="folder_zip"),
    path("folder/<int:pk>/upload/", views.UploadView.as_view(), name="upload"),
    path("folder/<int:pk>/new-folder/", views.NewFolderView.as_view(), name="new_folder"),
    path("folder/<int:pk>/rename/", views.FolderRenameView.as_view(), name="folder_rename"),
    path("folder/<int:pk>/move/", views.FolderMoveView.as_view(), name="folder_move"),
    path("folder/<int:pk>/delete/", views.FolderDeleteView.as_view(), name="folder_delete"),
    path("file/<int:pk>/", views.FileView.as_view(), name="file"),
    path("file/<int:pk>/open/", views.FileOpenView.as_view(), name="file_open"),
    path("file/<int:pk>/download/", views.FileDownloadView.as_view(), name="file_download"),
    path("file/<int:pk>/thumbnail/", views.FileThumbnailView.as_view(),
         name="file_thumbnail"),
    path("file/<int:pk>/versions/<int:version>/download/",
         views.VersionDownloadView.as_view(), name="version_download"),
    path("file/<int:pk>/new-version/", views.NewVersionView.as_view(), name="new_version"),
    path("file/<int:pk>/rename/", views.FileRenameView.as_view(), name="file_rename"),
    path("file/<int:pk>/move/", views.FileMoveView.as_view(), name="file_move"),
    path("file/<int:pk>/delete/", views.FileDeleteView.as_view(), name="file_delete"),
]
