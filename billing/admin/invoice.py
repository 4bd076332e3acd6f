"""An issued or void invoice in the admin, read only, with the buttons of its actions (the
Invoices viewset shows it at the invoice's edit URL)."""

from django.utils.translation import gettext as _
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import registry as log_registry

from workspaces import access

from .. import services
from ..models import Invoice
from .base import BillingAdminView, action_url, billing_blocked_reason, invoice_summary, show


def action_buttons(invoice):
    """The header buttons of an invoice's page, as its state allows."""
    buttons = []
    is_invoice = invoice.kind == Invoice.Kind.INVOICE
    if invoice.is_draft:
        buttons.append(HeaderButton(_("Issue"), action_url("issue", invoice),
                                    icon_name="success", priority=10))
        buttons.append(HeaderButton(_("Preview PDF"), action_url("pdf", invoice),
                                    icon_name="download", priority=40))
    elif invoice.state == Invoice.State.ISSUED:
        if is_invoice and invoice.balance > 0:
            buttons.append(HeaderButton(_("Record payment"), action_url("payment", invoice),
                                        icon_name="plus", priority=10))
            buttons.append(HeaderButton(_("Create credit note"),
                                        action_url("credit_note", invoice),
                                        icon_name="arrow-left", priority=20))
        buttons.append(HeaderButton(_("Void"), action_url("void", invoice),
                                    icon_name="cross", priority=30))
    if not invoice.is_draft:
        buttons.append(HeaderButton(_("Download PDF"), action_url("pdf", invoice),
                                    icon_name="download", priority=5))
    buttons.append(HeaderButton(_("Duplicate"), action_url("duplicate", invoice),
                                icon_name="copy", priority=50))
    return sorted(buttons)


class InvoiceDetailView(BillingAdminView):
    """An issued or void invoice, read only: lines, totals, tax summary, payments, credit
    notes, who sees it and its history. Served at the invoice's edit URL."""

    template_name = "billing/admin/invoice_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invoice = kwargs["invoice"]

    def get_page_title(self):
        return str(self.invoice)

    def get_page_subtitle(self):
        return self.invoice.workspace.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [self.invoices_crumb(),
                                         {"url": "", "label": str(self.invoice)}]

    def get_header_buttons(self):
        return action_buttons(self.invoice)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = self.invoice
        rows = access.who_can_see(invoice)
        context.update(
            invoice=invoice, summary=invoice_summary(invoice),
            payments=[(p, show(p.amount, invoice.currency))
                      for p in invoice.payments.select_related("recorded_by")],
            credit_notes=[(note, show(note.total if not note.is_draft else
                                      services.draft_totals(note).total, note.currency))
                          for note in invoice.credit_notes.order_by("created_at")],
            history=log_registry.get_logs_for_instance(invoice).select_related("user")
            .order_by("-timestamp")[:50],
            rows=rows, allowed_count=sum(1 for _c, e in rows if e.allowed),
            blocked=billing_blocked_reason(invoice.workspace),
        )
        return context
