"""Where other apps plug into the spine without `workspaces` importing them.

An app that adds a tool (files, billing, reports, ...) calls `register_tool` from its
AppConfig.ready(); an app whose records carry object permissions calls `protect`, or
`protect_through` for records that follow another protected record (a file its folder).

A protected model may define `portal_filter()` (a classmethod returning a Q of the rows a
contact could ever see, e.g. not in the trash) and `portal_hidden_reason()` (why this row is
hidden whatever the grants, or None).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured

tools = {}
protected = {}
demos = {}

PREFIX = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Tool:
    """A switchable part of a workspace.

    slug: stored in WorkspacePage.enabled_tools.
    url_name: a URL name taking a `workspace` (slug) kwarg; the tool's menu entry.
    prefix, urlconf: the tool's portal pages are the dotted module `urlconf` mounted at
        /<workspace>/<prefix>/ by the root URLconf; no page inside a workspace may use
        `prefix` as its slug (workspaces.slugs).
    firm_switches: the tool's firm-wide switches (FirmSwitch), shown on the firm settings
        screen of every Site while the tool is installed.
    dashboard_panels: callables (request, workspace) -> dict with `template` and context,
        or None to show nothing.
    audience: who among the members may use the tool (None: all of them).
    report_sections: the tool's parts of the monthly workspace report.
    """

    slug: str
    label: str
    url_name: str
    icon: str = "folder"
    prefix: str | None = None
    urlconf: str | None = None
    firm_switches: tuple = field(default_factory=tuple)
    order: int = 100
    dashboard_panels: tuple = field(default_factory=tuple)
    # (user, workspace) -> bool: whether this member may use the tool at all (billing is for
    # the workspace's billing contacts only). None: every member.
    audience: object = None
    # Callables (workspace, start, end) -> dict with "template" and context, or None: the
    # tool's section of the monthly workspace report.
    report_sections: tuple = field(default_factory=tuple)
    # Static paths of the tool's own CSS, loaded once in the head of every page of a
    # workspace where the tool is available (its pages and its dashboard panels); shared
    # components (.status, .facts, .table, ...) are the shell's, in portal/portal.css.
    stylesheets: tuple = field(default_factory=tuple)

    def switches_for(self, action=None):
        """The firm switches that must be on for a contact to use the tool at all (action
        None), or to do `action` in it."""
        return [switch for switch in self.firm_switches
                if not switch.actions or (action is not None and action in switch.actions)]


@dataclass(frozen=True)
class FirmSwitch:
    """A firm-wide switch that a tool declares: the ceiling for every workspace of a Site.

    key: where the value is kept in FirmSettings.switches; unique across tools.
    label, help: what the firm settings screen shows.
    default: the value until the firm changes it.
    actions: the actions of the tool it gates for contacts (("upload",): contacts may still
        open the tool but not upload); empty: the whole tool (no menu entry, its URLs 404).
    """

    key: str
    label: str
    help: str = ""
    default: bool = True
    actions: tuple = ()


@dataclass(frozen=True)
class Protected:
    """A model whose rows are granted with guardian's direct foreign-key tables."""

    model: type
    user_perm_model: type | None
    group_perm_model: type | None
    tool: str | None = None
    # Rows that follow another protected object (a file follows its folder): the name of
    # the foreign key to it.
    via: str | None = None


def register_tool(tool):
    if tool.urlconf and not (tool.prefix and PREFIX.match(tool.prefix)):
        raise ImproperlyConfigured(
            f"Tool {tool.slug!r}: a tool with a urlconf needs a prefix of lower-case letters, "
            f"digits and single hyphens, not {tool.prefix!r}.")
    clash = next((other for other in tools.values() if other.slug != tool.slug
                  and tool.prefix and other.prefix == tool.prefix), None)
    if clash:
        raise ImproperlyConfigured(
            f"Tools {clash.slug!r} and {tool.slug!r} both claim the prefix {tool.prefix!r}.")
    for switch in tool.firm_switches:
        owner = next((other for other in tools.values() if other.slug != tool.slug
                      and switch.key in {s.key for s in other.firm_switches}), None)
        if owner:
            raise ImproperlyConfigured(
                f"Tools {owner.slug!r} and {tool.slug!r} both declare the firm switch "
                f"{switch.key!r}.")
    tools[tool.slug] = tool
    return tool


def ordered_tools():
    return sorted(tools.values(), key=lambda t: t.order)


def firm_switches():
    """(tool, switch) for every firm switch of the installed tools, in menu order."""
    return [(tool, switch) for tool in ordered_tools() for switch in tool.firm_switches]


def firm_switch(key):
    return next((switch for _tool, switch in firm_switches() if switch.key == key), None)


def action_switches():
    """{(tool slug, action): [switches]}: what the firm can forbid contacts to do."""
    gated = {}
    for tool, switch in firm_switches():
        for action in switch.actions:
            gated.setdefault((tool.slug, action), []).append(switch)
    return gated


def tool_prefixes():
    """The URL prefixes that tools own inside every workspace: /<workspace>/<prefix>/."""
    return {tool.prefix: tool for tool in tools.values() if tool.prefix and tool.urlconf}


def tool_urlpatterns():
    """The portal routes of every registered tool, for the root URLconf."""
    from django.urls import include, path

    return [path(f"<slug:workspace>/{tool.prefix}/", include(tool.urlconf))
            for tool in ordered_tools() if tool.urlconf]


def protect(model, user_perm_model, group_perm_model, tool=None):
    protected[model] = Protected(model, user_perm_model, group_perm_model, tool)


def protect_through(model, via, tool=None):
    """`model` rows carry no grants of their own: a contact may do to one what they may do
    to the protected object its `via` foreign key points at."""
    protected[model] = Protected(model, None, None, tool, via)


def tool_choices():
    return [(t.slug, t.label) for t in ordered_tools()]


@dataclass(frozen=True)
class DemoPart:
    """An app's part of `manage.py load_demo`, which builds the firm, its people and its
    workspaces and then calls every part, in the order of INSTALLED_APPS.

    site: (home, firm, users) -> None, once, after the Site, its home page, the firm settings
        and the people exist. users: {email: User}.
    workspace: (workspace, users, staff) -> None, for each demo workspace, published with its
        members and team; staff: its first team member.
    Either may be a dotted path, imported only when the demo is loaded. Both must be safe to
    run twice.
    """

    app: str
    site: object = None
    workspace: object = None

    def load_site(self, home, firm, users):
        if self.site:
            _callable(self.site)(home, firm, users)

    def load_workspace(self, workspace, users, staff):
        if self.workspace:
            _callable(self.workspace)(workspace, users, staff)


def _callable(target):
    if isinstance(target, str):
        from django.utils.module_loading import import_string

        return import_string(target)
    return target


def register_demo(part):
    demos[part.app] = part
    return part


def demo_parts():
    """The registered demo parts in the order of INSTALLED_APPS."""
    from django.apps import apps

    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return sorted(demos.values(), key=lambda part: order.get(part.app, len(order)))
