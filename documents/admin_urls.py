"""The staff screens of files and approvals, mounted in the Wagtail admin at /admin/documents/."""

from django.urls import path

from .admin import approvals, files, folders, trash, versions

app_name = "documents_admin"

urlpatterns = [
    path("workspace/<int:page_id>/", folders.FolderView.as_view(), name="root"),
    path("workspace/<int:page_id>/trash/", trash.TrashView.as_view(), name="trash"),
    path("folder/<int:folder_id>/", folders.FolderView.as_view(), name="folder"),
    path("folder/<int:folder_id>/upload/", folders.UploadView.as_view(), name="upload"),
    path("folder/<int:folder_id>/edit/", folders.FolderEditView.as_view(), name="folder_edit"),
    path("folder/<int:folder_id>/access/", folders.FolderAccessView.as_view(),
         name="folder_access"),
    path("folder/<int:folder_id>/delete/", folders.FolderDeleteView.as_view(),
         name="folder_delete"),
    path("file/<int:file_id>/", files.FileView.as_view(), name="file"),
    path("file/<int:file_id>/new-version/", versions.NewVersionView.as_view(), name="new_version"),
    path("file/<int:file_id>/delete/", files.FileDeleteView.as_view(), name="file_delete"),
    path("file/<int:file_id>/request-approval/", approvals.RequestApprovalView.as_view(),
         name="request_approval"),
    path("version/<int:version_id>/download/", versions.DownloadView.as_view(), name="download"),
    path("version/<int:version_id>/restore/", versions.RestoreVersionView.as_view(),
         name="restore_version"),
    path("approvals/", approvals.ApprovalQueueView.as_view(), name="approvals"),
    path("approvals/<int:approval_id>/", approvals.ApprovalView.as_view(), name="approval"),
    path("approvals/<int:approval_id>/cancel/", approvals.CancelApprovalView.as_view(),
         name="cancel_approval"),
    path("approvals/<int:approval_id>/certificate/", approvals.CertificateView.as_view(),
         name="certificate"),
]
