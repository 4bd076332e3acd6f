"""What the branded portal shell shows around every page: brand, menu, switcher, preview.

The parts that are the same for everybody on a Site (firm settings, branding images, the
firm's menu links) and for everybody in a workspace (its menu links, its firm team) are built
once and kept in the shared cache (`shell_cache`) until staff change them; what depends on the
person (their workspaces, the tools they may use) goes through the access policy on every
request, from a cache of their memberships kept the same way.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import access
from .models import FirmSettings
from .shell_cache import cached


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url: str
    icon: str = ""
    external: bool = False
    current: bool = False


@dataclass(frozen=True)
class MenuLink:
    """A firm's or workspace's own menu link, its URL resolved."""

    label: str
    url: str
    external: bool


@dataclass(frozen=True)
class BrandImage:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class TeamEntry:
    name: str
    email: str
    role: str


@dataclass(frozen=True)
class SiteShell:
    firm: FirmSettings
    links: tuple
    logo: BrandImage | None = None  # in the top bar
    logo_large: BrandImage | None = None  # on the login pages
    favicon: BrandImage | None = None


@dataclass(frozen=True)
class WorkspaceShell:
    links: tuple
    team: tuple


def _link_url(link, request):
    # get_url(request) keeps Wagtail's site root paths on the request: `Page.url` would read
    # them from the shared cache once per link.
    return link.link_page.get_url(request) if link.link_page_id else link.link_url


def _links(queryset, request):
    links = []
    for link in queryset.select_related("link_page"):
        url = _link_url(link, request)
        if url:
            links.append(MenuLink(link.label, url, link.is_external))
    return tuple(links)


def _brand_image(image, spec):
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    return BrandImage(rendition.url, rendition.width, rendition.height)


def _build_site_shell(request, site):
    firm = FirmSettings.for_site(site)
    return SiteShell(
        firm=firm,
        links=_links(firm.menu_links.all(), request),
        logo=_brand_image(firm.logo, "height-40"),
        logo_large=_brand_image(firm.logo, "height-48"),
        favicon=_brand_image(firm.favicon, "fill-64x64"),
    )


def site_shell(request):
    """The Site's part of the shell (one cache read; built from the database on a miss)."""
    shell = getattr(request, "_portal_site_shell", None)
    if shell is None:
        site = Site.find_for_request(request)
        if site is None:
            shell = SiteShell(firm=FirmSettings(), links=())
        else:
            shell = cached(f"portal:shell:site:{site.pk}",
                           lambda: _build_site_shell(request, site))
        # As FirmSettings.for_request would, so that code asking Wagtail gets the same object.
        shell.firm._request = request
        setattr(request, FirmSettings.get_cache_attr_name(), shell.firm)
        request._portal_site_shell = shell
    return shell


def firm_for(request):
    return site_shell(request).firm


def _build_workspace_shell(request, workspace):
    team = workspace.team_members.select_related("user").order_by("sort_order")
    return WorkspaceShell(
        links=_links(workspace.menu_links.all(), request),
        team=tuple(TeamEntry(member.user.get_full_name() or member.user.email,
                             member.user.email, member.role) for member in team),
    )


def workspace_shell(request, workspace):
    """The workspace's part of the shell: its menu links and its firm team. Only for people
    the policy has already let into the workspace."""
    cache_attr = f"_portal_workspace_shell_{workspace.pk}"
    shell = getattr(request, cache_attr, None)
    if shell is None:
        site = Site.find_for_request(request)
        shell = cached(f"portal:shell:workspace:{site.pk if site else 0}:{workspace.pk}",
                       lambda: _build_workspace_shell(request, workspace))
        setattr(request, cache_attr, shell)
    return shell


def menu_for(request, workspace, tools):
    entries = []
    path = request.path
    links = list(site_shell(request).links)
    if workspace is not None:
        home = workspace.get_url(request)
        entries.append(MenuEntry(_("Dashboard"), home, "home", current=path == home))
        for tool in tools:
            url = reverse(tool.url_name, kwargs={"workspace": workspace.slug})
            entries.append(MenuEntry(str(tool.label), url, tool.icon,
                                     current=path.startswith(url)))
        links += workspace_shell(request, workspace).links
    for link in links:
        entries.append(MenuEntry(link.label, link.url, "link", external=link.external,
                                 current=path == link.url))
    return entries


def shell_context(request):
    shell = site_shell(request)
    workspace = getattr(request, "workspace", None)
    user = request.user
    tools = (access.tools_for(user, workspace, shell.firm)
             if user.is_authenticated and workspace is not None else [])
    return {
        "firm": shell.firm,
        "brand": shell,
        "workspace": workspace,
        "workspaces": access.workspaces_for(user),
        "menu": menu_for(request, workspace, tools) if user.is_authenticated else [],
        # Each available tool's own CSS, once (files and approvals share theirs).
        "stylesheets": list(dict.fromkeys(path for tool in tools for path in tool.stylesheets)),
        "preview": getattr(request, "preview", None),
    }
