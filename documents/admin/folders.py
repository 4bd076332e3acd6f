"""A workspace's folders: browsing, upload, rename and move, access, delete."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log

from workspaces import access
from workspaces.blobs import uploads

from .. import admin_forms, services
from ..models import File
from .base import DocumentsAdminView, FolderObjectMixin, RenameMoveMixin, listing_context


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
