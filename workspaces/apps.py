from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    name = "workspaces"
    verbose_name = _("Client workspaces")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import Page

        from . import registry, shell_cache, signals, slugs  # noqa: F401
        from .models import PageGroupObjectPermission, PageUserObjectPermission

        registry.protect(Page, PageUserObjectPermission, PageGroupObjectPermission)
        shell_cache.connect_signals()
