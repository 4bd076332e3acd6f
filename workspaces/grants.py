"""Turn what editors chose into guardian grants, which the access policy reads."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import Page

from .models import (
    PageGroupObjectPermission,
    PageUserObjectPermission,
    PageVisibilityMixin,
    WorkspacePage,
)


def view_page_permission():
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename="view_page"
    )


@transaction.atomic
def sync_page_grants(page):
    """Replace the page's view grants with what its visibility says."""
    specific = page.specific
    if not isinstance(specific, PageVisibilityMixin):
        return
    workspace = WorkspacePage.objects.ancestor_of(page).first()
    perm = view_page_permission()
    PageUserObjectPermission.objects.filter(content_object_id=page.pk, permission=perm).delete()
    PageGroupObjectPermission.objects.filter(content_object_id=page.pk, permission=perm).delete()
    if workspace is None:
        return
    visibility = specific.visibility
    if visibility == PageVisibilityMixin.Visibility.WORKSPACE and workspace.client_group_id:
        PageGroupObjectPermission.objects.create(
            content_object_id=page.pk, group_id=workspace.client_group_id, permission=perm
        )
    elif visibility == PageVisibilityMixin.Visibility.SELECTED:
        PageUserObjectPermission.objects.bulk_create(
            PageUserObjectPermission(content_object_id=page.pk, user=user, permission=perm)
            for user in specific.visible_to.all()
        )


def sync_team(workspace):
    """The workspace's staff group holds the Wagtail page permissions on its subtree."""
    from wagtail.models import GroupPagePermission

    workspace.ensure_groups()
    group = workspace.team_group
    group.user_set.set([member.user_id for member in workspace.team_members.all()])
    wanted = Permission.objects.filter(
        content_type__app_label="wagtailcore",
        codename__in=["add_page", "change_page", "publish_page"],
    )
    for perm in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=workspace.page_ptr,
                                                  permission=perm)
    admin_access = Permission.objects.get(content_type__app_label="wagtailadmin",
                                          codename="access_admin")
    group.permissions.add(admin_access)
