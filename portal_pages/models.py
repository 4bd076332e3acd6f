"""Page types of the portal's tree: the Site's home and the pages inside workspaces."""

from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from workspaces import access
from workspaces.blobs.storage import private_storage
from workspaces.forms_admin import PortalPageForm
from workspaces.models import PageVisibilityMixin

from .blocks import ContentStreamBlock


class PortalHomePage(Page):
    """One per Site: the landing page; contacts who are logged in go on to their workspaces."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["workspaces.WorkspacePage", "portal_pages.ContentPage"]
    max_count_per_parent = 1
    template = "portal/home.html"
    base_form_class = PortalPageForm

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("portal home")

    def serve(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("portal:switcher")
        return super().serve(request, *args, **kwargs)


class ContentPage(PageVisibilityMixin, Page):
    """A brief, SOW or status update inside a workspace, or a public page of the Site."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        BRIEF = "brief", _("Brief")
        SOW = "sow", _("Statement of work")
        UPDATE = "update", _("Status update")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PAGE)
    summary = models.CharField(_("summary"), max_length=255, blank=True,
                               help_text=_("One line shown in lists."))
    body = StreamField(ContentStreamBlock(), blank=True)

    parent_page_types = ["portal_pages.PortalHomePage", "workspaces.WorkspacePage",
                         "portal_pages.ContentPage"]
    subpage_types = ["portal_pages.ContentPage"]
    template = "portal/content_page.html"

    search_fields = Page.search_fields + [index.SearchField("body")]
    content_panels = Page.content_panels + [
        FieldPanel("kind"), FieldPanel("summary"), FieldPanel("body"),
    ]
    edit_handler = TabbedInterface([
        ObjectList(content_panels, heading=_("Content")),
        ObjectList(PageVisibilityMixin.visibility_panels, heading=_("Visibility")),
        ObjectList(Page.promote_panels, heading=_("Promote")),
    ])

    class Meta:
        verbose_name = _("content page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        workspace = getattr(request, "workspace", None)
        children = Page.objects.child_of(self)
        if workspace is not None:
            children = access.visible(request.user, workspace, children)
        else:
            children = children.live().public()
        context["subpages"] = children.order_by("path")
        return context


# Named by migration 0003; the spine's callable, so the field is the same as every other
# private file field (and its migration unchanged).
library_storage = private_storage


class LibraryDocument(AbstractDocument):
    """A document of the CMS library (linked from page bodies), kept in private storage.

    Wagtail's own Document stores its file in the public media storage, where anyone who
    guesses `/media/documents/<name>` gets it. This one is reachable only through
    `/documents/<id>/<name>`, whose `before_serve_document` hook applies the access policy
    (`access.can_view_cms_document`) before it streams the file or, on S3, redirects to a
    short-lived presigned URL.
    """

    file = models.FileField(upload_to="library", storage=private_storage,
                            verbose_name=_("file"))

    admin_form_fields = Document.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
