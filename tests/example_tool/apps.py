from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExampleToolConfig(AppConfig):
    name = "tests.example_tool"
    label = "example_tool"
    verbose_name = _("Notes (example tool)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workspaces import registry

        from . import panels
        from .models import Note, NoteGroupObjectPermission, NoteUserObjectPermission

        registry.protect(Note, NoteUserObjectPermission, NoteGroupObjectPermission,
                         tool="notes")
        registry.register_tool(registry.Tool(
            slug="notes", label=_("Notes"), url_name="example_tool:notes", icon="doc",
            prefix="notes", urlconf="tests.example_tool.urls", order=90,
            firm_switches=(registry.FirmSwitch(
                key="clients_read_notes", label=_("Clients may read notes"),
                help=_("Off: no contact sees the Notes tool in any workspace.")),),
            dashboard_panels=(panels.latest_note_panel,)))
