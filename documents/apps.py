from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Files and approvals")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workspaces import registry

        from . import dashboard, report_sections, signals  # noqa: F401
        from .models import File, Folder, FolderGroupObjectPermission, FolderUserObjectPermission

        registry.protect(Folder, FolderUserObjectPermission, FolderGroupObjectPermission,
                         tool="files")
        registry.protect_through(File, "folder", tool="files")
        registry.register_tool(registry.Tool(
            slug="files", label=_("Files"), url_name="documents:folder_root", icon="folder",
            prefix="files", urlconf="documents.urls", order=10,
            stylesheets=("documents/documents.css",),
            firm_switches=(registry.FirmSwitch(
                key="clients_may_upload", label=_("Clients may upload files"),
                help=_("Off: contacts only download; staff still upload in the admin."),
                actions=("upload",)),),
            dashboard_panels=(dashboard.recent_files_panel,),
            report_sections=(report_sections.files_section,)))
        registry.register_tool(registry.Tool(
            slug="approvals", label=_("Approvals"), url_name="approvals:queue", icon="check",
            prefix="approvals", urlconf="documents.urls_approvals", order=20,
            stylesheets=("documents/documents.css",),
            dashboard_panels=(dashboard.pending_approvals_panel,),
            report_sections=(report_sections.approvals_section,)))
        registry.register_demo(registry.DemoPart("documents", workspace="documents.demo.load"))
