from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button

from workspaces import access
from workspaces.models import WorkspacePage

from . import admin_urls


@hooks.register("register_admin_urls")
def register_documents_admin_urls():
    return [path("documents/", include(admin_urls))]


@hooks.register("register_page_header_buttons")
def files_header_button(page, user, view_name, next_url=None):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, WorkspacePage):
        return
    if not access.serves(user, page.pk):
        return
    yield Button(_("Files"), reverse("documents_admin:root", args=[page.pk]),
                 icon_name="folder-open-inverse", priority=79)


@hooks.register("register_admin_menu_item")
def register_approvals_menu_item():
    return MenuItem(_("Approvals"), reverse("documents_admin:approvals"), name="approvals",
                    icon_name="check", order=160)


@hooks.register("register_log_actions")
def register_documents_log_actions(actions):
    for action, label, message in (
        ("documents.folder_create", _("Create folder"), _("Folder created")),
        ("documents.upload", _("Upload file"), _("File uploaded")),
        ("documents.version", _("New version"), _("New version uploaded")),
        ("documents.restore_version", _("Restore version"),
         _("An earlier version made current again")),
        ("documents.rename", _("Rename"), _("Renamed")),
        ("documents.move", _("Move"), _("Moved")),
        ("documents.trash", _("Move to trash"), _("Moved to the trash")),
        ("documents.restore", _("Restore from trash"), _("Restored from the trash")),
        ("documents.grants", _("Folder access"), _("Folder access changed")),
        ("documents.approval_request", _("Request approval"), _("Approval requested")),
        ("documents.approval_cancel", _("Cancel approval request"),
         _("Approval request cancelled")),
    ):
        actions.register_action(action, label, message)


@hooks.register("insert_global_admin_css")
def documents_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("documents/admin.css"))
