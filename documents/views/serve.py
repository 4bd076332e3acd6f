"""Downloads: a file, an earlier version, a thumbnail, a folder as a zip.

Every byte goes out through `workspaces.blobs.serving`.
"""

import os

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from workspaces.blobs import serving
from workspaces.blobs.zipstream import ArchiveNames, stream_zip

from .base import FilesViewMixin


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
