"""Browsing: the top of the files, a folder, and search by name."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.views.generic import TemplateView

from .base import FilesViewMixin, listing, with_badges

FILES_PER_PAGE = 100
RESULTS_PER_PAGE = 50


class FolderRootView(FilesViewMixin, TemplateView):
    """The top of what the contact sees: the folders whose parent they cannot see."""

    template_name = "documents/portal/root.html"

    def get_context_data(self, **kwargs):
        visible = self.folders()
        top = visible.exclude(parent__in=visible.values("pk")).annotate(
            file_count=Count("files", filter=Q(files__deleted_at__isnull=True))).order_by("name")
        recent = listing(self.files().select_related("folder")).order_by("-updated_at")[:8]
        return super().get_context_data(folders=top, recent=with_badges(recent), **kwargs)


class FolderView(FilesViewMixin, TemplateView):
    template_name = "documents/portal/folder.html"

    def get_context_data(self, **kwargs):
        folder = self.get_folder(self.kwargs["pk"])
        subfolders = self.folders().filter(parent=folder).order_by("name")
        paginator = Paginator(listing(self.files().filter(folder=folder)).order_by("name", "pk"),
                              FILES_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        page.object_list = with_badges(page.object_list)
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
            results = listing(self.files().filter(name__icontains=query).select_related(
                "folder")).order_by("name", "pk")
            page = Paginator(results, RESULTS_PER_PAGE).get_page(self.request.GET.get("page"))
            page.object_list = with_badges(page.object_list)
        return super().get_context_data(query=query, page_obj=page,
                                        files=page.object_list if page else [], **kwargs)
