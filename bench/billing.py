"""What do invoices and reports cost?

In one run, against a separate PostgreSQL database (BENCH_DATABASE_URL, default
portal_bench_billing), this prints:

1. the time to render a one-page invoice PDF (p50 and p95 over fresh renders; target p50
   ≤ 250 ms) and to download it again when nothing changed (cached);
2. the time and the peak memory of making a 25-page monthly report (targets ≤ 2 s, ≤ 200 MB),
   in a child process so that its peak is its own;
3. 20 threads issuing 500 invoices each at once: the numbers must be consecutive, with no gap
   and no duplicate.

    .venv/bin/python bench/billing.py [--renders 30] [--threads 20] [--per-thread 500]

Only loopback is used. This is not a test: it prints figures.
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("BENCH_DATABASE_URL",
                      "postgres://postgres@127.0.0.1:5432/portal_bench_billing")
os.environ.setdefault("BENCH_PRIVATE_ROOT", "/tmp/portal-bench-billing-private")

from bench.spine import ensure_database  # noqa: E402

SLUG = "bench-billing"
REPORT_FILES = 960  # files added in the month: the bulk of a 25-page report
REPORT_INVOICES = 120


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def world():
    """A workspace with a billing contact, staff, and a month of activity (made once)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from wagtail.models import Page, Site

    from billing import services
    from billing.models import Invoice, InvoiceLine, WorkspaceBilling
    from documents.models import File, FileVersion
    from portal_pages.models import PortalHomePage
    from workspaces.models import Membership, User, WorkspacePage

    workspace = WorkspacePage.objects.filter(slug=SLUG).first()
    staff, _c = User.objects.get_or_create(email="staff@bench.example",
                                           defaults={"is_staff": True, "first_name": "Sam"})
    if workspace is not None:
        top_up_files(workspace, staff)
        return workspace, staff
    print("Loading: a workspace with a month of activity...")
    root = Page.get_first_root_node()
    home = PortalHomePage.objects.first() or root.add_child(
        instance=PortalHomePage(title="Bench portal", slug="bench-home"))
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.root_page = "127.0.0.1", 80, home
    site.save()
    workspace = home.add_child(instance=WorkspacePage(title="Bench billing", slug=SLUG))
    workspace.enabled_tools = ["files", "approvals", "billing", "reports"]
    workspace.save_revision().publish()
    workspace.refresh_from_db()
    contact, _c = User.objects.get_or_create(email="ap@bench.example",
                                             defaults={"first_name": "Alex"})
    Membership.objects.get_or_create(workspace=workspace, user=contact)
    WorkspaceBilling.objects.get_or_create(workspace=workspace,
                                           defaults={"bill_to": "Bench Client Ltd"})

    from documents import services as files

    folder = files.create_folder(workspace, "Deliverables", grants={"view": {"everyone": True}})
    month = last_month()
    blob = ContentFile(b"%PDF-1.4 bench", name="bench.pdf")
    first = File.objects.create(workspace=workspace, folder=folder, name="bench-0000.pdf")
    version = FileVersion.objects.create(file=first, number=1, original_name="bench.pdf",
                                         size=14, content_type="application/pdf", sha256="0",
                                         uploaded_by=staff)
    version.blob.save("bench.pdf", blob)
    stamp = timezone.make_aware(timezone.datetime.combine(month, timezone.datetime.min.time()))
    rows = [File(workspace=workspace, folder=folder, name=f"deliverable-{i:04}.pdf", size=1000,
                 content_type="application/pdf", created_by=staff,
                 created_at=stamp + timedelta(hours=i % 600), updated_at=stamp)
            for i in range(1, REPORT_FILES)]
    made = File.objects.bulk_create(rows)
    # created_at is auto_now_add: put the files inside the reported month.
    for i, file in enumerate(made):
        File.objects.filter(pk=file.pk).update(created_at=stamp + timedelta(hours=i % 600))
    for i in range(REPORT_INVOICES):
        invoice = Invoice.objects.create(workspace=workspace, currency="EUR", created_by=staff,
                                         issue_date=month + timedelta(days=i % 27))
        for n in range(3):
            InvoiceLine.objects.create(invoice=invoice, sort_order=n,
                                       description=f"Work package {i}.{n}",
                                       quantity=Decimal("2"), unit_price=Decimal("120.00"),
                                       tax_rate=Decimal("20"))
        services.issue(invoice, staff)
    return workspace, staff


def top_up_files(workspace, staff):
    """Files added last month up to REPORT_FILES (a database made with fewer)."""
    from django.utils import timezone

    from documents.models import File, Folder

    month = last_month()
    stamp = timezone.make_aware(timezone.datetime.combine(month, timezone.datetime.min.time()))
    folder = Folder.objects.get(workspace=workspace, name="Deliverables")
    have = File.objects.filter(folder=folder).count()
    for i in range(have, REPORT_FILES):
        file = File.objects.create(workspace=workspace, folder=folder, size=1000,
                                   name=f"deliverable-{i:04}.pdf", created_by=staff,
                                   content_type="application/pdf", updated_at=stamp)
        File.objects.filter(pk=file.pk).update(created_at=stamp + timedelta(hours=i % 600))


def last_month():
    first = date.today().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def one_page_invoice(workspace, staff):
    from billing import services
    from billing.models import Invoice, InvoiceLine

    invoice = Invoice.objects.create(workspace=workspace, currency="EUR", created_by=staff)
    for n, (text, qty, price) in enumerate([("Monthly bookkeeping", "1", "850.00"),
                                            ("Payroll, 14 employees", "14", "18.50"),
                                            ("VAT return, Q3", "1", "320.00"),
                                            ("Advisory call", "1.5", "140.00")]):
        InvoiceLine.objects.create(invoice=invoice, sort_order=n, description=text,
                                   quantity=Decimal(qty), unit_price=Decimal(price),
                                   tax_rate=Decimal("20"))
    return services.issue(invoice, staff)


def invoice_figures(workspace, staff, renders):
    from django.core.cache import cache

    from billing.pdf import invoice_pdf

    invoice = one_page_invoice(workspace, staff)
    invoice_pdf(invoice)  # warm-up: fonts, templates
    fresh = []
    for _ in range(renders):
        cache.clear()
        start = time.perf_counter()
        pdf = invoice_pdf(invoice)
        fresh.append(time.perf_counter() - start)
    cached = []
    for _ in range(renders):
        start = time.perf_counter()
        invoice_pdf(invoice)
        cached.append(time.perf_counter() - start)
    return pdf_pages(pdf), fresh, cached


def pdf_pages(data):
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


REPORT_CHILD = """
import os, resource, sys, time
from datetime import date
sys.path.insert(0, {root!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
import django
django.setup()
from billing.models import Report
from billing.reports import request_report
from workspaces.models import WorkspacePage
import billing.tasks, weasyprint  # imports before the baseline
ws = WorkspacePage.objects.get(slug={slug!r})
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
report = request_report(ws, date.fromisoformat({month!r}))
seconds = time.perf_counter() - start
report.refresh_from_db()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(report.state, report.pages, report.size, round(seconds, 3), base, peak, report.error[:200])
"""


def report_figures(workspace):
    code = REPORT_CHILD.format(root=str(ROOT), slug=workspace.slug, month=last_month().isoformat())
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    state, pages, size, seconds, base, peak, *error = out.stdout.split()
    return state, int(pages), int(size), float(seconds), int(base) / 1024, int(peak) / 1024, \
        " ".join(error)


def concurrency_figures(staff, workspace, threads, per_thread):
    from django.db import connection, connections

    from billing import services
    from billing.models import Invoice, InvoiceLine

    drafts = []
    for _ in range(threads * per_thread):
        drafts.append(Invoice(workspace=workspace, currency="EUR", created_by=staff))
    Invoice.objects.bulk_create(drafts, batch_size=1000)
    ids = list(Invoice.objects.filter(workspace=workspace, state="draft")
               .order_by("-pk").values_list("pk", flat=True)[: threads * per_thread])
    InvoiceLine.objects.bulk_create([
        InvoiceLine(invoice_id=pk, sort_order=0, description="Retainer",
                    quantity=Decimal("1"), unit_price=Decimal("100.00"),
                    tax_rate=Decimal("20")) for pk in ids], batch_size=2000)
    connection.close()
    failures = []

    def worker(chunk):
        try:
            for pk in chunk:
                services.issue(Invoice.objects.get(pk=pk), staff)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))
        finally:
            connections.close_all()

    chunks = [ids[i::threads] for i in range(threads)]
    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - start
    numbers = list(Invoice.objects.filter(pk__in=ids).values_list("number", flat=True))
    return numbers, seconds, failures


def check_numbers(numbers):
    """(count, duplicates, gaps) of a run of numbers like INV-2026-0042."""
    tails = sorted(int(n.rsplit("-", 1)[-1]) for n in numbers if n)
    duplicates = len(tails) - len(set(tails))
    gaps = (tails[-1] - tails[0] + 1) - len(set(tails)) if tails else 0
    return len(tails), duplicates, gaps


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--per-thread", type=int, default=500)
    parser.add_argument("--skip-issues", action="store_true",
                        help="leave out the concurrent issuing (the longest part)")
    args = parser.parse_args()

    ensure_database()
    setup()
    workspace, staff = world()

    pages, fresh, cached = invoice_figures(workspace, staff, args.renders)
    print(f"\nInvoice PDF ({pages} page), {args.renders} renders:")
    print(f"  fresh render   p50 {statistics.median(fresh) * 1000:6.1f} ms   "
          f"p95 {pct(fresh, 0.95) * 1000:6.1f} ms   (target p50 ≤ 250 ms)")
    print(f"  cached         p50 {statistics.median(cached) * 1000:6.1f} ms   "
          f"p95 {pct(cached, 0.95) * 1000:6.1f} ms")

    state, rpages, size, seconds, base, peak, error = report_figures(workspace)
    print(f"\nMonthly report ({REPORT_FILES} files added, {REPORT_INVOICES} invoices issued): "
          f"{state}, {rpages} pages, {size / 1024:.0f} KiB")
    print(f"  made in {seconds:.2f} s (target ≤ 2 s); peak memory of the whole process "
          f"(Django, WeasyPrint and the render) {peak:.0f} MB (target ≤ 200 MB); "
          f"{base:.0f} MB before the report")
    if error:
        print(f"  error: {error}")

    if args.skip_issues:
        return
    numbers, seconds, failures = concurrency_figures(staff, workspace, args.threads,
                                                     args.per_thread)
    count, duplicates, gaps = check_numbers(numbers)
    print(f"\n{args.threads} threads × {args.per_thread} issues at once: {count} numbered in "
          f"{seconds:.1f} s ({count / seconds:.0f}/s); duplicates {duplicates}, gaps {gaps}, "
          f"failures {len(failures)}")
    for failure in failures[:3]:
        print(f"  {failure}")
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"(this process: peak memory {own_peak} MB)")


if __name__ == "__main__":
    main()
