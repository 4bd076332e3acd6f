"""What the contact's file views share: the policy mixin, file badges, messages."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from workspaces import access
from workspaces.blobs import serving
from workspaces.shell import firm_for
from workspaces.views.portal import WorkspaceViewMixin

from ..models import File, Folder

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


def is_xhr(request):
    return (request.headers.get("x-requested-with") == "XMLHttpRequest"
            or "application/json" in request.headers.get("accept", ""))


def error_text(error):
    return " ".join(str(m) for m in error.messages)


def trash_message(name):
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


def listing(queryset):
    return queryset.select_related("current_version__uploaded_by", "created_by")


def with_badges(files):
    files = list(files)
    for file in files:
        file.kind, file.kind_label = describe(file)
    return files
