"""What a workspace's dashboard shows a contact, all of it through the access policy."""

from wagtail.models import Page

from . import access
from .shell import firm_for, workspace_shell


def dashboard_context(request, workspace):
    user = request.user
    pages = access.visible(user, workspace, Page.objects.child_of(workspace))
    activity = access.visible_pages(user, workspace).order_by("-last_published_at")[:5]
    panels = []
    for tool in access.tools_for(user, workspace, firm_for(request)):
        for make_panel in tool.dashboard_panels:
            panel = make_panel(request, workspace)
            if panel:
                panels.append(panel)
    return {
        "pages": pages.specific().order_by("path"),
        "activity": activity,
        "team": workspace_shell(request, workspace).team,
        "panels": panels,
    }
