"""Gap-free invoice and credit-note numbers.

A series is one Site's invoices, or its credit notes, in one year (or for ever when the Site's
`BillingSettings.yearly_reset` is off). Its last number is a `NumberSequence` row. Taking a
number (`next_number`) locks that row with SELECT … FOR UPDATE until the caller's transaction
ends, so concurrent issuers queue up one behind the other and get consecutive numbers; when the
transaction rolls back (a failed issue) the increment rolls back with it and the number is
given to the next issuer: no gap, no duplicate. The row itself is created with INSERT … ON
CONFLICT DO NOTHING, so two first issuers of a new year cannot both create it.

Format, from the Site's billing settings:

- yearly reset on:  prefix + year + "-" + the number on `number_digits` digits: INV-2026-0001;
- yearly reset off: prefix + the number on `number_digits` + 1 digits: INV-00001 (a series
  that never restarts gets one digit more room).

A number longer than its digits is written in full (INV-2026-10000), never cut.
"""

from django.db import connection, transaction
from wagtail.models import Site

from .models import BillingSettings, Invoice, NumberSequence

INVOICE = Invoice.Kind.INVOICE.value
CREDIT_NOTE = Invoice.Kind.CREDIT_NOTE.value
SERIES = (INVOICE, CREDIT_NOTE)


def settings_for(site):
    site = site or Site.objects.filter(is_default_site=True).first()
    return BillingSettings.for_site(site) if site else BillingSettings()


def prefix_for(settings, series):
    return settings.credit_note_prefix if series == CREDIT_NOTE else settings.invoice_prefix


def format_number(settings, series, year, number):
    """The number as printed: see the module's docstring."""
    prefix = prefix_for(settings, series)
    if year:
        return f"{prefix}{year}-{number:0{settings.number_digits}d}"
    return f"{prefix}{number:0{settings.number_digits + 1}d}"


def series_year(settings, on_date):
    return on_date.year if settings.yearly_reset else 0


def _lock_sequence(site, series, year):
    """The series' row, created if missing, locked until the transaction ends."""
    NumberSequence.objects.bulk_create(
        [NumberSequence(site=site, series=series, year=year, last=0)], ignore_conflicts=True)
    return NumberSequence.objects.select_for_update().get(site=site, series=series, year=year)


def next_number(site, series, on_date):
    """Take the next number of `series` ("invoice" or "credit_note") for the Site, dated
    `on_date` (its year picks the series when numbering restarts yearly).

    Must run inside the transaction that stores the number: the sequence row stays locked
    until it commits, and a rollback gives the number back.
    """
    if series not in SERIES:
        raise ValueError(f"Unknown number series {series!r}")
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() must be called inside transaction.atomic()")
    site = site or Site.objects.get(is_default_site=True)
    settings = settings_for(site)
    year = series_year(settings, on_date)
    with transaction.atomic():
        sequence = _lock_sequence(site, series, year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return format_number(settings, series, year, sequence.last)


def peek(site, series, on_date):
    """The number the next issue would get (for display; takes nothing, locks nothing)."""
    site = site or Site.objects.get(is_default_site=True)
    settings = settings_for(site)
    year = series_year(settings, on_date)
    last = (NumberSequence.objects.filter(site=site, series=series, year=year)
            .values_list("last", flat=True).first()) or 0
    return format_number(settings, series, year, last + 1)
