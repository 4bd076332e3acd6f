"""What the staff file screens share: the base view, the object mixins, rename and move."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.log_actions import log

from workspaces import access

from .. import admin_forms, policies
from ..models import File, Folder


def error_text(error):
    return " ".join(str(m) for m in error.messages)


class DocumentsAdminView(WagtailAdminTemplateMixin, TemplateView):
    """Resolves the workspace, or the record, through the staff-side policy (404 unless the
    staff member serves its workspace) and builds the breadcrumbs Workspace › Files ›
    folders."""

    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        self.resolve(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def resolve(self, **kwargs):
        self.workspace = access.served_workspace_or_404(self.request.user, kwargs["page_id"])

    def get_page_subtitle(self):
        return self.workspace.title

    def trail(self):
        """Breadcrumb items after "Files": (url, label)."""
        return []

    def get_breadcrumbs_items(self):
        items = self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_pages:edit", args=[self.workspace.pk]),
             "label": self.workspace.title},
            {"url": reverse("documents_admin:root", args=[self.workspace.pk]),
             "label": _("Files")},
        ]
        items += [{"url": url, "label": label} for url, label in self.trail()]
        return items

    def folder_trail(self, folder, link_last=True):
        crumbs = [(reverse("documents_admin:folder", args=[f.pk]), f.name)
                  for f in folder.ancestors()]
        crumbs.append((reverse("documents_admin:folder", args=[folder.pk]) if link_last else "",
                       folder.name))
        return crumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workspace"] = self.workspace
        context["trash_days"] = settings.PORTAL_TRASH_DAYS
        return context


class FolderObjectMixin:
    def resolve(self, **kwargs):
        self.folder = policies.folders.get_or_404(
            self.request.user, Folder.objects.alive().select_related("workspace", "parent"),
            pk=kwargs["folder_id"])
        self.workspace = self.folder.workspace

    def folder_url(self):
        return reverse("documents_admin:folder", args=[self.folder.pk])


class FileObjectMixin:
    def resolve(self, **kwargs):
        self.file = policies.files.get_or_404(
            self.request.user,
            File.objects.alive().select_related("workspace", "folder", "current_version"),
            pk=kwargs["file_id"], folder__deleted_at__isnull=True)
        self.workspace = self.file.workspace

    def file_url(self):
        return reverse("documents_admin:file", args=[self.file.pk])

    def trail(self):
        return self.folder_trail(self.file.folder) + [
            (self.file_url(), self.file.name)]


def listing_context(workspace, parent):
    folders = Folder.objects.alive().filter(workspace=workspace, parent=parent).annotate(
        file_count=Count("files", distinct=True)).order_by("name")
    files = []
    if parent is not None:
        files = File.objects.alive().filter(folder=parent).select_related(
            "current_version__uploaded_by").annotate(
            version_count=Count("versions")).order_by("name")
    return {"folders": folders, "files": files}


class RenameMoveMixin:
    """The rename and move forms of a folder's or a file's admin page (POST `action`)."""

    rename_service = None
    move_service = None
    move_form_class = None
    move_field = None

    def post(self, request, *args, **kwargs):
        obj = self.renamed_object()
        if obj is None:
            raise Http404
        action = request.POST.get("action")
        if action == "rename":
            form = admin_forms.RenameForm(request.POST)
            if form.is_valid():
                old = obj.name
                try:
                    self.rename_service(obj, form.cleaned_data["name"])
                except ValidationError as error:
                    form.add_error("name", error)
                else:
                    log(obj, "documents.rename", user=request.user,
                        data={"old": old, "new": obj.name})
                    messages.success(request, _("Renamed to “%s”.") % obj.name)
                    return redirect(self.done_url())
            return self.render_to_response(self.get_context_data(rename_form=form), status=400)
        if action == "move":
            form = self.move_form_class(obj, request.POST)
            if form.is_valid():
                destination = form.cleaned_data[self.move_field]
                try:
                    self.move_service(obj, destination)
                except ValidationError as error:
                    form.add_error(self.move_field, error)
                else:
                    log(obj, "documents.move", user=request.user,
                        data={"to": destination.name if destination else ""})
                    messages.success(request, self.moved_message(obj, destination))
                    return redirect(self.done_url())
            return self.render_to_response(self.get_context_data(move_form=form), status=400)
        raise Http404
