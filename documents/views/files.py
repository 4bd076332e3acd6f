"""The file page: the file, its versions and its approval requests."""

from django.views.generic import TemplateView

from workspaces import access
from workspaces.shell import firm_for

from .. import approvals
from ..forms import NewVersionForm
from ..models import File
from .base import FilesViewMixin, describe, preview_kind


class FileView(FilesViewMixin, TemplateView):
    template_name = "documents/portal/file.html"

    def get_context_data(self, **kwargs):
        file = self.get_file(self.kwargs["pk"], queryset=File.objects.select_related(
            "folder", "current_version__uploaded_by"))
        file.kind, file.kind_label = describe(file)
        versions = file.versions.select_related("uploaded_by").order_by("-number")
        requests = []
        firm = firm_for(self.request)
        if access.tool_available(self.request.user, self.workspace, firm, "approvals"):
            requests = approvals.visible_approvals(self.request.user, self.workspace, firm) \
                .filter(file=file).select_related("version").order_by("-requested_at")
        can_upload = self.may("upload", file.folder)
        # The service refuses a contact's version while an approval is open: say so here
        # instead of offering a form that cannot succeed.
        version_refusal = (approvals.contact_version_refusal(file)
                           if can_upload and not self.request.user.is_staff else None)
        return super().get_context_data(
            file=file, folder=file.folder, trail=self.trail(file.folder) + [file.folder],
            versions=versions, preview=preview_kind(file), approvals=requests,
            can_upload=can_upload, can_manage=self.may("manage", file.folder),
            version_refusal=version_refusal, version_form=NewVersionForm(), **kwargs)
