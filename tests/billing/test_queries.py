"""Query counts of the billing and reports pages are pinned, and do not grow with the number
of invoices, payments or reports."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import audience
from billing.models import Invoice, InvoiceLine, Payment, Report

from ..samples import pdf_bytes

pytestmark = pytest.mark.django_db

# Four fewer than before the shell's cache (memberships, firm settings, both kinds of menu
# links: see workspaces/shell_cache.py).
PINNED = {"billing:invoices": 11, "billing:statement": 9, "reports:list": 10}


def _more(w, n):
    """`n` more issued invoices with a line and a payment each, and `n` more reports, in A."""
    for i in range(n):
        invoice = Invoice.objects.create(
            workspace=w.ws_a, currency="EUR", state="issued", number=f"INV-Q-{i:04}",
            issue_date=date(2026, 1, 1 + i % 28), due_date=date(2026, 2, 1),
            subtotal=Decimal("100"), tax_total=Decimal("20"), total=Decimal("120"),
            amount_paid=Decimal("20"))
        InvoiceLine.objects.create(invoice=invoice, description="Work", quantity=1,
                                   unit_price=Decimal("100"), tax_rate=Decimal("20"))
        Payment.objects.create(invoice=invoice, amount=Decimal("20"), date=date(2026, 1, 20))
        report = Report.objects.create(workspace=w.ws_a, month=date(2020 + i % 5, 1 + i % 12, 1),
                                       state=Report.State.READY)
        report.pdf.save("r.pdf", ContentFile(pdf_bytes()), save=True)
    w.ws_a._billing_profile = None
    audience.sync_all(w.ws_a)


def _count(client, url):
    client.get(url)  # warm: site root paths, session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["billing:invoices", "billing:statement", "reports:list"])
def test_billing_pages_do_not_grow_with_rows(bills, client_for, name):
    w = bills
    client = client_for(w.contact_a)
    url = reverse(name, args=[w.ws_a.slug])
    few = _count(client, url)
    _more(w, 25)
    many = _count(client, url)
    assert many == few, f"{name}: {few} queries with 1 invoice, {many} with 26"
    assert few == PINNED[name], f"{name}: {few} queries"
