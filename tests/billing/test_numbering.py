"""Invoice numbers: consecutive per series, yearly reset, credit notes apart, and no gap or
duplicate when 20 threads issue at once on PostgreSQL or when an issue fails."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from wagtail.models import Locale, Page, Site

from billing import audience, numbering, services
from billing.models import BillingSettings, Invoice, NumberSequence

from ..conftest import build_billing, build_world

LINE = {"description": "Advisory work", "quantity": "2", "unit_price": "100.00",
        "tax_rate": "20"}


def draft(w, **fields):
    return services.create_draft(w.ws_a, w.staff, [LINE], **fields)


def issued_numbers(w, kind=Invoice.Kind.INVOICE):
    return list(Invoice.objects.filter(workspace__in=[w.ws_a, w.ws_b], kind=kind)
                .exclude(number__startswith="INV-T-").exclude(number="")
                .order_by("number").values_list("number", flat=True))


def billing_settings(w, **values):
    settings = BillingSettings.for_site(w.site)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


# ---------------------------------------------------------------------------- series

def test_consecutive_numbers_in_the_issue_year(bills):
    year = date.today().year
    numbers = [services.issue(draft(bills), bills.staff).number for _ in range(3)]
    assert numbers == [f"INV-{year}-0001", f"INV-{year}-0002", f"INV-{year}-0003"]
    assert NumberSequence.objects.get(site=bills.site, series="invoice", year=year).last == 3


def test_yearly_reset_follows_the_issue_date(bills):
    issue = lambda day: services.issue(draft(bills, issue_date=day), bills.staff).number  # noqa: E731
    assert issue(date(2025, 12, 30)) == "INV-2025-0001"
    assert issue(date(2025, 12, 31)) == "INV-2025-0002"
    assert issue(date(2026, 1, 2)) == "INV-2026-0001"
    assert issue(date(2025, 12, 31)) == "INV-2025-0003"


def test_numbering_that_never_restarts_and_other_formats(bills):
    billing_settings(bills, yearly_reset=False, invoice_prefix="F")
    assert services.issue(draft(bills, issue_date=date(2025, 6, 1)), bills.staff).number \
        == "F00001"
    assert services.issue(draft(bills, issue_date=date(2026, 6, 1)), bills.staff).number \
        == "F00002"
    billing_settings(bills, yearly_reset=True, number_digits=6, invoice_prefix="ACME/")
    assert services.issue(draft(bills, issue_date=date(2026, 6, 1)), bills.staff).number \
        == "ACME/2026-000001"


def test_a_number_longer_than_its_digits_is_written_in_full(bills):
    settings = billing_settings(bills, number_digits=3)
    assert numbering.format_number(settings, "invoice", 2026, 7) == "INV-2026-007"
    assert numbering.format_number(settings, "invoice", 2026, 12345) == "INV-2026-12345"


def test_credit_notes_have_their_own_series(bills):
    year = date.today().year
    first = services.issue(draft(bills), bills.staff)
    note = services.issue(services.credit_note(first, bills.staff), bills.staff)
    second = services.issue(draft(bills), bills.staff)
    assert (first.number, note.number, second.number) == (
        f"INV-{year}-0001", f"CN-{year}-0001", f"INV-{year}-0002")


def test_peek_takes_no_number(bills):
    year = date.today().year
    assert numbering.peek(bills.site, "invoice", date.today()) == f"INV-{year}-0001"
    assert numbering.peek(bills.site, "invoice", date.today()) == f"INV-{year}-0001"
    assert services.issue(draft(bills), bills.staff).number == f"INV-{year}-0001"


def test_next_number_knows_only_two_series(bills):
    with transaction.atomic(), pytest.raises(ValueError):
        numbering.next_number(bills.site, "receipt", date.today())


def test_a_failed_issue_gives_its_number_back(bills, monkeypatch):
    year = date.today().year
    doomed, later = draft(bills), draft(bills)
    real_sync = audience.sync_invoices

    def fail(*args, **kwargs):
        raise RuntimeError("the grant table is gone")

    # The number is taken, then something fails before the transaction commits.
    monkeypatch.setattr(audience, "sync_invoices", fail)
    with pytest.raises(RuntimeError):
        services.issue(doomed, bills.staff)
    doomed.refresh_from_db()
    assert (doomed.state, doomed.number) == ("draft", "")
    assert not NumberSequence.objects.filter(series="invoice", year=year, last__gt=0).exists()

    monkeypatch.setattr(audience, "sync_invoices", real_sync)
    assert services.issue(later, bills.staff).number == f"INV-{year}-0001"
    assert services.issue(doomed, bills.staff).number == f"INV-{year}-0002"


def test_a_refused_issue_takes_no_number(bills):
    year = date.today().year
    empty = services.create_draft(bills.ws_a, bills.staff, [])
    with pytest.raises(ValidationError):
        services.issue(empty, bills.staff)
    assert services.issue(draft(bills), bills.staff).number == f"INV-{year}-0001"


def test_a_number_taken_by_another_site_is_refused_clearly(bills):
    # Invoice numbers are unique across the database; a second Site with the same prefix would
    # collide. The issue is refused with advice, and the draft stays a draft.
    year = date.today().year
    Invoice.objects.filter(pk=bills.invoice_b.pk).update(number=f"INV-{year}-0001")
    victim = draft(bills)
    with pytest.raises(ValidationError, match="Give each Site its own number prefix"):
        services.issue(victim, bills.staff)
    victim.refresh_from_db()
    assert victim.state == "draft"


# ---------------------------------------------------------------------------- concurrency

def _wagtail_baseline():
    """A transactional test flushes the rows that migrations made (locale, root page, default
    Site); build them again when an earlier one ran."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code="en")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root",
                                    content_type=ContentType.objects.get_for_model(Page)))
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80,
                            root_page=Page.get_first_root_node(), is_default_site=True)


def _issue_all_at_once(drafts, staff, fail_ids=()):
    """Issue every draft from its own thread (its own PostgreSQL connection), all released at
    the same moment. Drafts in `fail_ids` fail after taking their number."""
    barrier = threading.Barrier(len(drafts))
    results, errors = {}, {}

    def work(invoice):
        try:
            barrier.wait(timeout=30)
            if invoice.pk in fail_ids:
                with transaction.atomic():
                    services.issue(invoice, staff)
                    raise RuntimeError("failed after the number was taken")
            results[invoice.pk] = services.issue(invoice, staff).number
        except Exception as error:  # noqa: BLE001 - reported below
            errors[invoice.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(invoice,)) for invoice in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_issuing_at_once_get_consecutive_numbers(mailoutbox):
    _wagtail_baseline()
    w = build_billing(build_world())
    year = date.today().year
    drafts = [draft(w) for _ in range(20)]
    assert not NumberSequence.objects.exists()  # the first issuers race to create the row
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        numbering.next_number(w.site, "invoice", date.today())  # it would not hold the lock

    results, errors = _issue_all_at_once(drafts, w.staff)

    assert errors == {}
    numbers = sorted(results.values())
    assert numbers == [f"INV-{year}-{n:04d}" for n in range(1, 21)]
    assert issued_numbers(w) == numbers
    assert NumberSequence.objects.get(series="invoice", year=year).last == 20
    for invoice in Invoice.objects.filter(pk__in=[d.pk for d in drafts]):
        assert invoice.state == "issued"
        assert invoice.total == Decimal("240.00")
    # Each committed issue emailed A's one billing contact who may see it.
    assert len(mailoutbox) == 20
    assert {tuple(message.to) for message in mailoutbox} == {("ann@alpha.test",)}


@pytest.mark.django_db(transaction=True)
def test_failures_among_concurrent_issues_leave_no_gap():
    _wagtail_baseline()
    w = build_billing(build_world())
    year = date.today().year
    drafts = [draft(w) for _ in range(20)]
    failing = {invoice.pk for invoice in drafts[::4]}  # 5 of them

    results, errors = _issue_all_at_once(drafts, w.staff, fail_ids=failing)

    assert set(errors) == failing
    assert all(isinstance(error, RuntimeError) for error in errors.values())
    assert sorted(results.values()) == [f"INV-{year}-{n:04d}" for n in range(1, 16)]
    assert issued_numbers(w) == sorted(results.values())
    assert set(Invoice.objects.filter(pk__in=failing).values_list("state", "number")) == {
        ("draft", "")}
    # The failed ones issue later with the next numbers.
    later = [services.issue(invoice, w.staff).number
             for invoice in Invoice.objects.filter(pk__in=failing).order_by("pk")]
    assert later == [f"INV-{year}-{n:04d}" for n in range(16, 21)]
