"""Statements of account and what a contact owes, computed from the invoices they may see.

A statement covers a period (two dates, both included) and has one account per currency:

- the opening balance is everything dated before the period: invoices (what was billed) less
  credit notes and payments;
- the entries are the invoices (by issue date), credit notes (by issue date) and payments (by
  payment date) inside the period, in date order (on one day: invoices, then credit notes, then
  payments), each with the running balance after it;
- the closing balance is the opening balance plus the period's invoices less its credit notes
  and payments.

Drafts never appear (the caller passes what `access.visible` gives, which leaves drafts out);
void invoices and credit notes are left out with their payments, since nothing was owed on
them. A credit note counts as a credit whatever the sign of its total. The balance is what
the client owes the firm: negative means the client is in credit.

`owed()` is the same arithmetic over all time, for the invoice list's summary and the
dashboard panel: so what a contact is told they owe is the closing balance of a statement that
ends today.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from . import money
from .models import Invoice, Payment

ZERO = Decimal("0")

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"
PAYMENT = "payment"
_ORDER = {INVOICE: 0, CREDIT_NOTE: 1, PAYMENT: 2}


def places(currency):
    """The `floatformat` argument that shows an amount of `currency` (grouped thousands)."""
    return f"{money.exponent(currency)}g"


@dataclass
class Entry:
    date: date
    kind: str
    invoice: Invoice  # the document, or the invoice a payment was made on
    debit: Decimal = ZERO  # billed: raises the balance
    credit: Decimal = ZERO  # credited or paid: lowers it
    payment: Payment = None
    balance: Decimal = ZERO  # after this entry

    @property
    def sort_key(self):
        return (self.date, _ORDER[self.kind], self.invoice.number, self.invoice.pk,
                self.payment.pk if self.payment else 0)

    @property
    def amount(self):
        return self.debit - self.credit


@dataclass
class Account:
    currency: str
    opening: Decimal = ZERO
    entries: list = field(default_factory=list)
    closing: Decimal = ZERO
    debits: Decimal = ZERO
    credits: Decimal = ZERO

    @property
    def places(self):
        return places(self.currency)

    @property
    def closing_amount(self):
        """The closing balance without its sign (what is owed, or the credit)."""
        return abs(self.closing)


@dataclass
class Statement:
    start: date
    end: date
    accounts: list = field(default_factory=list)  # Account, by currency

    @property
    def is_empty(self):
        return not self.accounts


def default_period(today=None):
    """The last three months: from the same day three months ago (or the month's last day
    when it has no such day) to today."""
    today = today or timezone.localdate()
    month = today.month - 3
    year = today.year
    if month < 1:
        month += 12
        year -= 1
    day = min(today.day, calendar.monthrange(year, month)[1])
    return date(year, month, day), today


def _document_date(invoice):
    if invoice.issue_date:
        return invoice.issue_date
    return timezone.localdate(invoice.issued_at) if invoice.issued_at else None


def entries(invoices, until=None):
    """Every entry of the given invoices (a queryset the access policy gave), dated up to
    `until` (included), unsorted. Two queries."""
    documents = invoices.exclude(state__in=[Invoice.State.DRAFT, Invoice.State.VOID])
    rows = []
    for invoice in documents.order_by():
        when = _document_date(invoice)
        if when is None or (until is not None and when > until):
            continue
        if invoice.kind == Invoice.Kind.CREDIT_NOTE:
            rows.append(Entry(when, CREDIT_NOTE, invoice, credit=abs(invoice.total)))
        else:
            rows.append(Entry(when, INVOICE, invoice, debit=invoice.total))
    payments = Payment.objects.filter(invoice__in=documents.values("pk")).select_related(
        "invoice")
    if until is not None:
        payments = payments.filter(date__lte=until)
    for payment in payments.order_by():
        rows.append(Entry(payment.date, PAYMENT, payment.invoice, credit=payment.amount,
                          payment=payment))
    return rows


def build(invoices, start, end):
    """The statement of the given invoices (what `access.visible` gives) from `start` to
    `end`, both included."""
    accounts = {}
    for entry in entries(invoices, until=end):
        currency = entry.invoice.currency
        account = accounts.setdefault(currency, Account(currency))
        if entry.date < start:
            account.opening += entry.amount
        else:
            account.entries.append(entry)
    result = Statement(start, end)
    for currency in sorted(accounts):
        account = accounts[currency]
        account.entries.sort(key=lambda e: e.sort_key)
        running = account.opening
        for entry in account.entries:
            running += entry.amount
            entry.balance = running
            account.debits += entry.debit
            account.credits += entry.credit
        account.closing = running
        if account.entries or account.opening:
            result.accounts.append(account)
    return result


@dataclass
class Owed:
    currency: str
    balance: Decimal = ZERO  # what the client owes (negative: in credit)
    overdue: Decimal = ZERO  # the part of it on invoices past their due date
    open_invoices: int = 0
    next_due: Invoice = None  # the open invoice due first

    @property
    def places(self):
        return places(self.currency)

    @property
    def in_credit(self):
        return self.balance < 0

    @property
    def credit(self):
        return -self.balance


def owed(invoices, today=None):
    """What the client owes per currency today, from the invoices the contact may see.

    The balance is a statement's closing balance today; the overdue part and the next due
    invoice come from each open invoice's own balance. Currencies with nothing owed and
    nothing overdue are left out. Three queries.
    """
    today = today or timezone.localdate()
    totals = {}
    for entry in entries(invoices):
        row = totals.setdefault(entry.invoice.currency, Owed(entry.invoice.currency))
        row.balance += entry.amount
    open_invoices = invoices.filter(kind=Invoice.Kind.INVOICE, state=Invoice.State.ISSUED)
    for invoice in open_invoices.order_by("due_date", "issue_date", "pk"):
        if invoice.balance <= 0:
            continue
        row = totals.setdefault(invoice.currency, Owed(invoice.currency))
        row.open_invoices += 1
        if invoice.due_date and invoice.due_date < today:
            row.overdue += invoice.balance
        elif row.next_due is None:
            row.next_due = invoice
    return [totals[c] for c in sorted(totals) if totals[c].balance or totals[c].overdue]
