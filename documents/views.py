"""The contact's side of files: folders, files, versions, uploads, downloads."""

from django.views.generic import TemplateView

from workspaces import access
from workspaces.views.portal import WorkspaceViewMixin

from .models import Folder


class FolderView(WorkspaceViewMixin, TemplateView):
    tool = "files"
    template_name = "documents/portal/folder.html"

    def get_context_data(self, **kwargs):
        folders = access.visible(self.request.user, self.workspace, Folder.objects.all())
        return super().get_context_data(folders=folders.filter(parent=None), **kwargs)
