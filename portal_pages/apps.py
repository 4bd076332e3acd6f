from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalPagesConfig(AppConfig):
    name = "portal_pages"
    verbose_name = _("Portal pages")
    default_auto_field = "django.db.models.BigAutoField"
