"""Issuing, payments, voids, credit notes and duplicates, as staff and contacts see them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services
from billing.models import BillingSettings, Invoice, InvoiceLine, NumberSequence, Payment
from workspaces import access

LINES = [
    {"description": "Bookkeeping, April", "quantity": "10", "unit_price": "85.00",
     "tax_rate": "20"},
    {"description": "Payroll run", "quantity": "1", "unit_price": "150.00", "tax_rate": "20",
     "discount": "10"},
    {"description": "Filing fee", "quantity": "1", "unit_price": "35.00", "tax_rate": "0"},
]
# 850.00 + 135.00 at 20 % (tax 197.00) + 35.00 at 0 %: 1,020.00 + 197.00 = 1,217.00


def new_draft(w, lines=LINES, **fields):
    return services.create_draft(w.ws_a, w.staff, lines, **fields)


def issued(w, lines=LINES, **fields):
    return services.issue(new_draft(w, lines, **fields), w.staff)


def fresh(invoice):
    return Invoice.objects.get(pk=invoice.pk)


def visible_to(user, w, invoice):
    return access.visible(user, w.ws_a, Invoice.objects.filter(pk=invoice.pk)).exists()


@pytest.fixture
def firm_billing(bills):
    settings = BillingSettings.for_site(bills.site)
    settings.payment_terms_days = 14
    settings.payment_instructions = "IBAN FR76 3000 6000 0112 3456 7890 189"
    settings.save()
    return settings


# ---------------------------------------------------------------------------- issue

def test_issue_numbers_freezes_and_fills_in_the_details(bills, firm_billing):
    draft = new_draft(bills)
    assert (draft.state, draft.number, draft.total) == ("draft", "", Decimal("0"))
    live = services.draft_totals(draft)
    assert (live.subtotal, live.tax_total, live.total) == (
        Decimal("1020.00"), Decimal("197.00"), Decimal("1217.00"))

    services.issue(draft, bills.staff)

    invoice = fresh(draft)
    today = date.today()
    assert invoice.state == "issued" and invoice.status == "issued"
    assert invoice.number == f"INV-{today.year}-0001"
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (
        Decimal("1020.00"), Decimal("197.00"), Decimal("1217.00"))
    assert invoice.balance == Decimal("1217.00")
    assert invoice.issue_date == today
    assert invoice.due_date == today + timedelta(days=14)
    assert invoice.bill_to == "Alpha Holdings Ltd\n1 Market Street"  # the workspace's profile
    assert invoice.payment_instructions == "IBAN FR76 3000 6000 0112 3456 7890 189"
    assert invoice.issued_by == bills.staff and invoice.issued_at is not None
    assert draft.number == invoice.number  # the caller's object is brought up to date


def test_typed_dates_and_details_are_kept(bills, firm_billing):
    invoice = issued(bills, issue_date=date(2026, 3, 2), due_date=date(2026, 3, 9),
                     bill_to="Alpha GmbH", payment_instructions="Pay by card.")
    invoice = fresh(invoice)
    assert invoice.number == "INV-2026-0001"
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 3, 2), date(2026, 3, 9))
    assert (invoice.bill_to, invoice.payment_instructions) == ("Alpha GmbH", "Pay by card.")


def test_totals_stay_frozen_after_issue(bills):
    invoice = issued(bills)
    # Even if a line were changed behind the services' back, the issued amounts stand.
    InvoiceLine.objects.filter(invoice=invoice).update(unit_price=Decimal("1"))
    invoice = fresh(invoice)
    totals = services.draft_totals(invoice)
    assert (totals.subtotal, totals.tax_total, totals.total) == (
        Decimal("1020.00"), Decimal("197.00"), Decimal("1217.00"))
    assert invoice.total == Decimal("1217.00")


def test_draft_totals_follow_the_lines_of_a_draft(bills):
    draft = new_draft(bills)
    InvoiceLine.objects.create(invoice=draft, sort_order=9, description="Extra",
                               quantity=Decimal("2"), unit_price=Decimal("5.00"),
                               tax_rate=Decimal("20"))
    totals = services.draft_totals(fresh(draft))
    assert totals.total == Decimal("1229.00")
    assert totals.taxes == [(Decimal("0"), Decimal("35.00"), Decimal("0.00")),
                            (Decimal("20"), Decimal("995.00"), Decimal("199.00"))]


def test_an_invoice_is_issued_once_and_then_not_edited(bills):
    invoice = issued(bills)
    number = invoice.number
    with pytest.raises(ValidationError, match="has already been issued"):
        services.issue(invoice, bills.staff)
    with pytest.raises(ValidationError, match="can no longer be edited: credit it or void it"):
        services.validate_invoice(fresh(invoice), LINES[:1])
    assert fresh(invoice).number == number
    assert NumberSequence.objects.get(series="invoice").last == 1


def test_issue_needs_a_line_and_a_due_date_after_the_issue_date(bills):
    empty = services.create_draft(bills.ws_a, bills.staff, [])
    with pytest.raises(ValidationError, match="Add at least one line before issuing"):
        services.issue(empty, bills.staff)
    backwards = new_draft(bills, issue_date=date(2026, 5, 10), due_date=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="is before the issue date"):
        services.issue(backwards, bills.staff)
    assert set(Invoice.objects.filter(pk__in=[empty.pk, backwards.pk])
               .values_list("state", "number")) == {("draft", "")}
    assert not NumberSequence.objects.exists()


def test_issued_invoice_is_shown_to_billing_contacts_only(bills):
    draft = new_draft(bills)
    assert not visible_to(bills.contact_a, bills, draft)  # drafts are never shown
    invoice = services.issue(draft, bills.staff)
    assert visible_to(bills.contact_a, bills, invoice)
    for user in (bills.contact_a2, bills.revoked, bills.removed, bills.contact_b):
        assert not visible_to(user, bills, invoice)


# ---------------------------------------------------------------------------- emails

def test_issue_emails_the_billing_contacts_only(bills, mailoutbox,
                                                django_capture_on_commit_callbacks):
    draft = new_draft(bills)
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.issue(draft, bills.staff)
    assert [message.to for message in mailoutbox] == [["ann@alpha.test"]]
    message = mailoutbox[0]
    year = date.today().year
    assert message.subject == f"Invoice INV-{year}-0001 for Workspace A"
    link = "http://testserver" + reverse("billing:invoice", args=["alpha", invoice.pk])
    assert link in message.body
    assert "1,217.00 EUR" in message.body
    html = message.alternatives[0][0]
    assert link in html and "Open the invoice" in html


def test_no_email_when_the_issue_fails_or_billing_is_off(bills, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.issue(services.create_draft(bills.ws_a, bills.staff, []), bills.staff)
    assert mailoutbox == []
    bills.firm.set_switch("clients_see_billing", False)
    bills.firm.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(new_draft(bills), bills.staff)
    assert mailoutbox == []


def test_everyone_in_a_workspace_hears_when_the_profile_says_so(bills, mailoutbox,
                                                                django_capture_on_commit_callbacks):
    draft = services.create_draft(bills.ws_b, bills.staff, LINES[:1])
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(draft, bills.staff)
    assert [message.to for message in mailoutbox] == [["bea@beta.test"]]


def test_credit_note_email_names_the_invoice_it_corrects(bills, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    invoice = issued(bills)
    note = services.credit_note(invoice, bills.staff, lines=[
        {"description": "Goodwill", "quantity": "1", "unit_price": "100.00", "tax_rate": "20"}])
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(note, bills.staff)
    year = date.today().year
    assert [message.subject for message in mailoutbox] == [
        f"Credit note CN-{year}-0001 for Workspace A"]
    assert f"It corrects invoice INV-{year}-0001." in mailoutbox[0].body
    assert "120.00 EUR" in mailoutbox[0].body


# ---------------------------------------------------------------------------- payments

def test_partial_then_full_payment(bills):
    invoice = issued(bills)
    payment = services.record_payment(invoice, "200.00", date.today(), "bank_transfer",
                                      "TX-1", bills.staff)
    assert (payment.amount, payment.reference, payment.recorded_by) == (
        Decimal("200.00"), "TX-1", bills.staff)
    assert invoice.status == "partly_paid" and invoice.balance == Decimal("1017.00")
    services.record_payment(invoice, Decimal("1017.00"), date.today(), "card", "", bills.staff)
    invoice = fresh(invoice)
    assert invoice.status == "paid"
    assert (invoice.amount_paid, invoice.balance) == (Decimal("1217.00"), Decimal("0"))
    assert invoice.payments.count() == 2
    with pytest.raises(ValidationError, match="has nothing left to pay"):
        services.record_payment(invoice, "1.00", date.today(), "card", "", bills.staff)


def test_overdue_by_date(bills):
    today = date.today()
    late = issued(bills, issue_date=today - timedelta(days=40),
                  due_date=today - timedelta(days=10))
    assert fresh(late).status == "overdue"
    services.record_payment(late, "17.00", today, "cash", "", bills.staff)
    assert fresh(late).status == "overdue"  # partly paid, still late
    services.record_payment(late, "1200.00", today, "cash", "", bills.staff)
    assert fresh(late).status == "paid"
    due_today = issued(bills, due_date=today)
    assert fresh(due_today).status == "issued"


def test_payments_only_on_issued_invoices(bills):
    draft = new_draft(bills)
    with pytest.raises(ValidationError, match="still a draft"):
        services.record_payment(draft, "10.00", date.today(), "card", "", bills.staff)
    void = services.void(issued(bills), bills.staff, "Sent to the wrong client")
    with pytest.raises(ValidationError, match="is void"):
        services.record_payment(void, "10.00", date.today(), "card", "", bills.staff)
    invoice = issued(bills)
    note = services.issue(services.credit_note(invoice, bills.staff), bills.staff)
    with pytest.raises(ValidationError, match="is a credit note"):
        services.record_payment(note, "10.00", date.today(), "card", "", bills.staff)
    assert not Payment.objects.exists()


def test_payment_input_is_checked(bills):
    invoice = issued(bills)
    cases = [
        ("0", date.today(), "card", "more than zero"),
        ("-5.00", date.today(), "card", "more than zero"),
        ("ten", date.today(), "card", "is not a number"),
        ("10.001", date.today(), "card", "at most 2 decimals in EUR"),
        ("10.00", date.today() + timedelta(days=1), "card", "is in the future"),
        ("10.00", date.today(), "bitcoin", "Choose how it was paid"),
    ]
    for amount, day, method, message in cases:
        with pytest.raises(ValidationError) as error:
            services.record_payment(invoice, amount, day, method, "", bills.staff)
        assert message in " ".join(error.value.messages), amount
    assert not Payment.objects.exists()
    assert fresh(invoice).amount_paid == 0


# ---------------------------------------------------------------------------- void

def test_void_keeps_the_number_and_stays_visible_marked_void(bills):
    invoice = issued(bills)
    with pytest.raises(ValidationError, match="a reason is required"):
        services.void(invoice, bills.staff, "   ")
    services.void(invoice, bills.staff, "Duplicate of INV-T-0001")
    invoice = fresh(invoice)
    assert (invoice.state, invoice.status, invoice.balance) == ("void", "void", Decimal("0"))
    assert invoice.number.startswith("INV-") and invoice.void_reason == "Duplicate of INV-T-0001"
    assert invoice.voided_at is not None
    assert visible_to(bills.contact_a, bills, invoice)
    assert not visible_to(bills.contact_a2, bills, invoice)
    # Its number is not given again.
    assert issued(bills).number.endswith("-0002")


def test_void_refusals(bills):
    with pytest.raises(ValidationError, match="delete it instead"):
        services.void(new_draft(bills), bills.staff, "typo")
    paid = issued(bills)
    services.record_payment(paid, "10.00", date.today(), "card", "", bills.staff)
    with pytest.raises(ValidationError, match="has payments recorded against it, so it cannot "
                                              "be voided: credit it instead"):
        services.void(paid, bills.staff, "wrong amount")
    credited = issued(bills)
    services.issue(services.credit_note(credited, bills.staff, lines=[LINES[2]]), bills.staff)
    with pytest.raises(ValidationError, match="partly credited"):
        services.void(credited, bills.staff, "wrong client")
    void = services.void(issued(bills), bills.staff, "wrong client")
    with pytest.raises(ValidationError, match="already void"):
        services.void(void, bills.staff, "again")
    assert set(Invoice.objects.filter(pk__in=[paid.pk, credited.pk])
               .values_list("state", flat=True)) == {"issued"}


def test_voiding_a_credit_note_gives_the_invoice_its_balance_back(bills):
    invoice = issued(bills)
    note = services.issue(services.credit_note(invoice, bills.staff, lines=[LINES[2]]),
                          bills.staff)
    assert fresh(invoice).balance == Decimal("1182.00")
    services.void(note, bills.staff, "Credited the wrong line")
    assert fresh(invoice).balance == Decimal("1217.00")
    assert fresh(invoice).amount_credited == 0


# ---------------------------------------------------------------------------- credit notes

def test_credit_note_copies_the_invoice_and_takes_off_its_balance(bills):
    invoice = issued(bills)
    note = services.credit_note(invoice, bills.staff)
    assert (note.kind, note.state, note.credits, note.workspace, note.currency) == (
        "credit_note", "draft", fresh(invoice), bills.ws_a, "EUR")
    assert [(line.description, line.quantity, line.unit_price) for line in note.lines.all()] \
        == [(line.description, line.quantity, line.unit_price) for line in invoice.lines.all()]
    assert note.notes == f"Corrects invoice {invoice.number}."
    assert fresh(invoice).amount_credited == 0  # a draft takes nothing off
    services.issue(note, bills.staff)
    assert note.number.startswith("CN-") and note.total == Decimal("1217.00")
    invoice = fresh(invoice)
    assert (invoice.amount_credited, invoice.balance, invoice.status) == (
        Decimal("1217.00"), Decimal("0"), "credited")
    assert visible_to(bills.contact_a, bills, note)


def test_partial_credit_and_the_cap(bills):
    invoice = issued(bills)
    services.record_payment(invoice, "1000.00", date.today(), "card", "", bills.staff)
    # 217.00 is still owed: a credit of 120.00 is fine, then at most 97.00 more.
    goodwill = [{"description": "Goodwill", "quantity": "1", "unit_price": "100.00",
                 "tax_rate": "20"}]
    services.issue(services.credit_note(invoice, bills.staff, lines=goodwill), bills.staff)
    invoice = fresh(invoice)
    assert (invoice.balance, invoice.status) == (Decimal("97.00"), "partly_paid")
    with pytest.raises(ValidationError) as error:
        services.credit_note(invoice, bills.staff, lines=goodwill)
    assert ("This credit note comes to 120.00 EUR but only 97.00 EUR is still owed on "
            f"{invoice.number}") in error.value.messages[0]
    # A copy of every line is made, but cannot be issued for more than is owed.
    full_copy = services.credit_note(invoice, bills.staff)
    with pytest.raises(ValidationError, match="only 97.00 EUR is still owed"):
        services.issue(full_copy, bills.staff)
    assert fresh(full_copy).state == "draft"
    assert fresh(invoice).amount_credited == Decimal("120.00")


def test_what_cannot_be_credited(bills):
    with pytest.raises(ValidationError, match="still a draft"):
        services.credit_note(new_draft(bills), bills.staff)
    with pytest.raises(ValidationError, match="is void"):
        services.credit_note(services.void(issued(bills), bills.staff, "x"), bills.staff)
    paid = issued(bills)
    services.record_payment(paid, "1217.00", date.today(), "card", "", bills.staff)
    with pytest.raises(ValidationError, match="Nothing is owed"):
        services.credit_note(paid, bills.staff)
    invoice = issued(bills)
    note = services.issue(services.credit_note(invoice, bills.staff, lines=[LINES[2]]),
                          bills.staff)
    with pytest.raises(ValidationError, match="is a credit note; a credit note corrects an "
                                              "invoice"):
        services.credit_note(note, bills.staff)
    assert Invoice.objects.filter(kind="credit_note").count() == 1


# ---------------------------------------------------------------------------- duplicate

def test_duplicate_makes_a_fresh_draft_with_the_same_lines(bills):
    original = issued(bills, notes="Thank you!", due_date=date.today() + timedelta(days=3))
    copy = services.duplicate(original, bills.staff)
    assert copy.pk != original.pk
    assert (copy.state, copy.number, copy.issue_date, copy.due_date) == ("draft", "", None, None)
    assert (copy.workspace, copy.currency, copy.kind, copy.notes) == (
        bills.ws_a, "EUR", "invoice", "Thank you!")
    assert copy.bill_to == ""  # filled in from the profile when it is issued
    assert [(line.description, line.quantity, line.unit_price, line.tax_rate, line.discount)
            for line in copy.lines.all()] == [
        (line.description, line.quantity, line.unit_price, line.tax_rate, line.discount)
        for line in original.lines.all()]
    assert services.draft_totals(copy).total == Decimal("1217.00")
    assert not visible_to(bills.contact_a, bills, copy)
    assert fresh(original).lines.count() == 3
    assert services.issue(copy, bills.staff).number.endswith("-0002")
