"""The contact's billing pages: what they show, and to whom.

The world is `tests.conftest.build_billing`: invoice_a (INV-T-0001, 1,020.00 EUR) is for A's
billing contacts (contact_a); contact_a2 is a member of A who is not one; draft_a is a draft.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import audience, money, services
from billing.models import Invoice, InvoiceLine
from workspaces.models import FirmSettings

pytestmark = pytest.mark.django_db


def make_invoice(ws, number, lines, *, currency="EUR", issue_date=None, due_date=None,
                 kind=Invoice.Kind.INVOICE, credits=None, state=Invoice.State.ISSUED,
                 bill_to="", notes="", payment_instructions=""):
    """An issued invoice (or credit note) with frozen totals and its grants, as issuing
    leaves it. `lines`: (description, quantity, unit price, tax rate[, discount])."""
    issue_date = issue_date or date.today()
    invoice = Invoice.objects.create(
        workspace=ws, number=number, kind=kind, credits=credits, state=state,
        currency=currency, issue_date=issue_date,
        due_date=due_date or issue_date + timedelta(days=30), bill_to=bill_to, notes=notes,
        payment_instructions=payment_instructions)
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice=invoice, sort_order=order, description=line[0],
                    quantity=Decimal(line[1]), unit_price=Decimal(line[2]),
                    tax_rate=Decimal(line[3]),
                    discount=Decimal(line[4]) if len(line) > 4 else Decimal("0"))
        for order, line in enumerate(lines)])
    totals = money.compute(invoice.lines.all(), currency)
    invoice.subtotal, invoice.tax_total, invoice.total = (totals.subtotal, totals.tax_total,
                                                          totals.total)
    invoice.save()
    if credits is not None and state == Invoice.State.ISSUED:
        credits.amount_credited += abs(invoice.total)
        credits.save()
    ws._billing_profile = None
    audience.sync_invoices(ws, [invoice])
    return invoice


def pay(invoice, amount, when=None, reference=""):
    """Record a payment as staff do (billing.services)."""
    return services.record_payment(invoice, Decimal(amount), date=when or date.today(),
                                   reference=reference)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_contact_sees_the_issued_invoice_and_what_they_owe(bills, client_for):
    html = page(client_for(bills.contact_a), reverse("billing:invoices", args=["alpha"]))
    assert "INV-T-0001" in html
    # 10 × 85 + 150 = 1,000.00 net, 20 % tax: 1,200.00
    assert "1,200.00 EUR" in html
    assert "You owe <strong>1,200.00 EUR</strong>" in html
    assert 'class="status status-info"' in html
    assert reverse("billing:invoice", args=["alpha", bills.invoice_a.pk]) in html
    # Nothing of B's, and never the draft
    assert "INV-T-0002" not in html
    assert reverse("billing:invoice", args=["alpha", bills.draft_a.pk]) not in html
    assert "Draft work" not in html


def test_summary_names_the_overdue_part(bills, client_for):
    late = make_invoice(bills.ws_a, "INV-T-0003", [("Audit", "1", "300.00", "0")],
                        issue_date=date.today() - timedelta(days=60),
                        due_date=date.today() - timedelta(days=30))
    pay(bills.invoice_a, "200.00")
    html = page(client_for(bills.contact_a), reverse("billing:invoices", args=["alpha"]))
    # 1,200 − 200 + 300 owed, of which the 300 of INV-T-0003 is overdue
    assert "You owe <strong>1,300.00 EUR</strong>" in html
    assert "300.00 EUR overdue" in html
    assert 'class="status status-alert">Overdue' in html
    assert 'class="status status-warn">Partly paid' in html
    assert late.number in html


def test_paid_and_void_badges_and_per_currency_summaries(bills, client_for):
    pay(bills.invoice_a, "1200.00")
    void = make_invoice(bills.ws_a, "INV-T-0004", [("Cancelled job", "1", "50.00", "0")])
    void.state = Invoice.State.VOID
    void.save()
    make_invoice(bills.ws_a, "INV-T-0005", [("US filing", "2", "125.50", "0")],
                 currency="USD")
    make_invoice(bills.ws_a, "INV-T-0006", [("Tokyo office", "3", "10000", "10")],
                 currency="JPY")
    html = page(client_for(bills.contact_a), reverse("billing:invoices", args=["alpha"]))
    assert 'class="status status-good">Paid' in html
    assert 'class="status status-void">Void' in html
    assert "You owe <strong>251.00 USD</strong>" in html
    assert "You owe <strong>33,000 JPY</strong>" in html  # yen have no decimals
    assert "EUR</strong>" not in html  # all of the euros are paid


def test_empty_state(bills, client_for):
    html = page(client_for(bills.contact_b), reverse("billing:invoices", args=["beta"]))
    assert "INV-T-0002" in html
    Invoice.objects.filter(workspace=bills.ws_b).update(state=Invoice.State.DRAFT, number="")
    html = page(client_for(bills.contact_b), reverse("billing:invoices", args=["beta"]))
    assert "No invoices yet" in html
    assert "INV-T-0002" not in html


def test_invoice_page_shows_the_whole_invoice(bills, client_for):
    billing_settings = _billing_settings(bills)
    billing_settings.firm_name = "Acme Advisers LLP"
    billing_settings.firm_address = "10 Quay Street\nBristol"
    billing_settings.tax_id = "GB123456789"
    billing_settings.payment_instructions = "IBAN GB00 ACME 0000 0000"
    billing_settings.save()
    pay(bills.invoice_a, "200.00", reference="TRX-991")
    note = make_invoice(bills.ws_a, "CN-T-0001", [("Goodwill", "1", "100.00", "0")],
                        kind=Invoice.Kind.CREDIT_NOTE, credits=bills.invoice_a)
    html = page(client_for(bills.contact_a),
                reverse("billing:invoice", args=["alpha", bills.invoice_a.pk]))
    for text in ("INV-T-0001", "Acme Advisers LLP", "10 Quay Street", "GB123456789",
                 "Alpha Holdings Ltd", "Bookkeeping, March", "Payroll run", "850.00",
                 "1,000.00 EUR", "200.00 EUR", "1,200.00 EUR", "TRX-991", "CN-T-0001",
                 "IBAN GB00 ACME 0000 0000", "Download PDF"):
        assert text in html, text
    # Balance: 1,200 − 200 paid − 100 credited
    assert "900.00 EUR" in html
    assert reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]) in html
    assert reverse("billing:invoice", args=["alpha", note.pk]) in html
    # The credit note's page points back to the invoice it corrects
    html = page(client_for(bills.contact_a), reverse("billing:invoice", args=["alpha", note.pk]))
    assert "corrects invoice" in html
    assert reverse("billing:invoice", args=["alpha", bills.invoice_a.pk]) in html


def _billing_settings(w):
    from billing.models import BillingSettings

    return BillingSettings.for_site(w.site)


def test_html_in_a_description_is_text_on_the_page(bills, client_for):
    evil = make_invoice(
        bills.ws_a, "INV-T-0007",
        [('<img src="http://127.0.0.1:9/x"><script>alert(1)</script>', "1", "10.00", "0")],
        bill_to="<b>Bold Ltd</b>", notes="<a href='http://evil.test'>click</a>")
    html = page(client_for(bills.contact_a), reverse("billing:invoice", args=["alpha", evil.pk]))
    assert '<img src="http://127.0.0.1:9/x">' not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;img src=&quot;http://127.0.0.1:9/x&quot;&gt;" in html
    assert "&lt;b&gt;Bold Ltd&lt;/b&gt;" in html
    assert "<a href='http://evil.test'>" not in html


def test_pdf_download_is_an_attachment_named_by_number(bills, client_for):
    response = client_for(bills.contact_a).get(
        reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="INV-T-0001.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_unpermitted_member_has_no_menu_entry_and_gets_404(bills, client_for):
    billing_url = reverse("billing:invoices", args=["alpha"])
    dashboard = page(client_for(bills.contact_a), bills.ws_a.url)
    assert f'href="{billing_url}"' in dashboard
    client = client_for(bills.contact_a2)
    dashboard = page(client, bills.ws_a.url)
    assert f'href="{billing_url}"' not in dashboard
    assert "INV-T-0001" not in dashboard
    for url in (billing_url,
                reverse("billing:invoice", args=["alpha", bills.invoice_a.pk]),
                reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]),
                reverse("billing:statement", args=["alpha"]),
                reverse("billing:statement_pdf", args=["alpha"])):
        assert client.get(url).status_code == 404, url


def test_drafts_and_foreign_invoices_are_404(bills, client_for):
    client = client_for(bills.contact_a)
    for invoice in (bills.draft_a, bills.invoice_b):
        for name in ("billing:invoice", "billing:invoice_pdf"):
            assert client.get(reverse(name, args=["alpha", invoice.pk])).status_code == 404
    # B's invoice through B's own slug: contact_a is not a member of B
    assert client.get(reverse("billing:invoice", args=["beta", bills.invoice_b.pk])
                      ).status_code == 404


def test_firm_switch_hides_billing_for_everyone(bills, client_for):
    firm = FirmSettings.for_site(bills.site)
    firm.set_switch("clients_see_billing", False)
    firm.save()
    billing_url = reverse("billing:invoices", args=["alpha"])
    client = client_for(bills.contact_a)
    dashboard = page(client, bills.ws_a.url)
    assert f'href="{billing_url}"' not in dashboard
    assert "You owe" not in dashboard  # no billing panel either
    for url in (billing_url,
                reverse("billing:invoice", args=["alpha", bills.invoice_a.pk]),
                reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]),
                reverse("billing:statement", args=["alpha"])):
        assert client.get(url).status_code == 404, url
    assert client_for(bills.contact_b).get(
        reverse("billing:invoices", args=["beta"])).status_code == 404


def test_workspace_tool_switch_hides_billing(bills, client_for):
    from ..factories import publish

    bills.ws_a.enabled_tools = [t for t in bills.ws_a.enabled_tools if t != "billing"]
    publish(bills.ws_a)
    client = client_for(bills.contact_a)
    assert client.get(reverse("billing:invoices", args=["alpha"])).status_code == 404
    assert client_for(bills.contact_b).get(
        reverse("billing:invoices", args=["beta"])).status_code == 200


def test_dashboard_panel_shows_balance_and_next_due(bills, client_for):
    soon = make_invoice(bills.ws_a, "INV-T-0008", [("Quarterly review", "1", "80.00", "0")],
                        due_date=date.today() + timedelta(days=5))
    html = page(client_for(bills.contact_a), bills.ws_a.url)
    assert 'id="billing-panel-h"' in html
    assert "You owe <strong>1,280.00 EUR</strong>" in html
    assert "Next due:" in html
    assert reverse("billing:invoice", args=["alpha", soon.pk]) in html
    assert "INV-T-0008" in html


def test_dashboard_panel_when_all_is_paid_and_when_nothing_issued(bills, client_for):
    pay(bills.invoice_a, "1200.00")
    html = page(client_for(bills.contact_a), bills.ws_a.url)
    assert "every invoice is settled" in html
    assert "Next due:" not in html
    Invoice.objects.filter(workspace=bills.ws_a).update(state=Invoice.State.DRAFT)
    html = page(client_for(bills.contact_a), bills.ws_a.url)
    assert 'id="billing-panel-h"' not in html


def test_drafts_are_404_for_every_contact(bills, client_for):
    from .isolation_cases import DRAFT_ROUTES

    people = (bills.contact_a, bills.contact_a2, bills.contact_b, bills.revoked,
              bills.removed)
    for name in DRAFT_ROUTES:
        url = reverse(name, args=["alpha", bills.draft_a.pk])
        for person in people:
            assert client_for(person).get(url).status_code == 404, (name, person.email)
    # The same routes answer for the issued invoice, so a 404 above is the draft's doing.
    for name in DRAFT_ROUTES:
        url = reverse(name, args=["alpha", bills.invoice_a.pk])
        assert client_for(bills.contact_a).get(url).status_code == 200


def test_an_invoice_issued_by_staff_reaches_the_contact(bills, client_for):
    draft = services.create_draft(bills.ws_a, bills.staff, lines=[
        {"description": "Annual accounts", "quantity": Decimal("1"),
         "unit_price": Decimal("640.00"), "tax_rate": Decimal("20"),
         "discount": Decimal("0")}])
    client = client_for(bills.contact_a)
    assert client.get(reverse("billing:invoice", args=["alpha", draft.pk])).status_code == 404
    services.issue(draft, bills.staff)
    assert draft.number
    html = page(client, reverse("billing:invoices", args=["alpha"]))
    assert draft.number in html
    assert "You owe <strong>1,968.00 EUR</strong>" in html  # 1,200 + 768
    response = client.get(reverse("billing:invoice_pdf", args=["alpha", draft.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{draft.number}.pdf"'
    # contact_a2 is not a billing contact: the new invoice is 404 for them too
    assert client_for(bills.contact_a2).get(
        reverse("billing:invoice", args=["alpha", draft.pk])).status_code == 404
