"""Invoice and statement PDFs, through the spine's one branded renderer.

`invoice_pdf(invoice)` lays out an invoice or credit note in its workspace's Site branding
(`workspaces.pdf.render_pdf`): the firm's legal details (BillingSettings), the bill-to, the
lines (a table whose header repeats on every page), totals and the tax summary per rate
(`billing.money`), payments and credit notes received, the balance, payment instructions and
a PAID / VOID / CREDITED stamp. The HTML depends only on the invoice (no "generated at" time),
so the renderer's content-hash cache serves the same PDF until the invoice changes: a payment,
a credit note or voiding makes a new PDF.

Every text a person typed (descriptions, bill-to, notes, instructions) goes through Django's
autoescape: markup shows as text, and the renderer's URL fetcher would refuse any URL anyway.
"""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from workspaces.pdf import render_pdf

from . import money
from . import statement as statements
from .audience import profile_for
from .models import BillingSettings, Invoice


def billing_settings(workspace):
    site = workspace.get_site()
    return BillingSettings.for_site(site) if site else BillingSettings()


def _places_for(value, at_least):
    """The `floatformat` argument that shows `value` without trailing zeros beyond
    `at_least` decimals (1.5 units, 85.00 EUR, 0.125 EUR)."""
    exponent = value.normalize().as_tuple().exponent
    needed = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{max(needed, at_least)}g"


def stamp_for(invoice):
    """The word stamped across the first page, or ""."""
    return {
        Invoice.Status.PAID: _("Paid"),
        Invoice.Status.VOID: _("Void"),
        Invoice.Status.CREDITED: _("Credited"),
        Invoice.Status.DRAFT: _("Draft"),
    }.get(invoice.status, "")


def invoice_context(invoice, credit_notes=None):
    """Everything the invoice page and PDF show. `credit_notes`: the credit notes to list
    (the portal passes the ones the contact may see; default: every issued one)."""
    workspace = invoice.workspace
    lines = list(invoice.lines.all())
    totals = money.compute(lines, invoice.currency)
    for line, amounts in zip(lines, totals.lines, strict=True):
        line.net = amounts.net
        line.quantity_places = _places_for(line.quantity, 0)
        line.unit_price_places = _places_for(line.unit_price,
                                             money.exponent(invoice.currency))
        line.tax_rate_places = _places_for(line.tax_rate, 0)
        line.discount_places = _places_for(line.discount, 0)
    if not invoice.is_draft:
        # Issued documents show the totals frozen at issue.
        subtotal, tax_total, total = invoice.subtotal, invoice.tax_total, invoice.total
    else:
        subtotal, tax_total, total = totals.subtotal, totals.tax_total, totals.total
    if credit_notes is None:
        credit_notes = invoice.credit_notes.filter(state=Invoice.State.ISSUED)
    profile = profile_for(workspace)
    firm = billing_settings(workspace)
    return {
        "invoice": invoice,
        "workspace": workspace,
        "seller": firm,
        "bill_to": invoice.bill_to or profile.bill_to,
        "client_tax_id": profile.client_tax_id,
        "lines": lines,
        "subtotal": subtotal,
        "tax_total": tax_total,
        "total": total,
        "taxes": [{"rate": rate, "rate_places": _places_for(rate, 0), "base": base, "tax": tax}
                  for rate, base, tax in totals.taxes],
        "payments": list(invoice.payments.all()),
        "credit_notes": list(credit_notes.order_by("issue_date", "pk")),
        "corrects": invoice.credits if invoice.credits_id else None,
        "payment_instructions": invoice.payment_instructions or firm.payment_instructions,
        "places": statements.places(invoice.currency),
        "stamp": stamp_for(invoice),
        "is_credit_note": invoice.kind == Invoice.Kind.CREDIT_NOTE,
    }


def invoice_filename(invoice):
    if invoice.number:
        name = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in invoice.number)
        return f"{name.strip('.') or 'invoice'}.pdf"
    return f"{slugify(_('draft'))}-{invoice.kind.replace('_', '-')}-{invoice.pk}.pdf"


def invoice_pdf(invoice):
    """The invoice (or credit note) as PDF bytes, branded for its workspace's Site."""
    context = invoice_context(invoice)
    # The document does not say when it was downloaded: the same invoice is the same HTML,
    # so the renderer's cache answers until the invoice changes.
    context["generated_at"] = invoice.issued_at
    return render_pdf("pdf/invoice.html", context, site=invoice.workspace.get_site())


def statement_pdf(workspace, statement):
    """A statement of account (`billing.statement.build`) as PDF bytes."""
    profile = profile_for(workspace)
    context = {
        "workspace": workspace,
        "statement": statement,
        "seller": billing_settings(workspace),
        "bill_to": profile.bill_to,
        "client_tax_id": profile.client_tax_id,
    }
    return render_pdf("pdf/statement.html", context, site=workspace.get_site())
