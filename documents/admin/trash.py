"""A workspace's trash: what was deleted, and restoring it."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from .. import admin_forms, policies, services
from ..models import File, Folder
from .base import DocumentsAdminView, error_text


class TrashView(DocumentsAdminView):
    template_name = "documents/admin/trash.html"
    page_title = gettext_lazy("Trash")
    header_icon = "bin"

    def trail(self):
        return [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        days = settings.PORTAL_TRASH_DAYS
        paths = admin_forms.folder_paths(self.workspace, include_trashed=True)

        def left(item):
            return max(0, days - (now - item.deleted_at).days)

        folders = list(Folder.objects.trashed().filter(workspace=self.workspace).select_related(
            "deleted_by", "parent").order_by("-deleted_at", "path"))
        files = list(File.objects.trashed().filter(workspace=self.workspace).select_related(
            "deleted_by", "folder").order_by("-deleted_at", "name"))
        for item in folders + files:
            item.days_left = left(item)
        for folder in folders:
            folder.was_in = (paths.get(folder.parent_id) if folder.parent_id else None)
            folder.with_parent = bool(folder.parent_id and folder.parent.deleted_at
                                      == folder.deleted_at)
        for file in files:
            file.with_folder = file.folder.deleted_at == file.deleted_at
            file.was_in = paths.get(file.folder_id) or file.folder.name
        context.update(folders=folders, files=files, days=days)
        return context

    def post(self, request, *args, **kwargs):
        kind, pk = request.POST.get("kind"), request.POST.get("id", "")
        if kind not in ("folder", "file") or not pk.isdigit():
            raise Http404
        model, policy = (Folder, policies.folders) if kind == "folder" else (File, policies.files)
        item = policy.get_or_404(request.user, model.objects.trashed(), pk=pk,
                                 workspace=self.workspace)
        try:
            if kind == "folder":
                services.restore_folder(item)
            else:
                services.restore_file(item)
        except ValidationError as error:
            messages.error(request, _("“%(name)s” was not restored: %(reason)s") % {
                "name": item.name, "reason": error_text(error)})
            return redirect("documents_admin:trash", self.workspace.pk)
        log(item, "documents.restore", user=request.user, data={"kind": kind})
        url = reverse("documents_admin:folder" if kind == "folder" else "documents_admin:file",
                      args=[item.pk])
        messages.success(request, _("“%s” was restored.") % item.name)
        return redirect(url)
