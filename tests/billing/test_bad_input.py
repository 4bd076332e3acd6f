"""Bad input, one case at a time: the message people read, and nothing stored or changed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services, validation
from billing.models import Invoice, InvoiceLine, NumberSequence, Payment


def line(description="Advisory work", quantity="1", unit_price="100.00", tax_rate="20",
         discount="0"):
    return {"description": description, "quantity": quantity, "unit_price": unit_price,
            "tax_rate": tax_rate, "discount": discount}


def snapshot():
    return (Invoice.objects.count(), InvoiceLine.objects.count(), Payment.objects.count(),
            NumberSequence.objects.count(),
            sorted(Invoice.objects.values_list("pk", "state", "number", "total", "amount_paid",
                                               "amount_credited")))


def refused(w, lines, currency="EUR"):
    """Try to make a draft; return the messages, checking that nothing was stored."""
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.create_draft(w.ws_a, w.staff, lines, currency=currency)
    assert snapshot() == before
    return error.value.messages


@pytest.mark.parametrize(("bad", "message"), [
    (line(quantity="0"), "Line 1: The quantity must be more than zero (it is 0). To take "
                         "something off, use a credit line (a negative unit price) or a credit "
                         "note."),
    (line(quantity="-2"), "Line 1: The quantity must be more than zero (it is -2)."),
    (line(quantity="1.2345"), "Line 1: The quantity can have at most 3 decimals."),
    (line(quantity="1000001"), "Line 1: The quantity is too large (at most 1,000,000)."),
    (line(quantity=""), "Line 1: The quantity is required."),
    (line(quantity="two"), "Line 1: The quantity is not a number: “two”."),
    (line(unit_price="1000000000"), "Line 1: The unit price is too large (at most "
                                    "999,999,999)."),
    (line(unit_price="-1000000000"), "Line 1: The unit price is too large"),
    (line(unit_price="12.345"), "Line 1: The unit price can have at most 2 decimals in EUR."),
    (line(unit_price="Infinity"), "Line 1: The unit price must be a number."),
    (line(quantity="1000000", unit_price="1000.00"),
     "Line 1: The line comes to 1,000,000,000.00 EUR, more than the maximum of "
     "999,999,999.00 EUR."),
    (line(tax_rate="150"), "Line 1: The tax rate is a percentage from 0 to 100 (not 150)."),
    (line(tax_rate="5.555"), "Line 1: The tax rate can have at most 2 decimals."),
    (line(discount="-5"), "Line 1: The discount is a percentage from 0 to 100 (not -5)."),
    (line(description="   "), "Line 1: The description is required."),
    (line(description="x" * 501), "Line 1: The description is 501 characters long; at most "
                                  "500 are allowed."),
])
def test_bad_line(bills, bad, message):
    messages = refused(bills, [bad])
    assert any(m.startswith(message) for m in messages), messages


def test_every_bad_line_is_named(bills):
    messages = refused(bills, [line(), line(quantity="0"), line(), line(unit_price="1.001",
                                                                         tax_rate="101")])
    assert messages == [
        "Line 2: The quantity must be more than zero (it is 0). To take something off, use a "
        "credit line (a negative unit price) or a credit note.",
        "Line 4: The unit price can have at most 2 decimals in EUR.",
        "Line 4: The tax rate is a percentage from 0 to 100 (not 101).",
    ]


def test_currency_decimals(bills):
    assert refused(bills, [line(unit_price="1200.5")], currency="JPY") == [
        "Line 1: The unit price cannot have decimals in JPY."]
    assert refused(bills, [line(unit_price="10.125")], currency="EUR") == [
        "Line 1: The unit price can have at most 2 decimals in EUR."]
    # Three places are fine where the currency has them, and trailing zeros are not decimals.
    services.create_draft(bills.ws_a, bills.staff, [line(unit_price="10.125")], currency="BHD")
    services.create_draft(bills.ws_a, bills.staff, [line(unit_price="1200.00")],
                          currency="JPY")


def test_unknown_currency(bills):
    for code in ("XYZ", "euro", ""):
        before = snapshot()
        with pytest.raises(ValidationError) as error:
            services.create_draft(bills.ws_a, bills.staff, [line()], currency=code)
        assert snapshot() == before
        expected = ("Choose a currency." if not code else
                    f"“{code}” is not an ISO 4217 currency code (such as EUR, USD, GBP).")
        assert error.value.message_dict == {"currency": [expected]}


def test_total_beyond_the_maximum(bills):
    messages = refused(bills, [line(unit_price="600000000.00", tax_rate="0")] * 2)
    assert messages == ["The total would be 1,200,000,000.00 EUR, more than the maximum of "
                        "999,999,999.00 EUR."]


# ---------------------------------------------------------------------------- credit lines

def test_credit_line_that_makes_the_total_negative(bills):
    messages = refused(bills, [line(unit_price="100.00"), line("Deposit received",
                                                               unit_price="-150.00")])
    assert messages == [
        "Line 2 is a credit line (a negative unit price), which is allowed only while the "
        "invoice's total stays above zero; here the total would be -60.00 EUR. Issue a credit "
        "note to give money back."]
    zero = refused(bills, [line(unit_price="100.00"), line("Deposit", unit_price="-100.00")])
    assert "here the total would be 0.00 EUR" in zero[0]


def test_credit_line_that_leaves_a_positive_total_is_fine(bills):
    draft = services.create_draft(bills.ws_a, bills.staff, [
        line(unit_price="100.00"), line("Deposit received", unit_price="-30.00")])
    invoice = services.issue(draft, bills.staff)
    assert invoice.total == Decimal("84.00")


def test_negative_price_on_a_credit_note(bills):
    invoice = bills.invoice_a
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.credit_note(invoice, bills.staff, lines=[line(unit_price="-10.00")])
    assert error.value.messages == [
        "Line 1: A credit note's unit prices are zero or more (the credit note as a whole "
        "takes the amount off); -10.00 is negative."]
    assert snapshot() == before


def test_a_credit_note_must_credit_something(bills):
    before = snapshot()
    with pytest.raises(ValidationError, match="A credit note must take something off: its "
                                              "total is 0.00 EUR."):
        services.credit_note(bills.invoice_a, bills.staff, lines=[line(unit_price="0")])
    assert snapshot() == before


# ---------------------------------------------------------------------------- payments

def test_payment_larger_than_the_balance(bills):
    invoice = services.issue(services.create_draft(bills.ws_a, bills.staff, [line()]),
                             bills.staff)
    assert invoice.balance == Decimal("120.00")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.record_payment(invoice, "150.00", date.today(), "bank_transfer", "",
                                bills.staff)
    assert error.value.message_dict == {"amount": [
        "The balance is 120.00 EUR; a payment of 150.00 EUR is more than that."]}
    assert snapshot() == before
    services.record_payment(invoice, "120.00", date.today(), "bank_transfer", "", bills.staff)
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"


def test_payment_beyond_the_maximum(bills):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.record_payment(bills.invoice_a, "1000000000", date.today(), "card", "",
                                bills.staff)
    assert error.value.message_dict == {"amount": [
        "The amount is too large (at most 999,999,999)."]}
    assert snapshot() == before


# ---------------------------------------------------------------------------- text

HOSTILE = ('<b>Audit</b> & review <script>alert(1)</script> '
           '<img src="http://127.0.0.1:9/tracker.png">')


def test_html_in_a_description_is_stored_verbatim_and_shown_as_text(bills, client_for):
    invoice = services.issue(services.create_draft(
        bills.ws_a, bills.staff, [line(description=HOSTILE)]), bills.staff)
    assert invoice.lines.get().description == HOSTILE
    page = client_for(bills.contact_a).get(
        reverse("billing:invoice", args=[bills.ws_a.slug, invoice.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;img src=&quot;http://127.0.0.1:9/tracker.png&quot;&gt;" in html
    assert '<img src="http://127.0.0.1:9' not in html
    assert "<script>alert(1)</script>" not in html


def test_control_characters_are_dropped_from_descriptions(bills):
    draft = services.create_draft(bills.ws_a, bills.staff, [
        line(description="  Line\x00 one\r\nline\u0007 two\t(tab)  ")])
    assert draft.lines.get().description == "Line one\nline two\t(tab)"


# ---------------------------------------------------------------------------- many lines

def test_one_thousand_lines_are_accepted_one_more_is_refused(bills):
    many = [line(f"Hour {n}", unit_price="1.00", tax_rate="0") for n in range(1, 1001)]
    invoice = services.issue(services.create_draft(bills.ws_a, bills.staff, many),
                             bills.staff)
    assert invoice.lines.count() == 1000
    assert invoice.total == Decimal("1000.00")
    assert [ln.description for ln in invoice.lines.all()[998:]] == ["Hour 999", "Hour 1000"]

    messages = refused(bills, many + [line("Hour 1001", unit_price="1.00")])
    assert messages == ["An invoice has at most 1,000 lines; this one has 1,001."]


# ---------------------------------------------------------------------------- for forms

def test_clean_line_names_each_field_for_forms():
    with pytest.raises(ValidationError) as error:
        validation.clean_line({"description": "", "quantity": "0", "unit_price": "-1.00",
                               "tax_rate": "20", "discount": "200"}, "EUR", "credit_note")
    assert set(error.value.message_dict) == {"description", "quantity", "unit_price",
                                             "discount"}
    cleaned = validation.clean_line(InvoiceLine(description=" Fee ", quantity=Decimal("2.5"),
                                                unit_price=Decimal("-4.00"),
                                                tax_rate=Decimal("0"), discount=Decimal("0")),
                                    "EUR", "invoice")
    assert cleaned == {"description": "Fee", "quantity": Decimal("2.5"),
                       "unit_price": Decimal("-4.00"), "tax_rate": Decimal("0"),
                       "discount": Decimal("0")}


def test_a_bad_line_stored_behind_the_forms_back_is_caught_at_issue(bills):
    draft = services.create_draft(bills.ws_a, bills.staff, [line()])
    InvoiceLine.objects.filter(invoice=draft).update(quantity=Decimal("-1"))
    before = snapshot()
    with pytest.raises(ValidationError, match="Line 1: The quantity must be more than zero"):
        services.issue(draft, bills.staff)
    assert snapshot() == before
