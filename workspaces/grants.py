"""Turn what editors chose into guardian grants, which the access policy reads.

A page's audience narrows down the tree: a page is never shown to more people than the pages
above it, and nothing under an unpublished or staff-only page is shown to contacts. So every
change to a page re-grants its whole subtree.
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import GroupPagePermission, Page

from .models import (
    PageGroupObjectPermission,
    PageUserObjectPermission,
    PageVisibilityMixin,
    WorkspacePage,
)

EVERYONE = "everyone"


def view_page_permission():
    return Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename="view_page"
    )


def _narrow(audience, page):
    """The audience of `page` given the audience of its parent."""
    if audience is not EVERYONE and not audience:
        return set()
    if not page.live:
        return set()
    specific = page.specific
    if not isinstance(specific, PageVisibilityMixin):
        return audience
    if specific.visibility == PageVisibilityMixin.Visibility.STAFF:
        return set()
    if specific.visibility == PageVisibilityMixin.Visibility.SELECTED:
        chosen = set(specific.visible_to.values_list("pk", flat=True))
        return chosen if audience is EVERYONE else audience & chosen
    return audience


def _audience_above(page, workspace):
    audience = EVERYONE
    for ancestor in page.get_ancestors().filter(depth__gt=workspace.depth).order_by("depth"):
        audience = _narrow(audience, ancestor)
    return audience


@transaction.atomic
def sync_subtree_grants(page):
    """Recompute the view grants of `page` and everything below it."""
    workspace = WorkspacePage.objects.ancestor_of(page).first()
    perm = view_page_permission()
    subtree = Page.objects.descendant_of(page, inclusive=True).order_by("path")
    ids = list(subtree.values_list("pk", flat=True))
    PageUserObjectPermission.objects.filter(content_object_id__in=ids, permission=perm).delete()
    PageGroupObjectPermission.objects.filter(content_object_id__in=ids, permission=perm).delete()
    if workspace is None or workspace.client_group_id is None:
        return
    step = Page.steplen
    audiences = {page.path[:-step]: _audience_above(page, workspace)}
    user_grants, group_grants = [], []
    for node in subtree:
        audience = _narrow(audiences[node.path[:-step]], node)
        audiences[node.path] = audience
        if audience is EVERYONE:
            group_grants.append(PageGroupObjectPermission(
                content_object_id=node.pk, group_id=workspace.client_group_id, permission=perm))
        else:
            user_grants.extend(PageUserObjectPermission(
                content_object_id=node.pk, user_id=user_id, permission=perm)
                for user_id in audience)
    PageGroupObjectPermission.objects.bulk_create(group_grants)
    PageUserObjectPermission.objects.bulk_create(user_grants)


def sync_team(workspace):
    """The workspace's staff group holds the Wagtail page permissions on its subtree."""
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
