"""The contact's files pages, mounted at /<workspace>/files/."""

from django.urls import path

from .views import actions, files, folders, serve, upload

app_name = "documents"

urlpatterns = [
    path("", folders.FolderRootView.as_view(), name="folder_root"),
    path("search/", folders.SearchView.as_view(), name="search"),
    path("folder/<int:pk>/", folders.FolderView.as_view(), name="folder"),
    path("folder/<int:pk>/zip/", serve.FolderZipView.as_view(), name="folder_zip"),
    path("folder/<int:pk>/upload/", upload.UploadView.as_view(), name="upload"),
    path("folder/<int:pk>/new-folder/", actions.NewFolderView.as_view(), name="new_folder"),
    path("folder/<int:pk>/rename/", actions.FolderRenameView.as_view(), name="folder_rename"),
    path("folder/<int:pk>/move/", actions.FolderMoveView.as_view(), name="folder_move"),
    path("folder/<int:pk>/delete/", actions.FolderDeleteView.as_view(), name="folder_delete"),
    path("file/<int:pk>/", files.FileView.as_view(), name="file"),
    path("file/<int:pk>/open/", serve.FileOpenView.as_view(), name="file_open"),
    path("file/<int:pk>/download/", serve.FileDownloadView.as_view(), name="file_download"),
    path("file/<int:pk>/thumbnail/", serve.FileThumbnailView.as_view(),
         name="file_thumbnail"),
    path("file/<int:pk>/versions/<int:version>/download/",
         serve.VersionDownloadView.as_view(), name="version_download"),
    path("file/<int:pk>/new-version/", upload.NewVersionView.as_view(), name="new_version"),
    path("file/<int:pk>/rename/", actions.FileRenameView.as_view(), name="file_rename"),
    path("file/<int:pk>/move/", actions.FileMoveView.as_view(), name="file_move"),
    path("file/<int:pk>/delete/", actions.FileDeleteView.as_view(), name="file_delete"),
]
