"""Changes: new folder, rename, move, and move to the trash."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.log_actions import log

from .. import services
from ..forms import MoveForm, NameForm
from ..models import File
from .base import FilesViewMixin, error_text, trash_message


class _ActionView(FilesViewMixin, View):
    """A change with its own small page: GET shows the form (or the confirmation), POST
    does it. Refusals from the services come back as form errors."""

    template_name = "documents/portal/action.html"
    action = "manage"
    heading = ""
    submit_label = gettext_lazy("Save")
    crumb = ""
    danger = False

    def get_object(self, pk):
        raise NotImplementedError

    def get_form(self, data=None):
        return None

    def perform(self, obj, form):
        raise NotImplementedError

    def cancel_url(self, obj):
        return self.file_url(obj) if isinstance(obj, File) else self.folder_url(obj)

    def extra_context(self, obj):
        return {}

    def render_form(self, obj, form, status=200):
        context = {"object": obj, "form": form, "heading": self.heading % {"name": obj.name},
                   "submit_label": self.submit_label, "danger": self.danger,
                   "cancel_url": self.cancel_url(obj), "workspace": self.workspace,
                   "is_file": isinstance(obj, File), "leaf": self.crumb}
        context.update(self.extra_context(obj))
        context["trail"] = self.trail(obj.folder) + [obj.folder] if isinstance(
            obj, File) else self.trail(obj) + [obj]
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, workspace, pk):
        obj = self.get_object(pk)
        return self.render_form(obj, self.get_form())

    def post(self, request, workspace, pk):
        obj = self.get_object(pk)
        form = self.get_form(request.POST)
        if form is None or form.is_valid():
            try:
                return self.perform(obj, form)
            except ValidationError as error:
                if form is None:
                    messages.error(request, error_text(error))
                    return redirect(self.cancel_url(obj))
                form.add_error(None, error)
        return self.render_form(obj, form, status=400)


class NewFolderView(_ActionView):
    action = "upload"
    heading = gettext_lazy("New folder in “%(name)s”")
    crumb = gettext_lazy("New folder")
    submit_label = gettext_lazy("Create folder")

    def get_object(self, pk):
        return self.get_folder(pk, "upload")

    def get_form(self, data=None):
        return NameForm(data)

    def perform(self, parent, form):
        folder = services.create_folder(self.workspace, form.cleaned_data["name"], parent=parent,
                                        user=self.request.user)
        log(folder, "documents.folder_create", user=self.request.user)
        messages.success(self.request, _("Folder “%s” created.") % folder.name)
        return redirect(self.folder_url(folder))


class _RenameView(_ActionView):
    heading = gettext_lazy("Rename “%(name)s”")
    crumb = gettext_lazy("Rename")
    submit_label = gettext_lazy("Rename")

    def get_form(self, data=None):
        return NameForm(data, initial={"name": self.object_name})


class FolderRenameView(_RenameView):
    def get_object(self, pk):
        folder = self.get_folder(pk, "manage")
        self.object_name = folder.name
        return folder

    def perform(self, folder, form):
        services.rename_folder(folder, form.cleaned_data["name"])
        log(folder, "documents.rename", user=self.request.user)
        messages.success(self.request, _("Folder renamed to “%s”.") % folder.name)
        return redirect(self.folder_url(folder))


class FileRenameView(_RenameView):
    def get_object(self, pk):
        file = self.get_file(pk, "manage")
        self.object_name = file.name
        return file

    def get_form(self, data=None):
        form = super().get_form(data)
        if "." in self.object_name:
            form.fields["name"].help_text = _(
                "The extension stays “.%s”: it matches the file's content.") % (
                self.object_name.rsplit(".", 1)[1])
        return form

    def perform(self, file, form):
        services.rename_file(file, form.cleaned_data["name"])
        log(file, "documents.rename", user=self.request.user)
        messages.success(self.request, _("File renamed to “%s”.") % file.name)
        return redirect(self.file_url(file))


class _MoveView(_ActionView):
    heading = gettext_lazy("Move “%(name)s”")
    crumb = gettext_lazy("Move")
    submit_label = gettext_lazy("Move")

    def destinations(self, obj):
        raise NotImplementedError

    def get_form(self, data=None):
        self.choices = self.destinations(self.object)
        return MoveForm(data, destinations=self.labelled(self.choices))

    def extra_context(self, obj):
        return {"intro": _("You can move it into any folder where you may upload files."),
                "no_destination": not self.choices}

    def target(self, form):
        chosen = {f.pk: f for f in self.choices}
        return chosen[form.cleaned_data["destination"]]


class FolderMoveView(_MoveView):
    def get_object(self, pk):
        self.object = self.get_folder(pk, "manage")
        return self.object

    def destinations(self, folder):
        # Not into itself or below itself, and not where it already is.
        return list(self.folders("upload").exclude(path__startswith=folder.path).exclude(
            pk=folder.parent_id or 0))

    def perform(self, folder, form):
        services.move_folder(folder, self.target(form))
        log(folder, "documents.move", user=self.request.user)
        messages.success(self.request, _("Folder “%(name)s” moved to “%(to)s”.") % {
            "name": folder.name, "to": folder.parent.name})
        return redirect(self.folder_url(folder))


class FileMoveView(_MoveView):
    def get_object(self, pk):
        self.object = self.get_file(pk, "manage")
        return self.object

    def destinations(self, file):
        return list(self.folders("upload").exclude(pk=file.folder_id))

    def perform(self, file, form):
        services.move_file(file, self.target(form))
        log(file, "documents.move", user=self.request.user)
        messages.success(self.request, _("“%(name)s” moved to “%(to)s”.") % {
            "name": file.name, "to": file.folder.name})
        return redirect(self.file_url(file))


class FolderDeleteView(_ActionView):
    heading = gettext_lazy("Delete the folder “%(name)s”?")
    crumb = gettext_lazy("Delete")
    submit_label = gettext_lazy("Move to trash")
    danger = True

    def get_object(self, pk):
        return self.get_folder(pk, "manage")

    def extra_context(self, folder):
        inside = folder.descendants().alive()
        return {
            "intro": _("The folder, its subfolders and their files go to the trash. Your firm "
                       "can restore them for %d days.") % settings.PORTAL_TRASH_DAYS,
            "folder_count": inside.count(),
            "file_count": File.objects.alive().filter(
                folder__in=folder.descendants(include_self=True).alive()).count(),
        }

    def perform(self, folder, form):
        inside = folder.descendants().alive()
        if inside.count() != self.folders("manage").filter(pk__in=inside.values("pk")).count():
            raise ValidationError(_("This folder holds folders you may not manage, so you "
                                    "cannot delete it. Ask your firm."))
        parent_visible = folder.parent_id and self.folders().filter(pk=folder.parent_id).exists()
        services.trash_folder(folder, user=self.request.user)
        log(folder, "documents.trash", user=self.request.user)
        messages.success(self.request, trash_message(folder.name))
        if parent_visible:
            return redirect(reverse("documents:folder",
                                    args=[self.workspace.slug, folder.parent_id]))
        return redirect(self.root_url())


class FileDeleteView(_ActionView):
    heading = gettext_lazy("Delete “%(name)s”?")
    crumb = gettext_lazy("Delete")
    submit_label = gettext_lazy("Move to trash")
    danger = True

    def get_object(self, pk):
        return self.get_file(pk, "manage")

    def extra_context(self, file):
        return {"intro": _("The file and all its versions go to the trash. Your firm can "
                           "restore it for %d days.") % settings.PORTAL_TRASH_DAYS}

    def perform(self, file, form):
        services.trash_file(file, user=self.request.user)
        log(file, "documents.trash", user=self.request.user)
        messages.success(self.request, trash_message(file.name))
        return redirect(self.folder_url(file.folder))
