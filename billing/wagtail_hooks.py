"""Billing in the Wagtail admin: the Invoices area, a workspace's Billing page (a button on
workspace pages), the panels of the billing settings, and the audit log's labels."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.widgets.button import Button

from workspaces import access
from workspaces.models import WorkspacePage

from . import admin_urls
from .models import BillingSettings
from .viewsets import invoice_viewset


@hooks.register("register_admin_viewset")
def register_invoice_viewset():
    return invoice_viewset


@hooks.register("register_admin_urls")
def register_billing_admin_urls():
    return [path("billing/", include((admin_urls.urlpatterns, "billing_admin")))]


@hooks.register("register_page_header_buttons")
def billing_header_button(page, user, view_name, next_url=None):
    specific_class = page.specific_class
    if specific_class is None or not issubclass(specific_class, WorkspacePage):
        return
    if not access.serves(user, page.pk):
        return
    yield Button(_("Billing"), reverse("billing_admin:workspace", args=[page.pk]),
                 icon_name="doc-full", priority=78)


@hooks.register("register_log_actions")
def register_billing_log_actions(actions):
    for action, label, message in (
        ("billing.issue", _("Issue invoice"), _("Invoice issued")),
        ("billing.duplicate", _("Duplicate invoice"), _("Made as a copy of another invoice")),
        ("billing.payment", _("Record payment"), _("Payment recorded")),
        ("billing.void", _("Void invoice"), _("Invoice voided")),
        ("billing.credit_note", _("Credit note"), _("Credit note drafted")),
        ("billing.profile", _("Billing profile"),
         _("Who sees invoices and reports, or billing details, changed")),
        ("billing.report_request", _("Request report"), _("Monthly report requested")),
    ):
        actions.register_action(action, label, message)


# ---------------------------------------------------------------------------- settings panels

class NextNumbersPanel(HelpPanel):
    """What the next invoice and credit note numbers will look like with the saved settings."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = self.example()

        def example(self):
            from . import numbering

            settings = self.instance
            site = getattr(settings, "site", None) if settings.site_id else None
            today = timezone.localdate()
            try:
                invoice = numbering.peek(site, numbering.INVOICE, today)
                credit = numbering.peek(site, numbering.CREDIT_NOTE, today)
            except Exception:  # noqa: BLE001 - an example must never break the settings page
                return ""
            return format_html(
                "<p>{}</p>",
                _("With the saved settings, the next invoice will be numbered %(invoice)s and "
                  "the next credit note %(credit)s. Numbers are given when an invoice is issued, "
                  "one after the other with no gap.") % {"invoice": invoice, "credit": credit})


BillingSettings.edit_handler = TabbedInterface([
    ObjectList([
        FieldPanel("firm_name", help_text=gettext_lazy(
            "The firm's legal name as it must appear on invoices.")),
        FieldPanel("firm_address", help_text=gettext_lazy(
            "Printed under the name, one line per line.")),
        FieldPanel("tax_id", help_text=gettext_lazy(
            "The firm's VAT or tax number, printed on every invoice.")),
    ], heading=gettext_lazy("Firm on invoices")),
    ObjectList([
        NextNumbersPanel(),
        FieldRowPanel([
            FieldPanel("invoice_prefix", help_text=gettext_lazy("For example INV-.")),
            FieldPanel("credit_note_prefix", help_text=gettext_lazy("For example CN-.")),
        ]),
        FieldPanel("yearly_reset"),
        FieldPanel("number_digits", help_text=gettext_lazy(
            "From 3 to 8: 4 gives INV-2026-0001 (one more, INV-00001, when numbering never "
            "restarts). Longer numbers are written in full, never cut.")),
        HelpPanel(gettext_lazy(
            "Changing the prefix or the digits changes the numbers given from now on; numbers "
            "already given stay as they are. Give each Site its own prefix so that numbers "
            "never collide.")),
    ], heading=gettext_lazy("Numbering")),
    ObjectList([
        MultiFieldPanel([
            FieldPanel("default_currency", help_text=gettext_lazy(
                "ISO 4217 code (EUR, USD, GBP…), used when a workspace has none of its own.")),
            FieldPanel("payment_terms_days", help_text=gettext_lazy(
                "An invoice issued without a due date is due this many days later.")),
        ], heading=gettext_lazy("Defaults")),
        FieldPanel("payment_instructions"),
    ], heading=gettext_lazy("Payment")),
])


@hooks.register("insert_global_admin_css")
def billing_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("billing/admin.css"))
