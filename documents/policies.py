"""The staff side of the access policy for files: a staff member works on the folders, files,
versions and approval requests of the workspaces they serve (`workspaces.access`), and on
nothing else: every admin screen of files fetches its records through these policies."""

from wagtail.permissions import register_permission_policy

from workspaces.access import WorkspaceRecordPolicy

from .models import Approval, File, FileVersion, Folder

folders = WorkspaceRecordPolicy(Folder)
files = WorkspaceRecordPolicy(File)
versions = WorkspaceRecordPolicy(FileVersion, workspace_field="file__workspace")
approvals = WorkspaceRecordPolicy(Approval)

for _policy in (folders, files, versions, approvals):
    register_permission_policy(_policy.model, _policy)
