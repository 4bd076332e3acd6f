"""The one access policy. Every "may this contact see or do this?" is answered here.

A contact may act on an object only when all four layers agree:

1. global   the firm's settings for the Site: the ceiling for every workspace;
2. tool     the workspace has the tool switched on (and is not archived, for changes);
3. member   the contact is an active member of the workspace and has portal access;
4. object   a guardian grant on the object, to the workspace's client group or to the contact.

Lists are filtered in SQL (`visible`), single objects are fetched through the policy
(`get_visible_or_404`), and `explain` says which layer allowed or refused, for the admin's
"who can see this" panel and for preview-as-contact. Hidden and foreign objects answer 404.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import Page
from wagtail.permission_policies.base import BasePermissionPolicy

from . import registry, shell_cache
from .models import FirmSettings, Membership, WorkspacePage

GLOBAL = "global"
TOOL = "tool"
MEMBER = "member"
OBJECT = "object"
LAYER_LABELS = {
    GLOBAL: gettext_lazy("Firm-wide permissions"),
    TOOL: gettext_lazy("Workspace tools"),
    MEMBER: gettext_lazy("Membership and portal access"),
    OBJECT: gettext_lazy("Object permission"),
}

READ_ACTIONS = {"view"}


@dataclass(frozen=True)
class Step:
    layer: str
    allowed: bool
    reason: str

    @property
    def layer_label(self):
        return LAYER_LABELS[self.layer]


@dataclass
class Explanation:
    steps: list = field(default_factory=list)

    @property
    def allowed(self):
        return all(step.allowed for step in self.steps)

    @property
    def deciding(self):
        """The first layer that refused, or the last one that allowed."""
        for step in self.steps:
            if not step.allowed:
                return step
        return self.steps[-1]


# ---------------------------------------------------------------------------- helpers

def firm_settings_for(workspace):
    site = workspace.get_site()
    return FirmSettings.for_site(site) if site else FirmSettings()


def workspace_of(obj):
    if isinstance(obj, WorkspacePage):
        return obj
    if isinstance(obj, Page):
        return WorkspacePage.objects.ancestor_of(obj, inclusive=True).first()
    return obj.workspace


def _spec_for(model):
    for klass in model.__mro__:
        if klass in registry.protected:
            return registry.protected[klass]
    raise LookupError(f"{model.__name__} is not protected by the access policy")


def grant_holder(obj):
    """The object whose grants decide for `obj`: itself, or what it follows (a file's
    folder)."""
    spec = _spec_for(type(obj))
    while spec.via:
        obj = getattr(obj, spec.via)
        spec = _spec_for(type(obj))
    return obj


def _codename(action, spec):
    return f"{action}_{spec.model._meta.model_name}"


def _as_workspace(obj, workspace):
    """The workspace itself when `obj` is its page, even fetched as a plain Page."""
    if isinstance(obj, Page) and workspace is not None and obj.pk == workspace.pk:
        return workspace
    return obj


def _portal_user(user):
    return bool(user and user.is_authenticated and user.is_active and user.portal_access)


# ---------------------------------------------------------------------------- layer 3

def active_memberships(user):
    """The memberships through which this user may enter workspaces (a queryset)."""
    if not _portal_user(user):
        return Membership.objects.none()
    qs = Membership.objects.filter(user=user, is_active=True, workspace__live=True)
    preview_workspace_id = getattr(user, "preview_workspace_id", None)
    if preview_workspace_id:
        # Staff previewing as a contact see only the workspace they previewed from.
        qs = qs.filter(workspace_id=preview_workspace_id)
    return qs


def _memberships(user):
    """The user's active memberships, with their workspaces, keyed by workspace id.

    It answers both "is this contact a member here?" and the workspace switcher. Kept on the
    user object for the request, and in the shared cache across requests until a membership
    of theirs, their user row or a page changes (`shell_cache`): a contact taken out of a
    workspace is out on their very next request. Whether the user may use the portal at all
    (`_portal_user`) is read from the user row every request, not from here.
    """
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        def build():
            rows = active_memberships(user).select_related("workspace").order_by(
                "workspace__status", "workspace__title")
            return {row.workspace_id: row for row in rows}

        preview_workspace_id = getattr(user, "preview_workspace_id", None) or 0
        cached = shell_cache.cached(
            f"portal:shell:memberships:{user.pk}:{preview_workspace_id}", build,
            user_id=user.pk)
        user._portal_memberships = cached
    return cached


def active_members(workspace):
    """The workspace's active members: its client contacts (never staff) whose membership is
    active, by email. Who may be chosen in an audience; whether they may log in now is the
    policy's business (`membership`)."""
    return get_user_model().objects.filter(
        memberships__workspace=workspace, memberships__is_active=True,
        is_staff=False).order_by("email")


def workspaces_for(user):
    """The live workspaces this user may enter, active first, by title."""
    if not _portal_user(user):
        return []
    return [row.workspace for row in _memberships(user).values()]


def membership(user, workspace):
    """The contact's active membership of the workspace, or None."""
    if not _portal_user(user) or not workspace.live:
        return None
    return _memberships(user).get(workspace.pk)


def get_workspace_or_404(user, slug, site):
    """Resolve a workspace by slug within a Site and insist that the user is a member."""
    home = site.root_page if site else None
    qs = WorkspacePage.objects.live().filter(slug=slug)
    if home is not None:
        qs = qs.child_of(home)
    workspace = qs.first()
    if workspace is None or membership(user, workspace) is None:
        raise Http404
    return workspace


# ---------------------------------------------------------------------------- layers 1, 2

def tools_for(user, workspace, firm):
    """The tools of this workspace that this contact may use, in menu order."""
    if membership(user, workspace) is None:
        return []
    return [
        tool for tool in registry.ordered_tools()
        if workspace.tool_enabled(tool.slug)
        and all(firm.switch_on(switch) for switch in tool.switches_for())
        and (tool.audience is None or tool.audience(user, workspace))
    ]


def switched_off(firm, tool, action=None):
    """The first of the tool's firm switches that forbids contacts to use it (action None)
    or to do `action` in it, or None."""
    if tool is None:
        return None
    return next((switch for switch in tool.switches_for(action)
                 if not firm.switch_on(switch)), None)


def tool_available(user, workspace, firm, slug):
    return any(tool.slug == slug for tool in tools_for(user, workspace, firm))


# ---------------------------------------------------------------------------- layer 4

def _grant_q(user, spec, codename, workspace):
    """Granted to the contact, or to "everyone in the workspace" (its client group).

    Membership has been checked by then, and it, not the group's user list, says who is
    in the workspace; so the group side needs no join through the user's groups.
    """
    user_grants = spec.user_perm_model.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename=codename
    )
    group_grants = spec.group_perm_model.objects.filter(
        content_object=OuterRef("pk"), group_id=workspace.client_group_id,
        permission__codename=codename,
    )
    return Q(Exists(user_grants)) | Q(Exists(group_grants))


def visible(user, workspace, queryset, action="view", firm=None):
    """The objects of `queryset` inside `workspace` on which `user` may do `action`.

    One SQL query whatever the number of rows: every layer is either known already
    (settings, tools, membership are per workspace) or a join in the query.
    """
    spec = _spec_for(queryset.model)
    if membership(user, workspace) is None:
        return queryset.none()
    if action not in READ_ACTIONS and workspace.is_archived:
        return queryset.none()
    if spec.tool:
        firm = firm or firm_settings_for(workspace)
        if switched_off(firm, registry.tools.get(spec.tool), action):
            return queryset.none()
        if not tool_available(user, workspace, firm, spec.tool):
            return queryset.none()
    if issubclass(queryset.model, Page):
        queryset = queryset.descendant_of(workspace).live()
    else:
        queryset = queryset.filter(workspace=workspace)
    if hasattr(queryset.model, "portal_filter"):
        queryset = queryset.filter(queryset.model.portal_filter())
    if spec.via:
        target = queryset.model._meta.get_field(spec.via).related_model
        targets = visible(user, workspace, target._default_manager.all(), action, firm)
        return queryset.filter(**{f"{spec.via}__in": targets.values("pk")})
    return queryset.filter(_grant_q(user, spec, _codename(action, spec), workspace))


def visible_pages(user, workspace):
    """The live pages inside the workspace that this contact may open, in tree order."""
    return visible(user, workspace, Page.objects.all()).order_by("path")


def get_visible_or_404(user, workspace, queryset, action="view", **lookup):
    obj = visible(user, workspace, queryset, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def can_view_page(user, page, workspace=None):
    """May this user open this page of the portal? Pages outside workspaces are public.
    Pass the enclosing workspace when it is known already."""
    workspace = workspace or workspace_of(page)
    if workspace is None:
        return True
    if membership(user, workspace) is None:
        return False
    if page.pk == workspace.pk:
        return True
    return visible(user, workspace, Page.objects.filter(pk=page.pk)).exists()


def may(user, action, obj, firm=None):
    return explain(user, action, obj, firm=firm).allowed


# ---------------------------------------------------------------------------- explain

def explain(user, action, obj, firm=None):
    """Walk the four layers for one user, action and object, saying why at each."""
    workspace = workspace_of(obj)
    obj = _as_workspace(obj, workspace)
    firm = firm or firm_settings_for(workspace)
    steps = []

    # 1. Global permissions
    spec = None if obj is workspace else _spec_for(type(obj))
    tool = registry.tools.get(spec.tool) if spec and spec.tool else None
    switch = switched_off(firm, tool, action)
    if switch and switch.actions:
        steps.append(Step(GLOBAL, False, _("The firm does not let clients do this (%s).")
                          % switch.label))
    elif switch:
        steps.append(Step(GLOBAL, False, _("The firm has switched %s off for clients.")
                          % tool.label))
    else:
        steps.append(Step(GLOBAL, True, _("No firm-wide setting forbids this.")))

    # 2. Workspace tools
    if action not in READ_ACTIONS and workspace.is_archived:
        steps.append(Step(TOOL, False, _("The workspace is archived: read only.")))
    elif tool and not workspace.tool_enabled(tool.slug):
        steps.append(Step(TOOL, False, _("%s is switched off in this workspace.") % tool.label))
    elif tool and tool.audience and user and user.is_authenticated and not tool.audience(
            user, workspace):
        steps.append(Step(TOOL, False, _("Not among the contacts who use %s in this "
                                         "workspace.") % tool.label))
    elif tool:
        steps.append(Step(TOOL, True, _("%s is switched on in this workspace.") % tool.label))
    else:
        steps.append(Step(TOOL, True, _("Pages are part of every workspace.")))

    # 3. Membership
    steps.append(_membership_step(user, workspace))

    # 4. Object permission
    if obj is workspace:
        steps.append(Step(OBJECT, steps[-1].allowed,
                          _("Every active member sees the workspace dashboard.")))
    else:
        steps.append(_object_step(user, action, obj, spec, workspace, steps[2].allowed))
    return Explanation(steps)


def _membership_step(user, workspace):
    if not (user and user.is_authenticated):
        return Step(MEMBER, False, _("Not logged in."))
    if not user.is_active or not user.portal_access:
        return Step(MEMBER, False, _("Portal access is switched off for this contact."))
    if not workspace.live:
        return Step(MEMBER, False, _("The workspace is not published."))
    row = Membership.objects.filter(user=user, workspace=workspace).first()
    if row is None:
        return Step(MEMBER, False, _("Not a member of this workspace."))
    if not row.is_active:
        return Step(MEMBER, False, _("Removed from this workspace."))
    return Step(MEMBER, True, _("Active member with portal access."))


def _object_step(user, action, obj, spec, workspace, is_member):
    hidden = obj.portal_hidden_reason() if hasattr(obj, "portal_hidden_reason") else None
    if hidden:
        return Step(OBJECT, False, hidden)
    if spec.via:
        holder = grant_holder(obj)
        step = _object_step(user, action, holder, _spec_for(type(holder)), workspace,
                            is_member)
        return Step(OBJECT, step.allowed, _("Follows its %(kind)s “%(name)s”: %(reason)s") % {
            "kind": holder._meta.verbose_name, "name": holder, "reason": step.reason})
    specific = getattr(obj, "specific", obj)
    if getattr(specific, "staff_only", False):
        return Step(OBJECT, False, _("Marked firm staff only."))
    if isinstance(obj, Page) and not obj.live:
        return Step(OBJECT, False, _("Not published."))
    codename = _codename(action, spec)
    if not (user and user.is_authenticated):
        return Step(OBJECT, False, _("No grant."))
    direct = spec.user_perm_model.objects.filter(
        content_object_id=obj.pk, user=user, permission__codename=codename
    ).exists()
    if direct:
        return Step(OBJECT, True, _("Granted to this contact personally."))
    workspace_wide = spec.group_perm_model.objects.filter(
        content_object_id=obj.pk, group_id=workspace.client_group_id,
        permission__codename=codename,
    ).exists()
    if workspace_wide and is_member:
        return Step(OBJECT, True, _("Granted to everyone in the workspace."))
    if workspace_wide:
        return Step(OBJECT, False, _("Granted to everyone in the workspace, which this contact "
                                     "is not an active member of."))
    return Step(OBJECT, False, _("Not granted to this contact or to the whole workspace."))


def who_can_see(obj):
    """Every contact connected to the object's workspace, with the explanation for each."""
    workspace = workspace_of(obj)
    obj = _as_workspace(obj, workspace)
    firm = firm_settings_for(workspace)
    user_model = get_user_model()
    spec = None if obj is workspace else _spec_for(type(obj))
    people = Q(memberships__workspace=workspace)
    if spec is not None:
        holder = grant_holder(obj)
        people |= Q(pk__in=_spec_for(type(holder)).user_perm_model.objects.filter(
            content_object_id=holder.pk).values("user_id"))
    contacts = user_model.objects.filter(people, is_staff=False).distinct().order_by("email")
    return [(contact, explain(contact, "view", obj, firm=firm)) for contact in contacts]


def can_view_cms_document(user, document):
    """A CMS library document (linked from a page body) follows the pages that link to it:
    staff may open it where they may see a page linking to it, or when no workspace page
    links to it (`readable_documents`); anyone else only through a page they may open."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    if user.is_authenticated and user.is_staff and user.has_perm("wagtailadmin.access_admin"):
        return readable_documents(user, type(document).objects.filter(pk=document.pk)).exists()
    page_ids = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    ).values_list("object_id", flat=True)
    pages = Page.objects.live().filter(pk__in=[int(pk) for pk in page_ids]).order_by("depth")
    return any(can_view_page(user, page) for page in pages)


# ---------------------------------------------------------------------------- staff side

def served_workspaces(user):
    """The workspace pages this staff member serves: those whose page tree they may edit
    (their teams'; every one for firm admins). Contacts serve none."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return WorkspacePage.objects.none()
    if user.is_superuser:
        return WorkspacePage.objects.all()
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return WorkspacePage.objects.filter(pk__in=pages.values("pk"))


def served_workspace_ids(user):
    """The ids of `served_workspaces(user)`, read once per request (cached on the user)."""
    cached = getattr(user, "_served_workspace_ids", None)
    if cached is None:
        cached = frozenset(served_workspaces(user).values_list("pk", flat=True))
        user._served_workspace_ids = cached
    return cached


def _is_staff(user):
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def serves(user, workspace_id):
    """Does this staff member serve the workspace (its id)?"""
    return workspace_id in served_workspace_ids(user)


def served_workspace_or_404(user, page_id):
    """The workspace page `page_id`, when this staff member serves it; 404 otherwise (the
    same answer whether it exists or not)."""
    workspace = served_workspaces(user).filter(pk=page_id).first()
    if workspace is None:
        raise Http404
    return workspace


class WorkspaceRecordPolicy(BasePermissionPolicy):
    """Wagtail's permission policy for records that belong to a workspace (folders, files,
    approvals, invoices, reports): staff act on a record when they serve its workspace
    (`served_workspaces`), firm admins on every one. `workspace_field` is the lookup from
    the record to its WorkspacePage ("workspace", or "file__workspace").

    Admin lists, form querysets and choosers start from `instances_user_has_permission_for`;
    single records are fetched with `get_or_404`, so a record of a workspace the staff
    member does not serve answers 404, never a redirect or a 403 that would confirm it
    exists. Subclasses narrow `allows` for one action (an issued invoice is never deleted).
    """

    def __init__(self, model, workspace_field="workspace"):
        super().__init__(model)
        self.workspace_field = workspace_field

    def allows(self, user, action, instance):
        """What the record itself allows, once the workspace is served."""
        return True

    def _workspace_id(self, instance):
        *path, last = self.workspace_field.split("__")
        for name in path:
            instance = getattr(instance, name)
        return getattr(instance, f"{last}_id")

    def user_has_permission(self, user, action):
        return _is_staff(user) and (user.is_superuser or bool(served_workspace_ids(user)))

    def user_has_permission_for_instance(self, user, action, instance):
        if not _is_staff(user) or not self.allows(user, action, instance):
            return False
        return user.is_superuser or self._workspace_id(instance) in served_workspace_ids(user)

    def restrict(self, user, queryset):
        """`queryset` (of this model) narrowed to the workspaces this staff member serves."""
        if not _is_staff(user):
            return queryset.none()
        if user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.workspace_field}__in": served_workspace_ids(user)})

    def instances_user_has_any_permission_for(self, user, actions):
        return self.restrict(user, self.model._default_manager.all())

    def users_with_any_permission(self, actions):
        teams = WorkspacePage.objects.exclude(team_group=None).values("team_group")
        return get_user_model().objects.filter(is_active=True, is_staff=True).filter(
            Q(is_superuser=True) | Q(groups__in=teams)).distinct()

    def get_or_404(self, user, queryset=None, action="change", **lookup):
        """The record matching `lookup` among those of `queryset` (default: all) that this
        staff member may `action`; 404 for any other."""
        queryset = self.model._default_manager.all() if queryset is None else queryset
        obj = self.restrict(user, queryset).filter(**lookup).first()
        if obj is None or not self.allows(user, action, obj):
            raise Http404
        return obj


def visible_contacts(staff):
    """The client contacts this staff member may see: members (active or not) of a workspace
    they serve; every contact for firm admins."""
    contacts = get_user_model().objects.filter(is_staff=False)
    if staff.is_superuser:
        return contacts
    return contacts.filter(
        memberships__workspace_id__in=served_workspace_ids(staff)).distinct()


def workspaces_blocking_person_change(staff, person):
    """The workspaces of `person` that `staff` does not serve. Login email, passwords and
    portal access are person-wide: staff may change them only when this is empty."""
    if staff.is_superuser:
        return WorkspacePage.objects.none()
    return WorkspacePage.objects.filter(memberships__user=person).exclude(
        pk__in=served_workspace_ids(staff)).distinct().order_by("title")


def may_change_person(staff, person):
    """May this staff member change what is person-wide about a contact (credentials, login
    email, portal access)? Only when they serve every workspace the person belongs to."""
    return not person.is_staff and not workspaces_blocking_person_change(staff, person).exists()


def workspaces_blocking_people_change(staff, people):
    """`workspaces_blocking_person_change` for a whole listing in one query: a dict from each
    person's id to the titles (sorted) of their workspaces that `staff` does not serve; people
    whom `staff` may change are left out."""
    if staff.is_superuser:
        return {}
    blocking = {}
    rows = Membership.objects.filter(user__in=people).exclude(
        workspace_id__in=served_workspace_ids(staff)).order_by(
        "workspace__title").values_list("user_id", "workspace__title")
    for user_id, title in rows:
        blocking.setdefault(user_id, []).append(title)
    return blocking


def _in_foreign_workspace(staff):
    """An `Exists` that is true for pages inside a workspace this staff member does not
    serve (the workspace page included). A page's workspace is the WorkspacePage whose path
    begins the page's path, so this is one indexed lookup per row."""
    from django.db.models import F
    from django.db.models.functions import Substr

    return Exists(WorkspacePage.objects.exclude(pk__in=served_workspace_ids(staff)).filter(
        path=Substr(OuterRef("path"), 1, F("depth") * Page.steplen)))


def admin_visible_pages(staff, queryset):
    """The pages of `queryset` this staff member may see in the admin (explorer, choosers,
    searches): those outside every workspace and those in a workspace they serve."""
    if staff.is_superuser:
        return queryset
    # `pk__in` rather than the expression itself: search querysets (the chooser's and the
    # admin's page search) accept only plain lookups.
    return queryset.filter(pk__in=Page.objects.filter(~_in_foreign_workspace(staff)).values("pk"))


def page_hidden_from_staff(staff, page_id):
    """Is this page inside a workspace the staff member does not serve?"""
    return not admin_visible_pages(staff, Page.objects.filter(pk=page_id)).exists()


def readable_documents(staff, queryset):
    """The CMS library documents of `queryset` this staff member may read: those linked from
    a page they may see in the admin, and those linked from no workspace page at all (linked
    from public pages only, or not linked). Firm admins read them all."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import BigIntegerField
    from django.db.models.functions import Cast
    from wagtail.models import ReferenceIndex

    if staff.is_superuser:
        return queryset
    references = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(queryset.model),
        base_content_type=ContentType.objects.get_for_model(Page),
    ).annotate(
        document_id=Cast("to_object_id", BigIntegerField()),
        foreign=Exists(Page.objects.filter(
            pk=Cast(OuterRef("object_id"), BigIntegerField())).filter(
            _in_foreign_workspace(staff))),
    )
    hidden = references.filter(foreign=True).values("document_id")
    shown = references.filter(foreign=False).values("document_id")
    readable = queryset.model._default_manager.exclude(Q(pk__in=hidden) & ~Q(pk__in=shown))
    return queryset.filter(pk__in=readable.values("pk"))
