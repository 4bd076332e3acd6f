"""The spine: people, client workspaces, memberships, firm settings and object grants.

Everything a contact may see hangs off a `WorkspacePage`. Whether they may see it is decided
by `workspaces.access`, never here.
"""

import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from . import registry
from .audience import Audience
from .colors import HEX, contrast_ratio, readable_text_on, validate_hex_color
from .forms_admin import FirmSettingsForm, VisibilityPageForm, WorkspacePageForm
from .panels import FirmSwitchesPanel, ToolSwitchesPanel


def _is_hex(value):
    return bool(HEX.match(value or ""))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """Firm staff (is_staff) and client contacts share one model; the email is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    portal_access = models.BooleanField(
        _("portal access"),
        default=True,
        help_text=_("Switch off to end this contact's sessions and stop them logging in. "
                    "Nothing is deleted."),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    # Set whenever every existing session and login link must end (access switched off, login
    # email changed): sessions through the session hash, links through their age.
    sessions_ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    # Changing one of these ends every session and login link of the user, whichever screen
    # (portal admin, Wagtail's user editor, a shell) made the change.
    SESSION_ENDING_FIELDS = ("email", "portal_access")

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        update_fields = kwargs.get("update_fields")
        watched = update_fields is None or set(update_fields) & set(self.SESSION_ENDING_FIELDS)
        if self.pk and watched and self._ends_sessions():
            self.sessions_ended_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sessions_ended_at"}
        super().save(*args, **kwargs)

    def _ends_sessions(self):
        before = type(self).objects.filter(pk=self.pk).values(*self.SESSION_ENDING_FIELDS).first()
        if before is None:
            return False
        return before["email"] != self.email or (before["portal_access"] and not self.portal_access)

    def _get_session_auth_hash(self, secret=None):
        # Django checks this hash on every request; folding the end-of-sessions moment in logs
        # the user out everywhere at once, without scanning the session store.
        return salted_hmac(
            "workspaces.User.session",
            f"{self.password}|{self.sessions_ended_at}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def link_max_age(self):
        """The oldest a login link may be, in sesame's whole seconds, so that only links made
        after sessions were last ended count; None if they never were. Tokens carry no finer
        time, so a link made within that same second is refused too: safe side."""
        if self.sessions_ended_at is None:
            return None
        return int(time.time()) - int(self.sessions_ended_at.timestamp())


class WorkspaceTag(TaggedItemBase):
    content_object = ParentalKey(
        "workspaces.WorkspacePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class WorkspacePage(Page):
    """A client workspace: the root of everything one client's contacts may see."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ARCHIVED = "archived", _("Archived")

    welcome = RichTextField(
        _("welcome message"), blank=True, features=["bold", "italic", "link", "ul", "ol"],
        help_text=_("Shown at the top of the workspace dashboard."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    enabled_tools = models.JSONField(_("tools"), default=list, blank=True)
    tags = ClusterTaggableManager(through=WorkspaceTag, blank=True)
    client_group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="client_workspace",
    )
    team_group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="team_workspace",
    )

    parent_page_types = ["portal_pages.PortalHomePage"]
    exclude_fields_in_copy = ["client_group", "team_group"]
    template = "portal/workspace_dashboard.html"
    base_form_class = WorkspacePageForm

    content_panels = [
        TitleFieldPanel("title", help_text=_("The client sees this name.")),
        FieldPanel("welcome"),
        InlinePanel("team_members", heading=_("Firm team on this workspace"), label=_("member")),
    ]
    settings_panels = [
        FieldPanel("status"),
        ToolSwitchesPanel("enabled_tools"),
        FieldPanel("tags"),
        InlinePanel("menu_links", heading=_("Extra menu links"), label=_("link")),
    ]
    promote_panels = [FieldPanel("slug")]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Workspace")),
        ObjectList(settings_panels, heading=_("Tools and menu")),
        ObjectList(promote_panels, heading=_("URL")),
    ])

    class Meta:
        verbose_name = _("client workspace")

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED

    def tool_enabled(self, slug):
        return slug in (self.enabled_tools or [])

    def clean(self):
        super().clean()
        unknown = set(self.enabled_tools or []) - set(registry.tools)
        if unknown:
            raise ValidationError({"enabled_tools": _("Unknown tools: %s") % ", ".join(unknown)})

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.ensure_groups()

    def route(self, request, path_components):
        # Every page below is reached through here: remember the workspace so that the access
        # check does not look it up again.
        request.routed_workspace = self
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .dashboard import dashboard_context

        context = super().get_context(request, *args, **kwargs)
        context.update(dashboard_context(request, self))
        return context

    def ensure_groups(self):
        changed = []
        if self.client_group_id is None:
            self.client_group = Group.objects.create(name=f"Workspace {self.pk} · clients")
            changed.append("client_group")
        if self.team_group_id is None:
            self.team_group = Group.objects.create(name=f"Workspace {self.pk} · firm team")
            changed.append("team_group")
        if changed:
            WorkspacePage.objects.filter(pk=self.pk).update(
                **{f"{name}_id": getattr(self, name).pk for name in changed}
            )


class WorkspaceTeamMember(Orderable):
    """A firm staff member on a workspace: edits it in the admin, is shown on the dashboard."""

    page = ParentalKey(WorkspacePage, related_name="team_members", on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        limit_choices_to={"is_staff": True}, verbose_name=_("staff member"),
    )
    role = models.CharField(_("role"), max_length=80, blank=True,
                            help_text=_("For example: Account manager"))

    panels = [FieldRowPanel([FieldPanel("user"), FieldPanel("role")])]


class MenuLinkBase(Orderable):
    label = models.CharField(_("label"), max_length=60)
    link_page = models.ForeignKey(
        Page, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("page"),
    )
    link_url = models.URLField(_("URL"), blank=True)

    panels = [FieldPanel("label"), PageChooserPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        abstract = True

    def clean(self):
        if bool(self.link_page_id) == bool(self.link_url):
            raise ValidationError(_("Choose a page or enter a URL, not both."))

    @property
    def url(self):
        return self.link_page.url if self.link_page_id else self.link_url

    @property
    def is_external(self):
        return not self.link_page_id


class WorkspaceMenuLink(MenuLinkBase):
    page = ParentalKey(WorkspacePage, related_name="menu_links", on_delete=models.CASCADE)


class Membership(models.Model):
    """A contact's place in a workspace. Deactivating keeps the row (and everything they did)."""

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    title = models.CharField(_("job title"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="one_membership_per_pair")
        ]
        indexes = [models.Index(fields=["user", "is_active"])]

    def __str__(self):
        return f"{self.user} in {self.workspace_id}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_group()

    def delete(self, *args, **kwargs):
        self.is_active = False
        self.sync_group()
        return super().delete(*args, **kwargs)

    def sync_group(self):
        """Grants to 'everyone in the workspace' go to its client group; keep it in step."""
        group = self.workspace.client_group
        if group is None:
            return
        if self.is_active:
            self.user.groups.add(group)
        else:
            self.user.groups.remove(group)


# Direct foreign-key grant tables (guardian): indexable, unlike the generic ones.
class PageUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Page, on_delete=models.CASCADE)


class PageGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Page, on_delete=models.CASCADE)


class PageVisibilityMixin(models.Model):
    """Who in the workspace sees a page. Publishing turns this into guardian grants."""

    Visibility = Audience  # the portal's one audience vocabulary

    visibility = models.CharField(
        _("who sees this page"), max_length=10, choices=Visibility.choices,
        default=Visibility.WORKSPACE,
    )
    visible_to = ParentalManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        limit_choices_to={"is_staff": False}, verbose_name=_("chosen contacts"),
    )

    # The audience component: chosen contacts among the workspace's active members only.
    base_form_class = VisibilityPageForm
    visibility_panels = [
        MultiFieldPanel([FieldPanel("visibility"), FieldPanel("visible_to")],
                        heading=_("Visibility")),
    ]

    class Meta:
        abstract = True

    @property
    def staff_only(self):
        return self.visibility == self.Visibility.STAFF


@register_setting(icon="cog")
class FirmSettings(ClusterableModel, BaseSiteSetting):
    """Per-Site (per brand) rules and branding for the client portal."""

    # The installed tools' firm switches (registry.FirmSwitch), by key: the ceiling for every
    # workspace on this Site. A key missing here has its switch's default; the values of a
    # tool that is uninstalled stay, unused and not shown.
    switches = models.JSONField(_("what clients may do"), default=dict, blank=True)

    magic_link_days = models.PositiveSmallIntegerField(
        _("magic link lifetime (days)"), default=7,
        help_text=_("A link works once, and only within this many days."),
    )
    allow_magic_link = models.BooleanField(_("allow magic-link login"), default=True)
    allow_password = models.BooleanField(_("allow password login"), default=True)

    platform_name = models.CharField(_("platform name"), max_length=80, default="Client portal")
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    favicon = models.ForeignKey("wagtailimages.Image", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    primary_color = models.CharField(_("primary colour"), max_length=7, default="#1f4e79",
                                     validators=[validate_hex_color])
    accent_color = models.CharField(_("accent colour"), max_length=7, default="#c8553d",
                                    validators=[validate_hex_color])
    email_sender_name = models.CharField(_("email sender name"), max_length=80, blank=True)
    email_sender_address = models.EmailField(_("email sender address"), blank=True)
    footer_text = models.CharField(_("footer"), max_length=255, blank=True)

    edit_handler = TabbedInterface([
        ObjectList([
            FirmSwitchesPanel(heading=_("What clients may do in every workspace")),
            MultiFieldPanel([
                FieldPanel("allow_magic_link"), FieldPanel("magic_link_days"),
                FieldPanel("allow_password"),
            ], heading=_("Login")),
        ], heading=_("Permissions and login")),
        ObjectList([
            FieldPanel("platform_name"), FieldPanel("logo"), FieldPanel("favicon"),
            FieldRowPanel([FieldPanel("primary_color"), FieldPanel("accent_color")]),
            FieldRowPanel([FieldPanel("email_sender_name"), FieldPanel("email_sender_address")]),
            FieldPanel("footer_text"),
        ], heading=_("Branding")),
        ObjectList([InlinePanel("menu_links", label=_("link"))], heading=_("Menu links")),
    ])

    select_related = ["logo", "favicon"]
    base_form_class = FirmSettingsForm

    class Meta:
        verbose_name = _("client portal settings")

    def switch_on(self, switch):
        """Whether a firm switch (a FirmSwitch or its key) is on for this Site. A key that no
        installed tool declares is off: no switch exists for a tool that is not installed."""
        if isinstance(switch, str):
            switch = registry.firm_switch(switch)
            if switch is None:
                return False
        return bool((self.switches or {}).get(switch.key, switch.default))

    def set_switch(self, key, value):
        self.switches = {**(self.switches or {}), key: bool(value)}

    def clean(self):
        super().clean()
        if not (self.allow_magic_link or self.allow_password):
            raise ValidationError(_("Allow at least one way to log in."))
        if self.magic_link_days < 1 or self.magic_link_days > 90:
            raise ValidationError({"magic_link_days": _("Choose between 1 and 90 days.")})
        # Links and outlined buttons use the primary colour on white; the accent marks the
        # current menu entry. Keep both readable (WCAG 2.1: 4.5:1 for text, 3:1 for UI).
        errors = {}
        if _is_hex(self.primary_color) and contrast_ratio(self.primary_color, "#ffffff") < 4.5:
            errors["primary_color"] = _("Too light to read on white (contrast %.1f:1, at least "
                                        "4.5:1 needed). Choose a darker shade.") % contrast_ratio(
                                            self.primary_color, "#ffffff")
        if _is_hex(self.accent_color) and contrast_ratio(self.accent_color, "#ffffff") < 3:
            errors["accent_color"] = _("Too light to see on white (contrast %.1f:1, at least "
                                       "3:1 needed). Choose a darker shade.") % contrast_ratio(
                                           self.accent_color, "#ffffff")
        if errors:
            raise ValidationError(errors)

    @property
    def primary_text_color(self):
        return readable_text_on(self.primary_color)

    @property
    def accent_text_color(self):
        return readable_text_on(self.accent_color)

    @property
    def from_email(self):
        if not self.email_sender_address:
            return None
        name = self.email_sender_name or self.platform_name
        return f"{name} <{self.email_sender_address}>"

    @property
    def magic_link_seconds(self):
        return int(self.magic_link_days) * 86400


class FirmMenuLink(MenuLinkBase):
    settings = ParentalKey(FirmSettings, related_name="menu_links", on_delete=models.CASCADE)
