"""What the branded portal shell shows around every page: brand, menu, switcher, preview."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from . import access
from .models import FirmSettings


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    icon: str = ""
    external: bool = False
    current: bool = False


def firm_for(request):
    cached = getattr(request, "_portal_firm", None)
    if cached is None:
        cached = FirmSettings.for_request(request)
        request._portal_firm = cached
    return cached


def _link_url(link, request):
    # get_url(request) keeps Wagtail's site root paths on the request: `Page.url` would read
    # them from the shared cache once per link.
    return link.link_page.get_url(request) if link.link_page_id else link.link_url


def menu_for(request, workspace, firm):
    entries = []
    path = request.path
    if workspace is not None:
        home = workspace.get_url(request)
        entries.append(MenuEntry(_("Dashboard"), home, "home", current=path == home))
        for tool in access.tools_for(request.user, workspace, firm):
            url = reverse(tool.url_name, kwargs={"workspace": workspace.slug})
            entries.append(MenuEntry(str(tool.label), url, tool.icon,
                                     current=path.startswith(url)))
        links = list(workspace.menu_links.select_related("link_page"))
    else:
        links = []
    links = list(firm.menu_links.select_related("link_page")) + links
    for link in links:
        url = _link_url(link, request)
        if url:
            entries.append(MenuEntry(link.label, url, "link", external=link.is_external,
                                     current=path == url))
    return entries


def shell_context(request):
    firm = firm_for(request)
    workspace = getattr(request, "workspace", None)
    user = request.user
    workspaces = access.workspaces_for(user)
    return {
        "firm": firm,
        "workspace": workspace,
        "workspaces": workspaces,
        "menu": menu_for(request, workspace, firm) if user.is_authenticated else [],
        "preview": getattr(request, "preview", None),
    }
