"""Statements of account: opening balance, entries with a running balance, closing balance,
per currency; on the page and in the PDF; bad periods refused with a message."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import statement
from billing.models import Invoice
from workspaces import access

from .test_invoice_pdf import text_of
from .test_portal import make_invoice, pay

pytestmark = pytest.mark.django_db

D = Decimal
FEB = (date(2020, 2, 1), date(2020, 2, 29))


@pytest.fixture
def ledger(bills):
    """A's documents around February 2020 (invoice_a of the fixture is dated today, after)."""
    ws = bills.ws_a
    inv1 = make_invoice(ws, "INV-20-0001", [("January work", "1", "100.00", "0")],
                        issue_date=date(2020, 1, 10))
    pay(inv1, "40.00", when=date(2020, 1, 20), reference="JAN-PAY")
    make_invoice(ws, "CN-20-0001", [("January discount", "1", "10.00", "0")],
                 issue_date=date(2020, 1, 25), kind=Invoice.Kind.CREDIT_NOTE, credits=inv1)
    # In February
    inv2 = make_invoice(ws, "INV-20-0002", [("February work", "2", "100.00", "0")],
                        issue_date=date(2020, 2, 5))
    pay(inv1, "50.00", when=date(2020, 2, 5), reference="FEB-PAY-1")
    make_invoice(ws, "INV-20-0003", [("Filing", "1", "25.00", "20")],
                 issue_date=date(2020, 2, 10))
    make_invoice(ws, "CN-20-0002", [("February correction", "1", "20.00", "0")],
                 issue_date=date(2020, 2, 15), kind=Invoice.Kind.CREDIT_NOTE, credits=inv2)
    pay(Invoice.objects.get(pk=inv2.pk), "100.00", when=date(2020, 2, 20),
        reference="FEB-PAY-2")
    void = make_invoice(ws, "INV-20-0004", [("Mistake", "1", "999.00", "0")],
                        issue_date=date(2020, 2, 12))
    void.state = Invoice.State.VOID
    void.save()
    make_invoice(ws, "INV-20-0005", [("US filing", "1", "75.00", "0")], currency="USD",
                 issue_date=date(2020, 2, 3))
    Invoice.objects.create(workspace=ws, currency="EUR", total=D("5000"),
                           issue_date=date(2020, 2, 7))  # a draft
    # After February
    inv6 = make_invoice(ws, "INV-20-0006", [("March work", "1", "500.00", "0")],
                        issue_date=date(2020, 3, 5))
    pay(Invoice.objects.get(pk=inv6.pk), "30.00", when=date(2020, 3, 2))
    # Another workspace in February
    make_invoice(bills.ws_b, "INV-20-0100", [("Beta work", "1", "777.00", "0")],
                 issue_date=date(2020, 2, 6))
    return bills


def visible(w, user=None):
    return access.visible(user or w.contact_a, w.ws_a, Invoice.objects.all())


def test_balances_and_running_balance(ledger):
    result = statement.build(visible(ledger), *FEB)
    eur, usd = result.accounts
    assert (eur.currency, usd.currency) == ("EUR", "USD")
    # Before February: 100 billed − 40 paid − 10 credited
    assert eur.opening == D("50.00")
    rows = [(e.date, e.kind, e.invoice.number, e.debit, e.credit, e.balance)
            for e in eur.entries]
    assert rows == [
        # On one day the invoice comes before the payment
        (date(2020, 2, 5), "invoice", "INV-20-0002", D("200.00"), 0, D("250.00")),
        (date(2020, 2, 5), "payment", "INV-20-0001", 0, D("50.00"), D("200.00")),
        (date(2020, 2, 10), "invoice", "INV-20-0003", D("30.00"), 0, D("230.00")),
        (date(2020, 2, 15), "credit_note", "CN-20-0002", 0, D("20.00"), D("210.00")),
        (date(2020, 2, 20), "payment", "INV-20-0002", 0, D("100.00"), D("110.00")),
    ]
    assert (eur.debits, eur.credits, eur.closing) == (D("230.00"), D("170.00"), D("110.00"))
    assert (usd.opening, usd.closing) == (0, D("75.00"))
    assert [e.invoice.number for e in usd.entries] == ["INV-20-0005"]


def test_the_next_period_opens_where_this_one_closed(ledger):
    february = statement.build(visible(ledger), *FEB)
    march = statement.build(visible(ledger), date(2020, 3, 1), date(2020, 3, 31))
    eur = march.accounts[0]
    assert eur.opening == february.accounts[0].closing == D("110.00")
    # 500 billed on the 5th, 30 paid on the 2nd (dates, not entry order, decide)
    assert [(e.date, e.balance) for e in eur.entries] == [
        (date(2020, 3, 2), D("80.00")), (date(2020, 3, 5), D("580.00"))]
    assert eur.closing == D("580.00")


def test_a_period_before_anything_is_empty(ledger):
    assert statement.build(visible(ledger), date(2019, 1, 1), date(2019, 12, 31)).is_empty


def test_owed_today_is_a_statement_closing_today(ledger):
    today = date.today()
    closing = statement.build(visible(ledger), date(2000, 1, 1), today).accounts
    owed = statement.owed(visible(ledger))
    assert [(row.currency, row.balance) for row in owed] == [
        (account.currency, account.closing) for account in closing]
    # 580 of 2020 plus invoice_a's 1,200 of today
    assert owed[0].balance == D("1780.00")


def test_only_what_the_contact_sees(ledger):
    assert statement.build(visible(ledger, ledger.contact_a2), *FEB).is_empty
    beta = statement.build(access.visible(ledger.contact_b, ledger.ws_b, Invoice.objects.all()),
                           *FEB)
    assert [e.invoice.number for e in beta.accounts[0].entries] == ["INV-20-0100"]


def test_statement_page(ledger, client_for):
    response = client_for(ledger.contact_a).get(
        reverse("billing:statement", args=["alpha"]), {"from": "2020-02-01", "to": "2020-02-29"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Opening balance", "Closing balance", "Invoice INV-20-0002",
                 "Payment on INV-20-0001 (Bank transfer)", "FEB-PAY-1",
                 "Credit note CN-20-0002", "Account in EUR", "Account in USD", "110.00 EUR",
                 "75.00 USD", 'value="2020-02-01"', 'value="2020-02-29"'):
        assert text in html, text
    for absent in ("INV-20-0004", "INV-20-0006", "INV-20-0100", "5,000"):
        assert absent not in html, absent
    assert (reverse("billing:statement_pdf", args=["alpha"])
            + "?from=2020-02-01&amp;to=2020-02-29") in html


def test_statement_pdf(ledger, client_for):
    response = client_for(ledger.contact_a).get(
        reverse("billing:statement_pdf", args=["alpha"]), {"from": "2020-02-01",
                                                           "to": "2020-02-29"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-alpha-2020-02-01-2020-02-29.pdf"')
    text = text_of(response.content)
    for expected in ("Statement of account", "From 2020-02-01 to 2020-02-29",
                     "Alpha Holdings Ltd", "Opening balance", "50.00",
                     "INV-20-0002", "CN-20-0002", "FEB-PAY-2", "250.00", "230.00", "210.00",
                     "Closing balance", "110.00 EUR", "Balance owed on 2020-02-29: 110.00 EUR",
                     "Account in USD", "75.00 USD"):
        assert expected in text, expected
    assert "INV-20-0006" not in text and "INV-20-0004" not in text


def test_default_period_is_the_last_three_months(bills, client_for):
    start, end = statement.default_period(date(2026, 5, 31))
    assert (start, end) == (date(2026, 2, 28), date(2026, 5, 31))
    assert statement.default_period(date(2026, 1, 15)) == (date(2025, 10, 15),
                                                           date(2026, 1, 15))
    response = client_for(bills.contact_a).get(reverse("billing:statement", args=["alpha"]))
    assert response.status_code == 200
    html = response.content.decode()
    start, end = statement.default_period()
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html
    assert "Invoice INV-T-0001" in html  # issued today


def test_reversed_or_unreadable_dates_are_refused_with_a_message(bills, client_for):
    client = client_for(bills.contact_a)
    for name in ("billing:statement", "billing:statement_pdf"):
        response = client.get(reverse(name, args=["alpha"]),
                              {"from": "2026-03-01", "to": "2026-02-01"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "The start date (2026-03-01) is after the end date (2026-02-01)" in html
        assert "Opening balance" not in html
        assert response["Content-Type"].startswith("text/html")
    response = client.get(reverse("billing:statement", args=["alpha"]),
                          {"from": "yesterday", "to": "2026-02-01"})
    assert response.status_code == 400
    assert "The start date is not a date: use the form YYYY-MM-DD." in response.content.decode()
