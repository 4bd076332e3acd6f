"""Turn what editors chose into guardian grants, which the access policy reads.

`replace` is the one grant writer: pages, folders, invoices and reports all say who sees them
with an `Audience` (everyone in the workspace, chosen contacts, staff only), and `replace`
makes that audience the only holders of one action on them.

A page's audience narrows down the tree: a page is never shown to more people than the pages
above it, and nothing under an unpublished or staff-only page is shown to contacts. So every
change to a page re-grants its whole subtree.
"""

from collections import defaultdict

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from wagtail.models import GroupPagePermission, Page

from . import access
from .audience import Audience
from .models import PageVisibilityMixin, WorkspacePage

EVERYONE = "everyone"


@transaction.atomic
def replace(objs, audience, contacts=(), action="view", workspace=None):
    """Make `audience` the only holders of `action` on `objs` (one record, or several of one
    protected model in one workspace): the workspace's client group for "everyone in the
    workspace", each of `contacts` (users or ids) for "chosen contacts", nobody for "staff
    only". Any earlier grant of that action on them is taken away."""
    if isinstance(objs, models.Model):
        objs = [objs]
    ids = [obj.pk for obj in objs]
    if not ids:
        return
    spec = access._spec_for(type(objs[0]))
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(spec.model),
        codename=f"{action}_{spec.model._meta.model_name}")
    users, groups = spec.user_perm_model, spec.group_perm_model
    users.objects.filter(content_object_id__in=ids, permission=permission).delete()
    groups.objects.filter(content_object_id__in=ids, permission=permission).delete()
    if audience == Audience.WORKSPACE:
        if workspace is None:
            workspace = access.workspace_of(objs[0])
        groups.objects.bulk_create([
            groups(content_object_id=pk, group_id=workspace.client_group_id,
                   permission=permission) for pk in ids])
    elif audience == Audience.SELECTED:
        user_ids = sorted({getattr(contact, "pk", contact) for contact in contacts})
        users.objects.bulk_create([
            users(content_object_id=pk, user_id=user_id, permission=permission)
            for pk in ids for user_id in user_ids])
    elif audience != Audience.STAFF:
        raise ValueError(f"Unknown audience {audience!r}")


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
    subtree = list(Page.objects.descendant_of(page, inclusive=True).order_by("path"))
    if workspace is None or workspace.client_group_id is None:
        replace(subtree, Audience.STAFF)
        return
    step = Page.steplen
    audiences = {page.path[:-step]: _audience_above(page, workspace)}
    # One `replace` per distinct audience in the subtree (usually one or two), not per page.
    together = defaultdict(list)
    for node in subtree:
        audience = _narrow(audiences[node.path[:-step]], node)
        audiences[node.path] = audience
        together[audience if audience is EVERYONE else frozenset(audience)].append(node)
    for audience, nodes in together.items():
        if audience is EVERYONE:
            replace(nodes, Audience.WORKSPACE, workspace=workspace)
        elif audience:
            replace(nodes, Audience.SELECTED, audience)
        else:
            replace(nodes, Audience.STAFF)


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
