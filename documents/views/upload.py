"""Uploads: new files into a folder, and new versions of a file."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from wagtail.log_actions import log

from workspaces.blobs import uploads

from .. import services
from ..forms import NewVersionForm
from .base import (
    FilesViewMixin,
    is_xhr,
)


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
        if is_xhr(request):
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
