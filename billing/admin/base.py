"""What the billing admin screens share: an invoice fetched through the staff policy, its
lines and totals ready to show, who would see it, and the base view."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from workspaces import access

from .. import audience, money, services
from ..models import Invoice
from ..policies import invoice_policy


def served_invoice_or_404(request, invoice_id):
    return invoice_policy.get_or_404(
        request.user, Invoice.objects.select_related("workspace", "credits"), pk=invoice_id)


def edit_url(invoice):
    return reverse("invoices:edit", args=[invoice.pk])


def action_url(name, invoice):
    return reverse(f"billing_admin:{name}", args=[invoice.pk])


def show(amount, currency):
    return money.format_money(amount, currency)


def plain(number):
    """1.500 -> "1.5", 20.00 -> "20" (no exponent, no trailing zeros)."""
    text = f"{number.normalize():f}"
    return text


def invoice_summary(invoice):
    """Lines with their net amounts, the totals and the tax summary, ready to show."""
    totals = services.draft_totals(invoice)
    currency = invoice.currency
    lines = list(invoice.lines.all())
    rows = [{"line": line, "quantity": plain(line.quantity),
             "unit_price": show(line.unit_price, currency).rsplit(" ", 1)[0],
             "tax_rate": plain(line.tax_rate),
             "discount": plain(line.discount) if line.discount else "",
             "net": show(amounts.net, currency)}
            for line, amounts in zip(lines, totals.lines, strict=False)]
    taxes = [{"rate": plain(rate), "base": show(base, currency), "tax": show(tax, currency)}
             for rate, base, tax in totals.taxes]
    balance = totals.total if invoice.is_draft else invoice.balance
    return {
        "rows": rows, "taxes": taxes,
        "subtotal": show(totals.subtotal, currency), "tax_total": show(totals.tax_total,
                                                                       currency),
        "total": show(totals.total, currency), "paid": show(invoice.amount_paid, currency),
        "credited": show(invoice.amount_credited, currency),
        "balance": show(balance, currency),
    }


def billing_readers(workspace):
    """The workspace's active members who would see its issued invoices, and why not when
    the billing tool or the firm's setting stops everyone."""
    members = access.active_members(workspace).filter(portal_access=True)
    workspace._billing_profile = None
    return [user for user in members if audience.sees_invoices(user, workspace)]


def billing_blocked_reason(workspace):
    firm = access.firm_settings_for(workspace)
    if not firm.switch_on("clients_see_billing"):
        return _("The firm does not let clients see billing (Settings › Firm settings): no "
                 "contact sees invoices or is emailed.")
    if not workspace.tool_enabled("billing"):
        return _("Billing is switched off in this workspace: no contact sees invoices or is "
                 "emailed until it is switched on.")
    return None


class BillingAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def invoices_crumb(self):
        return {"url": reverse("invoices:index"), "label": _("Invoices")}
