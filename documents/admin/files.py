"""A file's page (rename, move) and its deletion."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from workspaces import access

from .. import admin_forms, services
from .base import DocumentsAdminView, FileObjectMixin, RenameMoveMixin


class FileView(RenameMoveMixin, FileObjectMixin, DocumentsAdminView):
    """A file: its versions, approvals, who can see it; rename, move, new version."""

    template_name = "documents/admin/file.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return self.file.name

    def trail(self):
        return self.folder_trail(self.file.folder) + [("", self.file.name)]

    def get_header_buttons(self):
        pk = self.file.pk
        buttons = [
            HeaderButton(_("Request approval"), reverse("documents_admin:request_approval",
                                                        args=[pk]),
                         icon_name="check", priority=10),
            HeaderButton(_("Delete"), reverse("documents_admin:file_delete", args=[pk]),
                         icon_name="bin", priority=30),
        ]
        if self.file.current_version_id:
            buttons.append(HeaderButton(
                _("Download"), reverse("documents_admin:download",
                                       args=[self.file.current_version_id]),
                icon_name="download", priority=5))
        return sorted(buttons)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = access.who_can_see(self.file)
        context.update(
            file=self.file,
            versions=self.file.versions.select_related("uploaded_by").order_by("-number"),
            approvals=self.file.approvals.select_related("version").prefetch_related(
                "reviewers").order_by("-requested_at"),
            rename_form=kwargs.get("rename_form") or admin_forms.RenameForm(
                initial={"name": self.file.name}),
            move_form=kwargs.get("move_form") or admin_forms.MoveFileForm(self.file),
            version_form=admin_forms.NewVersionForm(),
            rows=rows, allowed_count=sum(1 for _c, e in rows if e.allowed),
        )
        return context

    rename_service = staticmethod(services.rename_file)
    move_service = staticmethod(services.move_file)
    move_form_class = admin_forms.MoveFileForm
    move_field = "folder"

    def renamed_object(self):
        return self.file

    def done_url(self):
        return self.file_url()

    def moved_message(self, obj, destination):
        return _("“%(name)s” moved to “%(to)s”. It is now seen by whoever may see that "
                 "folder.") % {"name": obj.name, "to": destination.name}


class FileDeleteView(FileObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/confirm_delete.html"
    page_title = gettext_lazy("Delete")
    header_icon = "bin"

    def trail(self):
        return super().trail() + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(target=self.file, kind="file",
                       version_count=self.file.versions.count(),
                       cancel_url=self.file_url())
        return context

    def post(self, request, *args, **kwargs):
        services.trash_file(self.file, user=request.user)
        log(self.file, "documents.trash", user=request.user,
            data={"kind": "file", "name": self.file.name})
        messages.success(request, _("“%(name)s” moved to the trash. It can be restored for "
                                    "%(days)s days.") % {"name": self.file.name,
                                                         "days": settings.PORTAL_TRASH_DAYS})
        return redirect("documents_admin:folder", self.file.folder_id)
