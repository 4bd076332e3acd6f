"""Demo invoices, payments and a monthly report for `manage.py load_demo`. Safe to run twice:
a workspace that already has invoices is left as it is."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from workspaces.audience import Audience

from . import audience, reports, services
from .models import BillingSettings, Invoice, InvoiceLine, WorkspaceBilling

FIRM = {
    "firm_name": "Northwind Advisory LLP",
    "firm_address": "12 Harbour Street\nPortsmouth PO1 2AB\nUnited Kingdom",
    "tax_id": "GB 123 4567 89",
    "default_currency": "GBP",
    "payment_instructions": "Bank transfer to Northwind Advisory LLP\n"
                            "IBAN GB29 NWBK 6016 1331 9268 19 · BIC NWBKGB2L\n"
                            "Please quote the invoice number.",
}

# Per workspace: billing contacts (None: everyone), bill-to, invoices as
# (days ago issued, lines (description, quantity, unit price, tax rate), paid: "all",
# an amount, or None).
DEMO = {
    "harbor-bakery": {
        "contacts": ["alice@harborbakery.example", "ben@harborbakery.example"],
        "report_contacts": ["alice@harborbakery.example", "ben@harborbakery.example"],
        "bill_to": "Harbor Bakery Ltd\n4 Quay Lane\nPortsmouth PO1 3CD",
        "invoices": [
            (70, [("Bookkeeping, August", "1", "650.00", "20"),
                  ("Payroll runs (6 employees)", "6", "22.50", "20")], "all"),
            (45, [("Bookkeeping, September", "1", "650.00", "20"),
                  ("VAT return, Q3", "1", "320.00", "20")], None),
            (5, [("Bookkeeping, October", "1", "650.00", "20"),
                 ("Year-end tax planning meeting", "2.5", "140.00", "20"),
                 ("Companies House filing fee", "1", "13.00", "0")], "400.00"),
        ],
    },
    "lumen-studio": {
        "contacts": None,
        "report_contacts": None,
        "bill_to": "Lumen Studio SAS\n18 rue des Arts\n69002 Lyon, France",
        "currency": "EUR",
        "invoices": [
            (20, [("Spring campaign: concepts (phase 1)", "1", "12000.00", "20"),
                  ("Photo shoot, 2 days", "2", "1850.00", "20")], "5000.00"),
        ],
    },
}


def _settings(workspace):
    site = workspace.get_site()
    if site is None:
        return
    settings = BillingSettings.for_site(site)
    if not settings.firm_name:
        for field, value in FIRM.items():
            setattr(settings, field, value)
        settings.save()


def load(workspace, users, staff):
    spec = DEMO.get(workspace.slug)
    if spec is None or Invoice.objects.filter(workspace=workspace).exists():
        return
    _settings(workspace)
    profile, _created = WorkspaceBilling.objects.get_or_create(workspace=workspace)
    profile.audience = Audience.SELECTED if spec["contacts"] else Audience.WORKSPACE
    profile.report_audience = (Audience.SELECTED if spec["report_contacts"]
                               else Audience.WORKSPACE)
    profile.bill_to = spec["bill_to"]
    profile.currency = spec.get("currency", "")
    profile.monthly_reports = True
    profile.save()
    profile.contacts.set([users[email] for email in spec["contacts"] or []])
    profile.report_contacts.set([users[email] for email in spec["report_contacts"] or []])
    audience.sync_all(workspace)

    today = timezone.localdate()
    currency = spec.get("currency") or BillingSettings.for_site(workspace.get_site()) \
        .default_currency
    for days_ago, lines, paid in spec["invoices"]:
        issued = today - timedelta(days=days_ago)
        invoice = Invoice.objects.create(workspace=workspace, currency=currency,
                                         created_by=staff, issue_date=issued,
                                         due_date=issued + timedelta(days=30))
        for order, (text, quantity, price, rate) in enumerate(lines):
            InvoiceLine.objects.create(invoice=invoice, sort_order=order, description=text,
                                       quantity=Decimal(quantity), unit_price=Decimal(price),
                                       tax_rate=Decimal(rate))
        services.issue(invoice, staff)
        if paid:
            amount = invoice.balance if paid == "all" else Decimal(paid)
            services.record_payment(invoice, amount, date=min(issued + timedelta(days=12), today),
                                    reference="Bank transfer", user=staff)
    workspace._billing_profile = None
    # Last month's report, and this month's so far (where the demo's files and approvals are).
    reports.request_report(workspace, today - timedelta(days=today.day), user=staff)
    reports.request_report(workspace, today, user=staff)
