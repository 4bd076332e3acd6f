"""Blocks for the pages inside a workspace: briefs, SOWs, status updates."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; level 2 or 3 keeps the page outline sound for screen readers."""

    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(choices=[("h2", "H2"), ("h3", "H3")], default="h2")

    class Meta:
        icon = "title"
        template = "portal_pages/blocks/heading.html"
        preview_value = {"text": "Scope of work", "level": "h2"}


class ImageBlock(blocks.StructBlock):
    """An image with the alt text a screen reader needs and an optional caption."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=200, help_text=_("Describe the image for people "
                                                             "who cannot see it."))
    caption = blocks.CharBlock(required=False, max_length=255)

    class Meta:
        icon = "image"
        template = "portal_pages/blocks/image.html"


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a document from the CMS library, with its own label."""

    document = DocumentChooserBlock()
    label = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "doc-full"
        template = "portal_pages/blocks/document_link.html"


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: information, success or a warning the client should not miss."""

    tone = blocks.ChoiceBlock(
        choices=[("info", _("Information")), ("success", _("Done")), ("warning", _("Attention"))],
        default="info",
    )
    title = blocks.CharBlock(required=False, max_length=120)
    body = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "portal_pages/blocks/callout.html"
        preview_value = {"tone": "warning", "title": "Deadline",
                         "body": "<p>Send your receipts by 15 March.</p>"}


class EmbedWithTitleBlock(blocks.StructBlock):
    """A video or other embed; the title names the frame for assistive technology."""

    embed = EmbedBlock()
    title = blocks.CharBlock(max_length=120)

    class Meta:
        icon = "media"
        template = "portal_pages/blocks/embed.html"


class ContentStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    rich_text = blocks.RichTextBlock(
        icon="pilcrow", features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr"],
        template="portal_pages/blocks/rich_text.html",
    )
    image = ImageBlock()
    document = DocumentLinkBlock()
    callout = CalloutBlock()
    embed = EmbedWithTitleBlock()
