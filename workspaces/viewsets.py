"""A flat admin listing of every client workspace, filterable by status and tags."""

import django_filters
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet

from .models import WorkspacePage


def workspace_tags(request):
    return Tag.objects.filter(workspaces_workspacetag_items__isnull=False).distinct().order_by(
        "name")


class WorkspaceFilterSet(PageFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=WorkspacePage.Status.choices)
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Tags"), field_name="tags", queryset=workspace_tags, distinct=True)

    class Meta:
        model = WorkspacePage
        fields = []


class WorkspaceListingViewSet(PageListingViewSet):
    """Staff see the workspaces they may explore; firm admins see all."""

    model = WorkspacePage
    icon = "group"
    menu_label = _("Workspaces")
    menu_order = 150
    add_to_admin_menu = True
    filterset_class = WorkspaceFilterSet


workspace_listing_viewset = WorkspaceListingViewSet("workspaces")
