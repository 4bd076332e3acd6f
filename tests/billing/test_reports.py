"""Monthly workspace reports: what the PDF says (read back with pypdf), what it leaves out,
failures that leave nothing behind, the contact's list and downloads, and the monthly command.
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing import charts, reports, tasks
from billing.models import Invoice, Payment, Report, WorkspaceBilling
from documents import approvals, services
from documents.models import ApprovalDecision, File
from workspaces import pdf as portal_pdf

from ..factories import publish
from ..samples import pdf_upload
from ..served import assert_served_safely

pytestmark = pytest.mark.django_db


def _previous_month():
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _text(data):
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"[ \t]+", " ", text)


def _report_files():
    return sorted(p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*")
                  if p.is_file() and "reports" in p.parts)


@pytest.fixture
def month_world(docs, bills):
    """Workspace A with activity last month: two files added (one in the shared folder), a
    staff-only file and a trashed file (neither may show), an approval decided, an invoice
    issued and partly paid; B has a file that month too. Everything is moved into the month
    by setting its dates."""
    w = docs  # with `bills`: the invoices and reports too
    month = _previous_month()
    w.month = month
    File.objects.filter(pk__in=[w.file_a.pk, w.file_a_shared.pk, w.file_b.pk]).update(
        created_at=_at(month.replace(day=3)))
    File.objects.filter(pk=w.image_a.pk).update(created_at=_at(month.replace(day=5)))
    w.staff_file = services.add_file(w.folder_a_staff, pdf_upload("internal-risk-memo.pdf"),
                                     user=w.staff)
    w.trashed = services.add_file(w.folder_a_shared, pdf_upload("withdrawn-draft.pdf"),
                                  user=w.staff)
    services.trash_file(w.trashed, user=w.staff)
    File.objects.filter(pk__in=[w.staff_file.pk, w.trashed.pk]).update(
        created_at=_at(month.replace(day=7)))
    decision = approvals.decide(w.approval_a, w.contact_a, ApprovalDecision.Decision.APPROVED)
    ApprovalDecision.objects.filter(pk=decision.pk).update(decided_at=_at(month.replace(day=9)))
    # An approval on a file everyone in A sees.
    w.approval_shared = approvals.request_approval(w.file_a_shared, [w.contact_a],
                                                   "Please approve the handbook.", None, w.staff)
    decision = approvals.decide(w.approval_shared, w.contact_a,
                                ApprovalDecision.Decision.APPROVED)
    ApprovalDecision.objects.filter(pk=decision.pk).update(decided_at=_at(month.replace(day=9)))
    Invoice.objects.filter(pk=w.invoice_a.pk).update(
        issue_date=month.replace(day=12), due_date=month.replace(day=12) + timedelta(days=30))
    Payment.objects.create(invoice=w.invoice_a, amount=Decimal("500.00"),
                           date=month.replace(day=20), reference="Transfer 42")
    Invoice.objects.filter(pk=w.invoice_a.pk).update(amount_paid=Decimal("500.00"))
    Invoice.objects.filter(pk=w.invoice_b.pk).update(issue_date=month.replace(day=12))
    return w


def _make(w, django_capture_on_commit_callbacks, month=None, workspace=None):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.request_report(workspace or w.ws_a, month or w.month, user=w.staff)
    report.refresh_from_db()
    return report


def test_report_names_the_months_files_decisions_invoices_and_balance(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    report = _make(w, django_capture_on_commit_callbacks)
    assert report.state == Report.State.READY, report.error
    data = report.pdf.read()
    text = _text(data)
    flat = re.sub(r"\s+", " ", text)
    assert "Workspace A" in text
    assert reports.month_label(w.month) in text  # "October 2026"
    assert "Monthly report" in text and "Acme Advisers Portal" in text
    # Files added: name, folder, who; only files everyone in the workspace may see, since
    # the report is one document for all its readers.
    assert "handbook.pdf" in text and "Shared" in text
    for secret in ("salaries.pdf", "chart.png", "Payroll"):
        assert secret not in text
    # (One word: a long line may wrap, and a page break may fall between first and last name.)
    assert w.staff.last_name in flat
    # The approval decided, with its version and who.
    assert "Approvals decided" in text
    assert "Approved" in text and "Ann" in text
    # The invoice issued, its total, the payment, and what is owed at month end.
    assert "INV-T-0001" in text
    assert "1,200.00 EUR" in flat
    assert "500.00 EUR" in flat
    assert "Bank transfer" in text
    assert "700.00 EUR" in flat  # 1,200.00 invoiced less 500.00 paid
    # The stored facts match the file.
    import hashlib

    assert report.size == len(data)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.pages == len(PdfReader(BytesIO(data)).pages) >= 1
    assert report.generated_at is not None
    assert report.requested_by == w.staff


def test_report_leaves_out_staff_only_trashed_and_other_workspaces_files(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    text = _text(_make(w, django_capture_on_commit_callbacks).pdf.read())
    assert "internal-risk-memo.pdf" not in text
    assert "Internal" not in text  # the staff-only folder's name
    assert "withdrawn-draft.pdf" not in text
    assert "beta.pdf" not in text and "Beta files" not in text
    assert "INV-T-0002" not in text  # B's invoice


def test_files_and_decisions_outside_the_month_are_not_in_it(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    before = (w.month - timedelta(days=1)).replace(day=1)
    text = _text(_make(w, django_capture_on_commit_callbacks, month=before).pdf.read())
    assert reports.month_label(before) in text
    assert "salaries.pdf" not in text and "INV-T-0001" not in text
    assert "No file was added this month." in text
    assert "No approval was decided this month." in text
    assert "No invoice was issued this month." in text


def test_billing_figures_stay_out_when_a_report_reader_does_not_see_invoices(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    profile = WorkspaceBilling.objects.get(workspace=w.ws_a)
    profile.report_audience = WorkspaceBilling.Audience.WORKSPACE  # contact_a2 reads reports
    profile.save()
    text = _text(_make(w, django_capture_on_commit_callbacks).pdf.read())
    assert "handbook.pdf" in text
    assert "INV-T-0001" not in text and "700.00" not in text
    assert "Invoices issued and paid" not in text


def test_sections_follow_the_workspace_tools(month_world, django_capture_on_commit_callbacks):
    w = month_world
    w.ws_a.enabled_tools = ["reports", "billing"]
    publish(w.ws_a)
    text = _text(_make(w, django_capture_on_commit_callbacks).pdf.read())
    assert "salaries.pdf" not in text and "Approvals decided" not in text
    assert "INV-T-0001" in text


def test_report_carries_charts_in_the_firms_colours(month_world):
    w = month_world
    w.firm.primary_color = "#123456"
    w.firm.save()
    report = Report.objects.create(workspace=w.ws_a, month=w.month)
    context = reports.build_context(report, portal_pdf.branding(site=w.site))
    html = portal_pdf.render_html("pdf/report.html", context, site=w.site)
    assert html.count("<svg") == 2  # files per day, invoiced and paid per week
    assert 'fill="#123456"' in html
    assert "Files added per day" in html


def test_charts_escape_text_and_refuse_odd_colours():
    svg = charts.bar_chart(["<b>1</b>", "2"], [3, 0], title='<script>alert("x")</script>',
                           colour_hex="red;background:url(http://x)")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "&lt;b&gt;1&lt;/b&gt;" in svg
    assert "url(" not in svg and charts.FALLBACK in svg
    grouped = charts.grouped_bar_chart(["1–7"], [("Paid & <due>", "#00ff00", [Decimal("12.5")])])
    assert "Paid &amp; &lt;due&gt;" in grouped and 'fill="#00ff00"' in grouped
    assert charts.nice_max(Decimal("7")) == 10 and charts.nice_max(0) == 1
    assert charts.nice_max(Decimal("1200")) == 2000


def test_a_failing_render_marks_the_report_failed_and_stores_nothing(
        month_world, django_capture_on_commit_callbacks, monkeypatch):
    w = month_world

    def broken(*args, **kwargs):
        raise portal_pdf.PDFTimeout("The PDF took longer than 30 seconds to render.")

    monkeypatch.setattr(portal_pdf, "render_pdf", broken)
    before = _report_files()
    report = _make(w, django_capture_on_commit_callbacks)
    assert report.state == Report.State.FAILED
    assert "longer than 30 seconds" in report.error
    assert not report.pdf and report.size == 0 and report.sha256 == ""
    assert _report_files() == before
    assert report not in Report.objects.filter(reportuserobjectpermission__isnull=False)


def test_a_failing_save_leaves_no_half_written_file(
        month_world, django_capture_on_commit_callbacks, monkeypatch):
    w = month_world
    from billing import audience

    def broken(*args, **kwargs):
        raise RuntimeError("grant table unavailable")

    monkeypatch.setattr(audience, "sync_reports", broken)
    before = _report_files()
    report = _make(w, django_capture_on_commit_callbacks)
    assert report.state == Report.State.FAILED
    assert "grant table unavailable" in report.error
    assert not report.pdf
    assert _report_files() == before


def test_future_months_are_refused_and_the_current_month_is_allowed(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=15)
    with pytest.raises(ValidationError) as refused:
        reports.request_report(w.ws_a, next_month)
    assert "has not started yet" in refused.value.messages[0]
    assert not Report.objects.filter(month=next_month.replace(day=1)).exists()
    report = _make(w, django_capture_on_commit_callbacks, month=timezone.localdate())
    assert report.state == Report.State.READY
    assert report.month == timezone.localdate().replace(day=1)
    assert "month in progress" in _text(report.pdf.read())


def test_making_a_month_again_replaces_the_earlier_report(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    first = _make(w, django_capture_on_commit_callbacks)
    first_file = Path(first.pdf.path)
    second = _make(w, django_capture_on_commit_callbacks)
    assert second.state == Report.State.READY and second.pk != first.pk
    assert list(Report.objects.filter(workspace=w.ws_a, month=w.month)) == [second]
    assert not first_file.exists()


def test_parse_month_messages():
    assert reports.parse_month("2026-10").isoformat() == "2026-10-01"
    for bad in ("October", "2026-13", "2026/10", ""):
        with pytest.raises(ValidationError) as refused:
            reports.parse_month(bad)
        assert "YYYY-MM" in refused.value.messages[0]


def test_page_count_without_a_pdf_library(month_world, django_capture_on_commit_callbacks):
    w = month_world
    # Enough files for several pages.
    for number in range(120):
        services.add_file(w.folder_a_shared, pdf_upload(f"receipt-{number:03}.pdf"),
                          user=w.contact_a)
    File.objects.filter(name__startswith="receipt-").update(
        created_at=_at(w.month.replace(day=14)))
    report = _make(w, django_capture_on_commit_callbacks)
    pages = len(PdfReader(BytesIO(report.pdf.read())).pages)
    assert pages >= 3
    assert report.pages == pages
    assert tasks.count_pages(report.pdf.open("rb").read()) == pages


# ---------------------------------------------------------------------------- the portal

def test_the_list_shows_ready_reports_to_report_contacts_only(
        month_world, django_capture_on_commit_callbacks, client_for):
    w = month_world
    made = _make(w, django_capture_on_commit_callbacks)
    queued = Report.objects.create(workspace=w.ws_a, month=w.month.replace(year=w.month.year - 1))
    failed = Report.objects.create(workspace=w.ws_a, month=w.month.replace(year=w.month.year - 2),
                                   state=Report.State.FAILED, error="boom")
    from billing import audience

    audience.sync_reports(w.ws_a, [queued, failed])
    response = client_for(w.contact_a).get(reverse("reports:list", args=["alpha"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reports.month_label(w.month) in page
    assert reverse("reports:download", args=["alpha", made.pk]) in page
    assert reverse("reports:download", args=["alpha", w.report_a.pk]) in page
    assert reverse("reports:download", args=["alpha", queued.pk]) not in page
    assert reverse("reports:download", args=["alpha", failed.pk]) not in page
    assert reports.month_label(queued.month) not in page
    assert reports.month_label(failed.month) not in page
    # Not a report contact, or not a member: no list.
    for user in (w.contact_a2, w.contact_b):
        assert client_for(user).get(
            reverse("reports:list", args=["alpha"])).status_code == 404


def test_download_is_the_pdf_as_an_attachment(month_world, django_capture_on_commit_callbacks,
                                               client_for):
    w = month_world
    report = _make(w, django_capture_on_commit_callbacks)
    response = client_for(w.contact_a).get(reverse("reports:download",
                                                   args=["alpha", report.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == report.pdf.open("rb").read()
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert_served_safely(response, f"report-{w.month:%Y-%m}.pdf")
    staff = client_for(w.staff).get(reverse("billing_admin:report_download", args=[report.pk]))
    assert b"".join(staff.streaming_content) == body
    assert_served_safely(staff, f"alpha-report-{w.month:%Y-%m}.pdf")


def test_download_is_404_for_reports_not_ready_or_elsewhere(month_world, client_for):
    w = month_world
    failed = Report.objects.create(workspace=w.ws_a, month=w.month, state=Report.State.FAILED)
    from billing import audience

    audience.sync_reports(w.ws_a, [failed])
    report_b = Report.objects.create(workspace=w.ws_b, month=w.month, state=Report.State.READY)
    audience.sync_reports(w.ws_b, [report_b])
    contact = client_for(w.contact_a)
    assert contact.get(reverse("reports:download", args=["alpha", failed.pk])).status_code == 404
    assert contact.get(reverse("reports:download",
                               args=["alpha", report_b.pk])).status_code == 404
    assert client_for(w.contact_a2).get(
        reverse("reports:download", args=["alpha", w.report_a.pk])).status_code == 404


# ---------------------------------------------------------------------------- the command

def _switch(w, ws, on=True):
    profile, _created = WorkspaceBilling.objects.get_or_create(workspace=ws)
    profile.monthly_reports = on
    profile.save()


def test_command_queues_last_month_once_for_workspaces_that_ask(
        month_world, django_capture_on_commit_callbacks):
    w = month_world
    _switch(w, w.ws_a, True)
    _switch(w, w.ws_b, False)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("make_monthly_reports", stdout=out)
    made = Report.objects.filter(month=w.month)
    assert [(r.workspace_id, r.state) for r in made] == [(w.ws_a.pk, Report.State.READY)]
    assert f"Queued the report of Workspace A for {reports.month_label(w.month)}" in \
        out.getvalue()
    assert "Workspace B" not in out.getvalue()
    again = StringIO()
    call_command("make_monthly_reports", stdout=again)
    assert Report.objects.filter(month=w.month).count() == 1
    assert "Skipped Workspace A" in again.getvalue() and "0 queued, 1 skipped." in \
        again.getvalue()


def test_command_skips_workspaces_without_the_reports_tool_and_takes_a_month(month_world):
    w = month_world
    _switch(w, w.ws_a, True)
    _switch(w, w.ws_b, True)
    w.ws_b.enabled_tools = ["files", "billing"]
    publish(w.ws_b)
    earlier = (w.month - timedelta(days=1)).replace(day=1)
    out = StringIO()
    call_command("make_monthly_reports", "--month", f"{earlier:%Y-%m}", stdout=out)
    assert list(Report.objects.filter(month=earlier).values_list("workspace_id", flat=True)) \
        == [w.ws_a.pk]
    assert "1 queued, 0 skipped." in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("make_monthly_reports", "--month", "last")
    future = (timezone.localdate().replace(day=1) + timedelta(days=40))
    with pytest.raises(CommandError, match="has not started yet"):
        call_command("make_monthly_reports", "--month", f"{future:%Y-%m}")
