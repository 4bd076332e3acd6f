"""Staff screens in the Wagtail admin: a workspace's folders and files, their access, versions,
the trash, and approval requests.

A staff member works on the files of the workspaces they serve (its team, or a firm admin),
the same rule as the Contacts screen: every record is fetched through the staff-side policy
(`documents.policies`), and anything else answers 404. Every
change goes through `documents.services` and is written to Wagtail's audit log.
"""

import os

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from workspaces import access
from workspaces.blobs import serving, uploads

from .. import admin_forms, policies, services
from ..models import Approval, File, FileVersion, Folder


def error_text(error):
    return " ".join(str(m) for m in error.messages)


def grants_summary(grants, people):
    """[(action label, "who")] for a folder's grants."""
    rows = []
    for action in services.ACTIONS:
        grant = grants[action]
        if grant["everyone"]:
            who = _("Everyone in the workspace")
        elif grant["users"]:
            who = ", ".join(sorted(people[pk] for pk in grant["users"] if pk in people))
        else:
            who = _("No contacts")
        rows.append((admin_forms.ACTION_LABELS[action], who))
    return rows


def summarise_grants(folder):
    grants = services.folder_grants(folder)
    ids = set().union(*(g["users"] for g in grants.values()))
    people = {u.pk: u.email for u in admin_forms.User.objects.filter(pk__in=ids)}
    return grants_summary(grants, people)


def version_filename(version):
    name = version.file.name
    if version.is_current:
        return name
    stem, ext = os.path.splitext(name)
    return f"{stem} (v{version.number}){ext}"


# ---------------------------------------------------------------------------- base

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


# ---------------------------------------------------------------------------- folders

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


class FolderView(DocumentsAdminView):
    """A workspace's top-level folders, or one folder: its subfolders and files."""

    template_name = "documents/admin/folder.html"
    folder = None

    def resolve(self, **kwargs):
        if "folder_id" in kwargs:
            FolderObjectMixin.resolve(self, **kwargs)
        else:
            super().resolve(**kwargs)

    def get_page_title(self):
        return self.folder.name if self.folder else _("Files")

    def trail(self):
        return self.folder_trail(self.folder, link_last=False) if self.folder else []

    def get_header_buttons(self):
        buttons = [HeaderButton(_("Trash"), reverse("documents_admin:trash",
                                                    args=[self.workspace.pk]),
                                icon_name="bin", priority=30)]
        if self.folder:
            pk = self.folder.pk
            buttons += [
                HeaderButton(_("Access"), reverse("documents_admin:folder_access", args=[pk]),
                             icon_name="lock", priority=10),
                HeaderButton(_("Rename or move"), reverse("documents_admin:folder_edit",
                                                          args=[pk]),
                             icon_name="edit", priority=20),
                HeaderButton(_("Delete"), reverse("documents_admin:folder_delete", args=[pk]),
                             icon_name="bin", priority=25),
            ]
        return sorted(buttons)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(listing_context(self.workspace, self.folder))
        context.update(
            folder=self.folder,
            new_folder_form=kwargs.get("new_folder_form") or admin_forms.NewFolderForm(),
            grants=summarise_grants(self.folder) if self.folder else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = admin_forms.NewFolderForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(new_folder_form=form),
                                           status=400)
        try:
            folder = services.create_folder(self.workspace, form.cleaned_data["name"],
                                            parent=self.folder, user=request.user)
        except ValidationError as error:
            form.add_error("name", error)
            return self.render_to_response(self.get_context_data(new_folder_form=form),
                                           status=400)
        log(folder, "documents.folder_create", user=request.user,
            data={"workspace": self.workspace.title})
        if self.folder:
            messages.success(request, _("Folder “%(name)s” created. It has the same access as "
                                        "“%(parent)s”.") % {"name": folder.name,
                                                            "parent": self.folder.name})
        else:
            messages.success(request, _("Folder “%(name)s” created. No contact sees it until "
                                        "you set its access.") % {"name": folder.name})
        return redirect("documents_admin:folder", folder.pk)


class UploadView(uploads.UploadViewMixin, FolderObjectMixin, DocumentsAdminView):
    """Several files at once into a folder; each one is accepted or refused on its own, and
    each refused one is named with the reason, as the portal does."""

    http_method_names = ["post"]

    def receive(self, request, target):
        def store(upload):
            file = services.add_file(self.folder, upload, user=request.user)
            log(file, "documents.upload", user=request.user,
                data={"folder": self.folder.name, "version": 1})
            return upload.name, file

        stored, refusals = uploads.store_each(request, "files", store)
        if not stored and not refusals:
            messages.error(request, _("Choose one or more files to upload."))
        for name, file in stored:
            if file.name != name:
                messages.success(request, _("“%(name)s” was uploaded as “%(stored)s”.") % {
                    "name": name, "stored": file.name})
            else:
                messages.success(request, _("“%(name)s” was uploaded.") % {"name": file.name})
        for _name, message in refusals:
            messages.error(request, message)
        return redirect(self.folder_url())


class FolderEditView(RenameMoveMixin, FolderObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/folder_edit.html"
    page_title = gettext_lazy("Rename or move")
    header_icon = "edit"
    rename_service = staticmethod(services.rename_folder)
    move_service = staticmethod(services.move_folder)
    move_form_class = admin_forms.MoveFolderForm
    move_field = "parent"

    def trail(self):
        return self.folder_trail(self.folder) + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            folder=self.folder,
            rename_form=kwargs.get("rename_form") or admin_forms.RenameForm(
                initial={"name": self.folder.name}),
            move_form=kwargs.get("move_form") or admin_forms.MoveFolderForm(self.folder),
        )
        return context

    def renamed_object(self):
        return self.folder

    def done_url(self):
        return self.folder_url()

    def moved_message(self, obj, destination):
        return _("“%(name)s” moved to %(to)s.") % {
            "name": obj.name,
            "to": f"“{destination.name}”" if destination else _("the top level")}


class FolderAccessView(FolderObjectMixin, DocumentsAdminView):
    """Who may view, upload to and manage a folder; staff only; who can see it, and why."""

    template_name = "documents/admin/folder_access.html"
    page_title = gettext_lazy("Access")
    header_icon = "lock"

    def trail(self):
        return self.folder_trail(self.folder) + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or admin_forms.FolderAccessForm(
            self.folder, services.folder_grants(self.folder))
        rows = access.who_can_see(self.folder)
        context.update(folder=self.folder, form=form, rows=rows,
                       allowed_count=sum(1 for _c, e in rows if e.allowed),
                       subfolder_count=self.folder.descendants().alive().count())
        return context

    def post(self, request, *args, **kwargs):
        form = admin_forms.FolderAccessForm(self.folder, services.folder_grants(self.folder),
                                            request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        before = services.folder_grants(self.folder)
        services.set_folder_grants(self.folder, form.grants())
        staff_only = form.cleaned_data["staff_only"]
        if "staff_only" not in form.changed_data or form.fields["staff_only"].disabled:
            staff_only = self.folder.staff_only
        if staff_only != self.folder.staff_only:
            self.folder.staff_only = staff_only
            self.folder.save()
        after = services.folder_grants(self.folder)
        log(self.folder, "documents.grants", user=request.user, data={
            "before": _plain(before), "after": _plain(after), "staff_only": staff_only})
        messages.success(request, _("Access to “%s” saved.") % self.folder.name)
        return redirect("documents_admin:folder_access", self.folder.pk)


def _plain(grants):
    return {a: {"everyone": g["everyone"], "users": sorted(g["users"])}
            for a, g in grants.items()}


class FolderDeleteView(FolderObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/confirm_delete.html"
    page_title = gettext_lazy("Delete")
    header_icon = "bin"

    def trail(self):
        return self.folder_trail(self.folder) + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inside = self.folder.descendants().alive()
        context.update(
            target=self.folder, kind="folder",
            subfolder_count=inside.count(),
            file_count=File.objects.alive().filter(
                folder__in=self.folder.descendants(include_self=True).alive()).count(),
            cancel_url=self.folder_url(),
        )
        return context

    def post(self, request, *args, **kwargs):
        services.trash_folder(self.folder, user=request.user)
        log(self.folder, "documents.trash", user=request.user,
            data={"kind": "folder", "name": self.folder.name})
        messages.success(request, _("“%(name)s” and everything in it moved to the trash. It can "
                                    "be restored for %(days)s days.") % {
            "name": self.folder.name, "days": settings.PORTAL_TRASH_DAYS})
        if self.folder.parent_id:
            return redirect("documents_admin:folder", self.folder.parent_id)
        return redirect("documents_admin:root", self.workspace.pk)


# ---------------------------------------------------------------------------- files

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


class NewVersionView(uploads.UploadViewMixin, FileObjectMixin, DocumentsAdminView):
    http_method_names = ["post"]

    def receive(self, request, target):
        form = admin_forms.NewVersionForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""

        def store(upload):
            version = services.add_version(self.file, upload, user=request.user,
                                           comment=comment)
            log(self.file, "documents.version", user=request.user,
                data={"version": version.number, "sha256": version.sha256})
            return version

        versions, refusals = uploads.store_each(request, "file", store, many=False)
        if not versions and not refusals:
            messages.error(request, _("Choose the file of the new version."))
        for version in versions:
            messages.success(request, _("Version %(n)s of “%(name)s” uploaded; the earlier "
                                        "versions are kept.") % {"n": version.number,
                                                                 "name": self.file.name})
            _say_requests_reopened(request, self.file, version)
        for _name, message in refusals:
            messages.error(request, message)
        return redirect(self.file_url())


def _say_requests_reopened(request, file, version):
    """A new version puts the file's open approval requests back to pending: say so, so that
    staff know the contacts were asked again."""
    reopened = Approval.objects.filter(file=file, version=version,
                                       status=Approval.Status.PENDING).count()
    if reopened:
        messages.info(request, ngettext(
            "The approval request went back to pending on version %(n)s; the contacts asked "
            "were told to decide again.",
            "%(count)d approval requests went back to pending on version %(n)s; the contacts "
            "asked were told to decide again.", reopened) % {"n": version.number,
                                                             "count": reopened})


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


class VersionMixin:
    def resolve(self, **kwargs):
        self.version = policies.versions.get_or_404(
            self.request.user,
            FileVersion.objects.select_related("file__workspace", "file__folder",
                                               "uploaded_by"),
            pk=kwargs["version_id"], file__deleted_at__isnull=True,
            file__folder__deleted_at__isnull=True)
        self.file = self.version.file
        self.workspace = self.file.workspace


class DownloadView(VersionMixin, FileObjectMixin, DocumentsAdminView):
    """Any version of a file, as an attachment."""

    def get(self, request, *args, **kwargs):
        version = self.version
        return _serve(request, version.blob, version_filename(version), version.content_type)


def _serve(request, fieldfile, filename, content_type):
    return serving.serve_blob(request, fieldfile, filename, content_type, inline=False)


class RestoreVersionView(VersionMixin, FileObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/restore_version.html"
    page_title = gettext_lazy("Restore as current")
    header_icon = "history"

    def trail(self):
        return super().trail() + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(file=self.file, version=self.version,
                       next_number=self.file.versions.count() and (
                           self.file.versions.order_by("-number").first().number + 1))
        return context

    def post(self, request, *args, **kwargs):
        if self.version.is_current:
            messages.info(request, _("Version %d is already the current version.")
                          % self.version.number)
            return redirect(self.file_url())
        new = services.restore_version(self.version, user=request.user)
        log(self.file, "documents.restore_version", user=request.user,
            data={"from": self.version.number, "version": new.number, "sha256": new.sha256})
        messages.success(request, _("Version %(old)s is current again, as version %(new)s. No "
                                    "version was deleted.") % {"old": self.version.number,
                                                               "new": new.number})
        _say_requests_reopened(request, self.file, new)
        return redirect(self.file_url())


# ---------------------------------------------------------------------------- trash

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


# ---------------------------------------------------------------------------- approvals

class RequestApprovalView(FileObjectMixin, DocumentsAdminView):
    template_name = "documents/admin/request_approval.html"
    page_title = gettext_lazy("Request approval")
    header_icon = "check"

    def trail(self):
        return super().trail() + [("", self.get_page_title())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or admin_forms.RequestApprovalForm(self.file)
        context.update(file=self.file, version=self.file.current_version, form=form,
                       can_see=form.can_see)
        return context

    def post(self, request, *args, **kwargs):
        form = admin_forms.RequestApprovalForm(self.file, request.POST)
        if self.file.current_version_id is None:
            raise Http404
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        from ..approvals import request_approval

        data = form.cleaned_data
        try:
            approval = request_approval(self.file, list(data["reviewers"]), data["message"],
                                        data["due_date"], request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        log(approval, "documents.approval_request", user=request.user, data={
            "file": self.file.name, "version": approval.version.number,
            "reviewers": [u.email for u in data["reviewers"]]})
        messages.success(request, _("Approval of version %(n)s requested from %(who)s; they "
                                    "have been emailed.") % {
            "n": approval.version.number,
            "who": ", ".join(u.email for u in data["reviewers"])})
        return redirect("documents_admin:approval", approval.pk)


class ApprovalQueueView(WagtailAdminTemplateMixin, TemplateView):
    """Approval requests across the workspaces this staff member serves."""

    template_name = "documents/admin/approvals.html"
    page_title = gettext_lazy("Approvals")
    header_icon = "check"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in Approval.Status.values:
            status = ""
        approvals = policies.approvals.instances_user_has_permission_for(
            self.request.user, "view").select_related(
            "workspace", "file", "version", "requested_by").prefetch_related(
            Prefetch("reviewers", queryset=admin_forms.User.objects.order_by("email")))
        if status:
            approvals = approvals.filter(status=status)
        today = timezone.localdate()
        rows = list(approvals.order_by("-requested_at")[:500])
        for row in rows:
            row.overdue = bool(row.due_date and row.status == Approval.Status.PENDING
                               and row.due_date < today)
        context.update(
            approvals=rows, status=status,
            statuses=[("", _("All"))] + list(Approval.Status.choices),
        )
        return context


class ApprovalMixin:
    def resolve(self, **kwargs):
        self.approval = policies.approvals.get_or_404(
            self.request.user,
            Approval.objects.select_related("workspace", "file__folder", "version",
                                            "requested_by"),
            pk=kwargs["approval_id"])
        self.workspace = self.approval.workspace
        self.file = self.approval.file


class ApprovalView(ApprovalMixin, DocumentsAdminView):
    template_name = "documents/admin/approval.html"
    header_icon = "check"

    def get_page_title(self):
        return _("Approval of “%s”") % self.file.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("documents_admin:approvals"), "label": _("Approvals")},
            {"url": "", "label": self.file.name},
        ]

    def get_header_buttons(self):
        buttons = []
        if self.approval.status in (Approval.Status.APPROVED, Approval.Status.CHANGES):
            buttons.append(HeaderButton(
                _("Download sign-off certificate"),
                reverse("documents_admin:certificate", args=[self.approval.pk]),
                icon_name="download", priority=10))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decisions = self.approval.decisions.select_related("version").order_by("decided_at")
        context.update(
            approval=self.approval, file=self.file, decisions=decisions,
            reviewers=self.approval.reviewers.order_by("email"),
            file_live=self.file.deleted_at is None,
            decided_emails={d.user_email for d in decisions
                            if d.version_id == self.approval.version_id},
            overdue=bool(self.approval.due_date and self.approval.status == Approval.Status.
                         PENDING and self.approval.due_date < timezone.localdate()),
        )
        return context


class CancelApprovalView(ApprovalMixin, DocumentsAdminView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if self.approval.status != Approval.Status.PENDING:
            messages.error(request, _("Only a request waiting for a decision can be cancelled."))
            return redirect("documents_admin:approval", self.approval.pk)
        from .. import approvals

        approvals.cancel(self.approval, request.user)
        log(self.approval, "documents.approval_cancel", user=request.user,
            data={"file": self.file.name})
        messages.success(request, _("The approval request for “%s” was cancelled.")
                         % self.file.name)
        return redirect("documents_admin:approval", self.approval.pk)


class CertificateView(ApprovalMixin, DocumentsAdminView):
    def get(self, request, *args, **kwargs):
        if self.approval.status not in (Approval.Status.APPROVED, Approval.Status.CHANGES):
            raise Http404
        from ..certificate import certificate_pdf

        pdf = certificate_pdf(self.approval, request)
        stem = os.path.splitext(self.file.name)[0]
        filename = f"sign-off {stem} v{self.approval.version.number}.pdf"
        return serving.generated(pdf, filename, "application/pdf")


urlpatterns = [
    path("workspace/<int:page_id>/", FolderView.as_view(), name="root"),
    path("workspace/<int:page_id>/trash/", TrashView.as_view(), name="trash"),
    path("folder/<int:folder_id>/", FolderView.as_view(), name="folder"),
    path("folder/<int:folder_id>/upload/", UploadView.as_view(), name="upload"),
    path("folder/<int:folder_id>/edit/", FolderEditView.as_view(), name="folder_edit"),
    path("folder/<int:folder_id>/access/", FolderAccessView.as_view(), name="folder_access"),
    path("folder/<int:folder_id>/delete/", FolderDeleteView.as_view(), name="folder_delete"),
    path("file/<int:file_id>/", FileView.as_view(), name="file"),
    path("file/<int:file_id>/new-version/", NewVersionView.as_view(), name="new_version"),
    path("file/<int:file_id>/delete/", FileDeleteView.as_view(), name="file_delete"),
    path("file/<int:file_id>/request-approval/", RequestApprovalView.as_view(),
         name="request_approval"),
    path("version/<int:version_id>/download/", DownloadView.as_view(), name="download"),
    path("version/<int:version_id>/restore/", RestoreVersionView.as_view(),
         name="restore_version"),
    path("approvals/", ApprovalQueueView.as_view(), name="approvals"),
    path("approvals/<int:approval_id>/", ApprovalView.as_view(), name="approval"),
    path("approvals/<int:approval_id>/cancel/", CancelApprovalView.as_view(),
         name="cancel_approval"),
    path("approvals/<int:approval_id>/certificate/", CertificateView.as_view(),
         name="certificate"),
]
