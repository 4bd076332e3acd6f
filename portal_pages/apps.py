from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalPagesConfig(AppConfig):
    name = "portal_pages"
    verbose_name = _("Portal pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workspaces import registry

        registry.register_demo(registry.DemoPart(
            "portal_pages", site="portal_pages.demo.load_site",
            workspace="portal_pages.demo.load"))
