"""A file's versions: upload a new one, download one, make an earlier one current."""

import os

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from workspaces.blobs import serving, uploads

from .. import admin_forms, policies, services
from ..models import Approval, FileVersion
from .base import DocumentsAdminView, FileObjectMixin


def version_filename(version):
    name = version.file.name
    if version.is_current:
        return name
    stem, ext = os.path.splitext(name)
    return f"{stem} (v{version.number}){ext}"


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
