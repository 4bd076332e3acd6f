from wagtail.admin.panels import FieldPanel

from . import registry


class ToolSwitchesPanel(FieldPanel):
    """One checkbox per tool that an installed app registered; hidden while there are none."""

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return bool(registry.tools) and super().is_shown()
