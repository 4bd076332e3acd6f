"""The contact's side of files: folders, files, versions, uploads, downloads.

Every object is fetched through the access policy with the action the view performs:
"view" to read, "upload" to add (files, versions, subfolders), "manage" to rename, move and
delete. Whatever the policy does not return answers 404.

Moving takes "manage" on what moves and "upload" on the destination: moving a file is taking
it out of one folder (which only its managers may do) and putting it into another (which
whoever may upload there could do anyway, by downloading and uploading it).
"""

import os

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView
from wagtail.log_actions import log

from workspaces import access
from workspaces.blobs import serving, uploads
from workspaces.blobs.zipstream import ArchiveNames, stream_zip
from workspaces.shell import firm_for
from workspaces.views.portal import WorkspaceViewMixin

from .. import approvals, services
from ..forms import MoveForm, NameForm, NewVersionForm
from ..models import File, Folder

FILES_PER_PAGE = 100
RESULTS_PER_PAGE = 50

# (kind, label) by sniffed content type; the kind picks the badge colour.
_KINDS = {
    "application/pdf": ("pdf", "PDF"),
    "application/zip": ("archive", "ZIP"),
    "text/csv": ("sheet", "CSV"),
    "text/plain": ("text", "TXT"),
    "application/rtf": ("doc", "RTF"),
    "application/msword": ("doc", "DOC"),
    "application/vnd.ms-excel": ("sheet", "XLS"),
    "application/vnd.ms-powerpoint": ("slides", "PPT"),
}
_KIND_WORDS = (("wordprocessing", "doc"), ("opendocument.text", "doc"),
               ("spreadsheet", "sheet"), ("presentation", "slides"))


def describe(file):
    """The badge of a file in lists: (kind, short label) from its sniffed type."""
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type in _KINDS:
        return _KINDS[content_type]
    major = content_type.split("/")[0]
    if major in {"image", "audio", "video"}:
        return major, (file.extension or major).upper()[:4]
    for word, kind in _KIND_WORDS:
        if word in content_type:
            return kind, (file.extension or kind).upper()[:4]
    return "other", (file.extension or _("file")).upper()[:4]


def preview_kind(file):
    """How the file page shows the file: "image", "pdf", "audio", "video" or None."""
    content_type = file.content_type or ""
    if not serving.wants_inline(content_type):
        return None
    if content_type == "application/pdf":
        return "pdf"
    major = content_type.split("/")[0]
    return major if major in {"image", "audio", "video"} else None


def _is_xhr(request):
    return (request.headers.get("x-requested-with") == "XMLHttpRequest"
            or "application/json" in request.headers.get("accept", ""))


def _error_text(error):
    return " ".join(str(m) for m in error.messages)


def _trash_message(name):
    return _("“%(name)s” was moved to the trash; your firm can restore it for %(days)d days.") % {
        "name": name, "days": settings.PORTAL_TRASH_DAYS}


class FilesViewMixin(WorkspaceViewMixin):
    tool = "files"

    # -------------------------------------------------------------- the policy, once each

    # The firm's settings are read once per request (the shell reads them too) and handed
    # to the policy, rather than once per question.

    def visible(self, queryset, action="view"):
        return access.visible(self.request.user, self.workspace, queryset, action,
                              firm=firm_for(self.request))

    def folders(self, action="view"):
        return self.visible(Folder.objects.all(), action)

    def files(self, action="view"):
        return self.visible(File.objects.all(), action)

    def _get_or_404(self, queryset, action, pk):
        obj = self.visible(queryset, action).filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def get_folder(self, pk, action="view"):
        return self._get_or_404(Folder.objects.all(), action, pk)

    def get_file(self, pk, action="view", queryset=None):
        queryset = queryset if queryset is not None else File.objects.select_related(
            "folder", "current_version")
        return self._get_or_404(queryset, action, pk)

    def may(self, action, folder):
        """May the contact `action` ("upload", "manage") in this folder? One query."""
        return self.folders(action).filter(pk=folder.pk).exists()

    def trail(self, folder):
        """The folders above `folder` the contact may see, top down, stopping at the
        first one they may not (breadcrumbs never pass through a hidden folder)."""
        ids = folder.ancestor_ids
        if not ids:
            return []
        seen = {f.pk: f for f in self.folders().filter(pk__in=ids).only("pk", "name", "path")}
        chain = []
        for pk in reversed(ids):
            if pk not in seen:
                break
            chain.append(seen[pk])
        return chain[::-1]

    def labelled(self, folders):
        """(folder, "Parent / Child") pairs, naming only folders the contact may see."""
        names = dict(self.folders().values_list("pk", "name"))
        pairs = []
        for folder in folders:
            parts = [folder.name]
            for pk in reversed(folder.ancestor_ids):
                if pk not in names:
                    parts.append("…")
                    break
                parts.append(names[pk])
            pairs.append((folder, " / ".join(reversed(parts))))
        return sorted(pairs, key=lambda pair: pair[1].lower())

    def folder_url(self, folder):
        return reverse("documents:folder", args=[self.workspace.slug, folder.pk])

    def file_url(self, file):
        return reverse("documents:file", args=[self.workspace.slug, file.pk])

    def root_url(self):
        return reverse("documents:folder_root", args=[self.workspace.slug])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["workspace"] = self.workspace
        return context


def _listing(queryset):
    return queryset.select_related("current_version__uploaded_by", "created_by")


def _with_badges(files):
    files = list(files)
    for file in files:
        file.kind, file.kind_label = describe(file)
    return files


# ---------------------------------------------------------------------------- browsing

class FolderRootView(FilesViewMixin, TemplateView):
    """The top of what the contact sees: the folders whose parent they cannot see."""

    template_name = "documents/portal/root.html"

    def get_context_data(self, **kwargs):
        visible = self.folders()
        top = visible.exclude(parent__in=visible.values("pk")).annotate(
            file_count=Count("files", filter=Q(files__deleted_at__isnull=True))).order_by("name")
        recent = _listing(self.files().select_related("folder")).order_by("-updated_at")[:8]
        return super().get_context_data(folders=top, recent=_with_badges(recent), **kwargs)


class FolderView(FilesViewMixin, TemplateView):
    template_name = "documents/portal/folder.html"

    def get_context_data(self, **kwargs):
        folder = self.get_folder(self.kwargs["pk"])
        subfolders = self.folders().filter(parent=folder).order_by("name")
        paginator = Paginator(_listing(self.files().filter(folder=folder)).order_by("name", "pk"),
                              FILES_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = _with_badges(page.object_list)
        return super().get_context_data(
            folder=folder, trail=self.trail(folder) + [folder], subfolders=subfolders,
            page_obj=page,
            files=page.object_list, can_upload=self.may("upload", folder),
            can_manage=self.may("manage", folder),
            upload_limit=settings.PORTAL_UPLOAD_MAX_BYTES, **kwargs)


class SearchView(FilesViewMixin, TemplateView):
    """File names, within every folder of the workspace the contact may see."""

    template_name = "documents/portal/search.html"

    def get_context_data(self, **kwargs):
        query = " ".join(self.request.GET.get("q", "").split())[:200]
        page = None
        if query:
            results = _listing(self.files().filter(name__icontains=query).select_related(
                "folder")).order_by("name", "pk")
            page = Paginator(results, RESULTS_PER_PAGE).get_page(self.request.GET.get("page"))
            page.object_list = _with_badges(page.object_list)
        return super().get_context_data(query=query, page_obj=page,
                                        files=page.object_list if page else [], **kwargs)


class FolderZipView(FilesViewMixin, View):
    """The folder and the subfolders the contact may see below it, as a streamed zip."""

    def get(self, request, workspace, pk):
        folder = self.get_folder(pk)
        below = self.folders().filter(path__startswith=folder.path).exclude(pk=folder.pk)
        names = ArchiveNames()
        archive_path = {folder.pk: names.claim([folder.name], is_dir=True)}
        entries = [(archive_path[folder.pk], None, 0, folder.created_at)]
        # Parents before children; a folder below a hidden one is left out with it.
        for sub in sorted(below, key=lambda f: (f.path.count("/"), f.name.lower())):
            parent_path = archive_path.get(sub.parent_id)
            if parent_path is None:
                continue
            archive_path[sub.pk] = names.claim(parent_path.rstrip("/").split("/") + [sub.name],
                                               is_dir=True)
            entries.append((archive_path[sub.pk], None, 0, sub.created_at))
        files = self.files().filter(folder_id__in=list(archive_path),
                                    current_version__isnull=False).select_related(
            "current_version").order_by("name", "pk")
        for file in files:
            parts = archive_path[file.folder_id].rstrip("/").split("/") + [file.name]
            entries.append((names.claim(parts), file.current_version.blob,
                            file.current_version.size, file.updated_at))
        return serving.generated(stream_zip(entries), f"{folder.name}.zip", "application/zip")


# ---------------------------------------------------------------------------- files

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


def _version_filename(file, version):
    stem, ext = os.path.splitext(file.name)
    if version.is_current:
        return file.name
    ext = os.path.splitext(version.original_name)[1] or ext
    return _("%(name)s (version %(number)d)%(ext)s") % {
        "name": stem, "number": version.number, "ext": ext}


class FileDownloadView(FilesViewMixin, View):
    inline = False

    def get(self, request, workspace, pk):
        file = self.get_file(pk)
        version = file.current_version
        if version is None:
            raise Http404
        return serving.serve_blob(request, version.blob, file.name, version.content_type,
                                  inline=self.inline)


@method_decorator(xframe_options_sameorigin, name="dispatch")
class FileOpenView(FileDownloadView):
    """The file in the browser (images, PDFs, audio, video; anything else downloads). The
    file page frames PDFs, hence same-origin framing."""

    inline = True


class FileThumbnailView(FilesViewMixin, View):
    def get(self, request, workspace, pk):
        file = self.get_file(pk)
        version = file.current_version
        if version is None or not version.thumbnail:
            raise Http404
        return serving.serve_blob(request, version.thumbnail, "thumbnail.png", "image/png",
                                  inline=True)


class VersionDownloadView(FilesViewMixin, View):
    def get(self, request, workspace, pk, version):
        file = self.get_file(pk)
        version = get_object_or_404(file.versions, pk=version)
        version.file = file
        return serving.serve_blob(request, version.blob, _version_filename(file, version),
                                  version.content_type)


# ---------------------------------------------------------------------------- uploads

class UploadView(uploads.UploadViewMixin, FilesViewMixin, View):
    """One or more files into a folder: one file per request from the drop zone (answers
    JSON), or several from the plain form (answers with messages and a redirect)."""

    def get_upload_target(self, workspace, pk):
        return self.get_folder(pk, "upload")  # 404 before a byte of the body is read

    def receive(self, request, folder):
        def store(upload):
            file = services.add_file(folder, upload, user=request.user)
            log(file, "documents.upload", user=request.user)
            return file

        added, errors = uploads.store_each(request, "file", store)
        if not added and not errors:
            errors.append(("", _("Choose at least one file to upload.")))
        if _is_xhr(request):
            body = {"ok": not errors,
                    "files": [{"name": f.name, "url": self.file_url(f)} for f in added]}
            if errors:
                body["error"] = errors[0][1]
                body["errors"] = [{"name": name, "error": message} for name, message in errors]
            return JsonResponse(body, status=400 if errors else 200)
        for file in added:
            messages.success(request, _("“%s” uploaded.") % file.name)
        for _name, message in errors:
            messages.error(request, message)
        return redirect(self.folder_url(folder))


class NewVersionView(uploads.UploadViewMixin, FilesViewMixin, View):
    def get_upload_target(self, workspace, pk):
        return self.get_file(pk, "upload")

    def receive(self, request, file):
        form = NewVersionForm(request.POST, request.FILES)  # reads the body, through the limit
        if not form.is_valid() and "comment" in form.errors:
            for message in form.errors["comment"]:
                messages.error(request, message)
            return redirect(self.file_url(file))

        def store(upload):
            version = services.add_version(file, upload, user=request.user,
                                           comment=form.cleaned_data["comment"])
            log(file, "documents.version", user=request.user, data={"version": version.number})
            return version

        versions, errors = uploads.store_each(request, "file", store, many=False)
        if not versions and not errors:
            errors = [("", message) for message in form.errors.get("file", [])]
        for version in versions:
            messages.success(request, _("Version %(number)d of “%(name)s” uploaded.") % {
                "number": version.number, "name": file.name})
        for _name, message in errors:
            messages.error(request, message)
        return redirect(self.file_url(file))


# ---------------------------------------------------------------------------- changes

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
                    messages.error(request, _error_text(error))
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
        messages.success(self.request, _trash_message(folder.name))
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
        messages.success(self.request, _trash_message(file.name))
        return redirect(self.folder_url(file.folder))
