from django.http import Http404
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel
from wagtail.admin.widgets.button import Button
from wagtail.models import Page

from . import access, admin_views
from .models import WorkspacePage
from .viewsets import workspace_listing_viewset


@hooks.register("before_serve_page")
def enforce_access_policy(page, request, serve_args, serve_kwargs):
    """Every page inside a workspace is served only through the access policy."""
    workspace = getattr(request, "routed_workspace", None)
    if workspace is None or not page.path.startswith(workspace.path):
        workspace = access.workspace_of(page)
    if workspace is None:
        return None
    if not request.user.is_authenticated:
        return redirect(f"{reverse('portal:login')}?next={request.path}")
    if not access.can_view_page(request.user, page, workspace):
        raise Http404
    request.workspace = workspace
    return None


# Runs before portal_pages' hook that serves the file.
@hooks.register("before_serve_document", order=-100)
def documents_follow_their_pages(document, request):
    if not access.can_view_cms_document(request.user, document):
        raise Http404
    return None


@hooks.register("register_admin_viewset")
def register_workspace_listing():
    return workspace_listing_viewset


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("portal/", include((admin_views.urlpatterns, "portal_admin")))]


@hooks.register("register_page_header_buttons")
def workspace_header_buttons(page, user, view_name, next_url=None):
    specific_class = page.specific_class
    if page.depth < 3 or not page.permissions_for_user(user).can_edit():
        return
    is_workspace = specific_class is not None and issubclass(specific_class, WorkspacePage)
    if is_workspace:
        yield Button(_("Contacts"), reverse("portal_admin:contacts", args=[page.pk]),
                     icon_name="group", priority=80)
        yield Button(_("Preview as contact"), reverse("portal_admin:preview", args=[page.pk]),
                     icon_name="view", priority=81)
    elif access.workspace_of(page) is None:
        return  # a public page of the Site: everyone can see it
    yield Button(_("Who can see this"), reverse("portal_admin:who_can_see", args=[page.pk]),
                 icon_name="lock", priority=82)


@hooks.register("register_log_actions")
def register_portal_log_actions(actions):
    actions.register_action("portal.invite", _("Invite contact"), _("Contact invited"))
    actions.register_action("portal.access_on", _("Portal access on"), _("Portal access on"))
    actions.register_action("portal.access_off", _("Portal access off"), _("Portal access off"))
    actions.register_action("portal.remove", _("Remove from workspace"),
                            _("Removed from workspace"))
    actions.register_action("portal.login", _("Portal login"), _("Logged in to the portal"))
    actions.register_action("portal.email_change", _("Login email change"),
                            _("Login email changed"))
    actions.register_action("portal.password_change", _("Password change"),
                            _("Changed their own password"))
    actions.register_action("portal.temp_password", _("Temporary password"),
                            _("Temporary password set"))
    actions.register_action("portal.preview", _("Preview as contact"),
                            _("Previewed the portal as a contact"))


# ------------------------------------------------------------------- staff see their teams'

def _staff(request):
    user = request.user
    return user if user.is_authenticated and not user.is_superuser else None


def _refuse_foreign_parent(request):
    """The chooser and the explorer show the parent page's title above its children: a
    parent inside another team's workspace is a 404, not an empty listing under its name."""
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None and access.page_hidden_from_staff(request.user, parent_id):
        raise Http404


@hooks.register("construct_page_chooser_queryset")
def page_chooser_shows_served_workspaces(pages, request):
    """The page chooser (browse and search) lists no page of a workspace the staff member
    does not serve; Wagtail's chooser otherwise lists every page, whatever the permissions."""
    if _staff(request) is None:
        return pages
    _refuse_foreign_parent(request)
    return access.admin_visible_pages(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def explorer_shows_served_workspaces(parent_page, pages, request):
    if _staff(request) is None:
        return pages
    if access.page_hidden_from_staff(request.user, parent_page.pk):
        raise Http404
    return access.admin_visible_pages(request.user, pages)


@hooks.register("construct_document_chooser_queryset")
def document_chooser_shows_readable_documents(documents, request):
    if _staff(request) is None:
        return documents
    return access.readable_documents(request.user, documents)


class ServedReviewsPanel(WorkflowObjectsToModeratePanel):
    """Wagtail's "Awaiting your review" panel lists every task a reviewer's group may act
    on; a review group can span teams (firm-wide partners), so it would show pages of
    workspaces this staff member does not serve. Those are left out, as everywhere else."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        staff = _staff(parent_context["request"])
        if staff is not None and context["states"]:
            page_ids = [state["obj"].pk for state in context["states"]
                        if isinstance(state["obj"], Page)]
            shown = set(access.admin_visible_pages(
                staff, Page.objects.filter(pk__in=page_ids)).values_list("pk", flat=True))
            context["states"] = [state for state in context["states"]
                                 if not isinstance(state["obj"], Page)
                                 or state["obj"].pk in shown]
        return context


@hooks.register("construct_homepage_panels")
def reviews_of_served_workspaces_only(request, panels):
    panels[:] = [ServedReviewsPanel() if isinstance(panel, WorkflowObjectsToModeratePanel)
                 else panel for panel in panels]
