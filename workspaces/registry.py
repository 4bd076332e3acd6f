"""Where other apps plug into the spine without `workspaces` importing them.

An app that adds a tool (files, billing, reports, ...) calls `register_tool` from its
AppConfig.ready(); an app whose records carry object permissions calls `protect`.
"""

from dataclasses import dataclass, field

tools = {}
protected = {}


@dataclass(frozen=True)
class Tool:
    """A switchable part of a workspace.

    slug: stored in WorkspacePage.enabled_tools.
    url_name: a URL name taking a `workspace` (slug) kwarg; the tool's menu entry.
    global_permission: a boolean field of FirmSettings that must be on, or None.
    dashboard_panels: callables (request, workspace) -> dict with `template` and context,
        or None to show nothing.
    """

    slug: str
    label: str
    url_name: str
    icon: str = "folder"
    global_permission: str | None = None
    order: int = 100
    dashboard_panels: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Protected:
    """A model whose rows are granted with guardian's direct foreign-key tables."""

    model: type
    user_perm_model: type
    group_perm_model: type
    tool: str | None = None


def register_tool(tool):
    tools[tool.slug] = tool
    return tool


def protect(model, user_perm_model, group_perm_model, tool=None):
    protected[model] = Protected(model, user_perm_model, group_perm_model, tool)


def tool_choices():
    return [(t.slug, t.label) for t in sorted(tools.values(), key=lambda t: t.order)]
