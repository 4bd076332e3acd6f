"""The invoice PDF read back: its text (number, lines, totals, tax summary, stamp), its pages
(1,000 lines, the header on every page), the renderer fetching nothing a user typed, and the
cache (the same invoice is laid out once; a change makes a new PDF)."""

import http.server
import io
import threading
import urllib.request
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from billing import services
from billing.models import BillingSettings, Invoice
from billing.pdf import invoice_filename, invoice_pdf
from workspaces import pdf as renderer

from ..served import assert_served_safely
from .test_portal import make_invoice, pay

pytestmark = pytest.mark.django_db


def pages_text(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def text_of(content):
    return "\n".join(pages_text(content))


@pytest.fixture
def seller(bills):
    settings = BillingSettings.for_site(bills.site)
    settings.firm_name = "Acme Advisers LLP"
    settings.firm_address = "10 Quay Street\nBristol BS1 4DJ"
    settings.tax_id = "GB123456789"
    settings.payment_instructions = "Pay to IBAN GB00 ACME 1234 5678"
    settings.save()
    return settings


@pytest.fixture
def renders(monkeypatch):
    """Counts the layouts WeasyPrint actually runs (cache hits do not count)."""
    calls = []
    original = renderer._write_pdf

    def counting(html, fetcher):
        calls.append(html)
        return original(html, fetcher)

    monkeypatch.setattr(renderer, "_write_pdf", counting)
    return calls


def test_invoice_pdf_says_what_the_invoice_says(bills, seller):
    invoice = make_invoice(
        bills.ws_a, "INV-2026-0042",
        [("Bookkeeping, March", "10", "85.00", "20"),
         ("Payroll run", "1", "150.00", "20"),
         ("Company filing fee", "1", "40.00", "0"),
         ("Advisory hours", "2.5", "120.00", "5.5", "10")],
        issue_date=date(2026, 3, 31), due_date=date(2026, 4, 30),
        bill_to="Alpha Holdings Ltd\n1 Market Street",
        notes="Thank you for your business.")
    text = text_of(invoice_pdf(invoice))
    for expected in ("INV-2026-0042", "Invoice", "2026-03-31", "2026-04-30",
                     "Acme Advisers LLP", "10 Quay Street", "GB123456789",
                     "Alpha Holdings Ltd", "1 Market Street",
                     "Bookkeeping, March", "Payroll run", "Company filing fee",
                     "Advisory hours", "Thank you for your business.",
                     "Pay to IBAN GB00 ACME 1234 5678", "Please quote INV-2026-0042"):
        assert expected in text, expected
    # Lines: 850.00, 150.00, 40.00, 2.5 × 120 − 10 % = 270.00 (net 1,310.00)
    for amount in ("850.00", "150.00", "40.00", "270.00", "1,310.00"):
        assert amount in text, amount
    # Tax summary per rate: 0 % on 40.00 → 0.00; 5.5 % on 270.00 → 14.85;
    # 20 % on 1,000.00 → 200.00. Tax 214.85, total 1,524.85
    assert "Tax summary" in text
    assert "5.5 %" in text and "14.85" in text
    assert "20 %" in text and "1,000.00" in text and "200.00" in text
    assert "214.85 EUR" in text
    assert "1,524.85 EUR" in text
    assert "Balance due" in text
    assert "PAID" not in text and "VOID" not in text
    assert "Page 1 / 1" in text


def test_paid_invoice_carries_a_paid_stamp_and_its_payments(bills, seller):
    pay(bills.invoice_a, "1200.00", reference="TRX-77")
    text = text_of(invoice_pdf(bills.invoice_a))
    assert "PAID" in text
    assert "Payments received" in text and "TRX-77" in text
    assert "Balance due 0.00 EUR" in text


def test_void_invoice_carries_a_void_stamp_and_no_payment_instructions(bills, seller):
    services.void(bills.invoice_a, bills.staff, "Raised in error")
    text = text_of(invoice_pdf(bills.invoice_a))
    assert "VOID" in text
    assert "nothing is owed on it" in text and "Raised in error" in text
    assert "PAID" not in text
    assert "Pay to IBAN" not in text
    assert "Balance due" not in text


def test_credit_note_names_the_invoice_it_corrects(bills, seller):
    note = make_invoice(bills.ws_a, "CN-T-0001", [("Goodwill credit", "1", "100.00", "20")],
                        kind=Invoice.Kind.CREDIT_NOTE, credits=bills.invoice_a)
    text = text_of(invoice_pdf(note))
    assert "Credit note" in text and "CN-T-0001" in text
    assert "corrects invoice INV-T-0001" in text
    assert "120.00 EUR" in text
    # The corrected invoice lists it, and shows what is left to pay: 1,200 − 120
    text = text_of(invoice_pdf(Invoice.objects.get(pk=bills.invoice_a.pk)))
    assert "CN-T-0001" in text
    assert "1,080.00 EUR" in text


def test_filename_is_the_number():
    assert invoice_filename(Invoice(number="INV-2026-0001")) == "INV-2026-0001.pdf"
    assert invoice_filename(Invoice(number="INV/2026 01")) == "INV-2026-01.pdf"
    assert invoice_filename(Invoice(pk=7, kind="credit_note")) == "draft-credit-note-7.pdf"


def test_a_thousand_lines_make_pages_that_each_carry_the_header(bills, seller):
    lines = [(f"Timesheet entry {n:04d}", "1", "12.50", "20") for n in range(1, 1001)]
    invoice = make_invoice(bills.ws_a, "INV-T-1000", lines)
    pages = pages_text(invoice_pdf(invoice))
    assert len(pages) > 10
    with_lines = [text for text in pages if "Timesheet entry" in text]
    assert len(with_lines) >= len(pages) - 1  # the totals may spill onto a page of their own
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in text
        if "Timesheet entry" in text:
            assert "Description" in text and "Unit price" in text and "Amount" in text, number
    everything = "\n".join(pages)
    assert "Timesheet entry 0001" in everything and "Timesheet entry 1000" in everything
    # 1,000 × 12.50 = 12,500.00 net, 2,500.00 tax, 15,000.00 total, on the last page
    assert "15,000.00 EUR" in pages[-1]
    assert "2,500.00" in pages[-1]


class Recorder(http.server.BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recording_server():
    Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Recorder.requests
    server.shutdown()
    server.server_close()


def test_urls_in_what_people_typed_are_never_fetched(bills, seller, recording_server):
    server, requests = recording_server
    base = f"http://127.0.0.1:{server.server_address[1]}"
    img = f'<img src="{base}/line.png">'
    bill_to = (f'Evil Ltd <style>@import url("{base}/import.css"); '
               f'body {{ background: url({base}/bg.png) }}</style>'
               f'<div style="background-image: url({base}/inline.png)">x</div>')
    invoice = make_invoice(
        bills.ws_a, "INV-T-0666", [(img, "1", "10.00", "0"),
                                   (f'<link rel="stylesheet" href="{base}/link.css">', "1",
                                    "1.00", "0")],
        bill_to=bill_to, notes=f'<iframe src="{base}/frame"></iframe>',
        payment_instructions=f"<object data='{base}/object'></object>")
    bills.ws_a.billing.bill_to = f"<img src='{base}/profile.png'>"
    bills.ws_a.billing.save()
    text = text_of(invoice_pdf(invoice))
    assert requests == []
    # The markup is shown as the text it is
    assert img in text
    assert "@import url(" in text
    # The server works: a request made on purpose is recorded
    with urllib.request.urlopen(f"{base}/control") as response:  # noqa: S310 (a test)
        assert response.status == 200
    assert requests == ["/control"]


def test_same_invoice_is_rendered_once_and_again_when_it_changes(bills, seller, renders):
    first = invoice_pdf(bills.invoice_a)
    again = invoice_pdf(Invoice.objects.get(pk=bills.invoice_a.pk))
    assert again == first
    assert len(renders) == 1
    assert "PAID" not in text_of(first)

    pay(bills.invoice_a, "1200.00")
    paid = invoice_pdf(Invoice.objects.get(pk=bills.invoice_a.pk))
    assert len(renders) == 2
    assert paid != first
    assert "PAID" in text_of(paid)
    invoice_pdf(Invoice.objects.get(pk=bills.invoice_a.pk))
    assert len(renders) == 2


def test_download_is_served_from_the_cache(bills, seller, renders, client_for):
    from django.urls import reverse

    url = reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk])
    client = client_for(bills.contact_a)
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(renders) == 1
    assert "INV-T-0001" in text_of(second.content)


def test_invoice_pdf_carries_the_headers_of_every_served_file(bills, seller, client_for):
    from django.urls import reverse

    portal = client_for(bills.contact_a).get(
        reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]))
    admin = client_for(bills.staff).get(
        reverse("billing_admin:pdf", args=[bills.invoice_a.pk]))
    for response in (portal, admin):
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "INV-T-0001" in text_of(response.content)
        assert_served_safely(response, "INV-T-0001.pdf")
        # (the admin adds Django's never_cache to it)
        assert "no-store" in response["Cache-Control"].split(", ")


def test_overdue_invoice_has_no_stamp_but_says_overdue(bills, seller):
    late = make_invoice(bills.ws_a, "INV-T-0009", [("Late work", "1", "10.00", "0")],
                        issue_date=date.today() - timedelta(days=40),
                        due_date=date.today() - timedelta(days=10))
    text = text_of(invoice_pdf(late))
    assert "Overdue" in text
    assert "PAID" not in text and "VOID" not in text


def test_a_failed_render_sends_the_contact_back_with_a_message(bills, client_for,
                                                               monkeypatch):
    from django.urls import reverse

    def too_slow(html, fetcher):
        raise renderer.PDFTimeout("took too long")

    monkeypatch.setattr(renderer, "_write_pdf", too_slow)
    client = client_for(bills.contact_a)
    page_url = reverse("billing:invoice", args=["alpha", bills.invoice_a.pk])
    response = client.get(reverse("billing:invoice_pdf", args=["alpha", bills.invoice_a.pk]))
    assert response.status_code == 302
    assert response["Location"] == page_url
    html = client.get(page_url).content.decode()
    assert "The PDF could not be made just now" in html
