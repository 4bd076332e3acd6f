from wagtail.admin.panels import FieldPanel, Panel

from . import registry
from .forms_admin import switch_field_name


class ToolSwitchesPanel(FieldPanel):
    """One checkbox per tool that an installed app registered; hidden while there are none."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return bool(registry.tools) and super().is_shown()


class FirmSwitchesPanel(Panel):
    """The firm switches of the installed tools (FirmSettingsForm adds their fields), grouped
    by tool; hidden while no installed tool declares one."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal_admin/firm_switches_panel.html"

        def is_shown(self):
            return bool(registry.firm_switches())

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["tool_switches"] = [
                (tool, [self.form[switch_field_name(switch)] for switch in tool.firm_switches])
                for tool in registry.ordered_tools() if tool.firm_switches
            ]
            return context
