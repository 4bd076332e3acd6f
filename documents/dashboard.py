"""Dashboard panels the documents app registers with the spine."""

from django.urls import reverse

from workspaces import access
from workspaces.shell import firm_for

from .models import File

RECENT_FILES = 5


def recent_files_panel(request, workspace):
    """The files the contact may see that changed most recently (one query)."""
    from .views.base import describe

    files = list(access.visible(request.user, workspace, File.objects.all(),
                                firm=firm_for(request)).select_related(
        "folder").order_by("-updated_at", "-pk")[:RECENT_FILES])
    for file in files:
        file.kind, file.kind_label = describe(file)
    return {
        "template": "documents/portal/panel_recent_files.html",
        "files": files,
        "workspace": workspace,
        "files_url": reverse("documents:folder_root", args=[workspace.slug]),
    }
