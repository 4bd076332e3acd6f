"""Background work of the billing app (django_tasks: immediate in dev and tests, the database
queue and `manage.py db_worker` in production)."""

import hashlib
import logging
import re
import zlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b")
_OBJECT_STREAM = re.compile(rb"<<([^>]*?/Type\s*/ObjStm[^>]*?)>>\s*stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")


def _object_streams(data):
    """The decompressed object streams of a PDF (where WeasyPrint puts its page tree)."""
    for match in _OBJECT_STREAM.finditer(data):
        header = match.group(1)
        length = _LENGTH.search(header)
        start = match.end()
        end = start + int(length.group(1)) if length else data.find(b"endstream", start)
        raw = data[start:end]
        try:
            yield zlib.decompress(raw) if b"/FlateDecode" in header else raw
        except zlib.error:
            continue


def count_pages(data):
    """The number of pages of a PDF written by WeasyPrint, without a PDF library (pypdf is
    for tests only): the /Count of the page tree's root (the largest /Count of a /Pages
    node), looked for in the file and in its compressed object streams; failing that, the
    number of /Type /Page objects."""
    chunks = [data, *_object_streams(data)]
    counts = [int(a or b) for chunk in chunks for a, b in _COUNT.findall(chunk)]
    if counts:
        return max(counts)
    return sum(len(_PAGE.findall(chunk)) for chunk in chunks)


def _readable(error):
    text = str(error).strip() or error.__class__.__name__
    return _("The report could not be made: %s") % text[:2000]


@task()
def generate_report(report_id):
    """Make the PDF of a queued report: RUNNING, then READY with its file, pages, size and
    SHA-256 (and the contacts who see reports granted), or FAILED with the reason and no
    file. Returns the final state."""
    from workspaces import pdf

    from . import audience, reports
    from .models import Report, report_upload_to

    report = Report.objects.select_related("workspace").filter(pk=report_id).first()
    if report is None or report.state not in (Report.State.QUEUED, Report.State.FAILED):
        return report.state if report else None
    Report.objects.filter(pk=report.pk).update(state=Report.State.RUNNING, error="")
    workspace = report.workspace

    def fail(error):
        logger.exception("Report %s (%s) failed", report.pk, report)
        Report.objects.filter(pk=report.pk).update(state=Report.State.FAILED,
                                                   error=_readable(error))
        return Report.State.FAILED

    try:
        site = workspace.get_site()
        brand = pdf.branding(site=site)
        context = reports.build_context(report, brand)
        data = pdf.render_pdf("pdf/report.html", context, site=site)
        pages = count_pages(data)
    except Exception as error:
        return fail(error)

    storage = report.pdf.storage
    saved = None
    try:
        with transaction.atomic():
            saved = storage.save(report_upload_to(report, "report.pdf"), ContentFile(data))
            report.pdf.name = saved
            report.pages = pages
            report.size = len(data)
            report.sha256 = hashlib.sha256(data).hexdigest()
            report.generated_at = timezone.now()
            report.state = Report.State.READY
            report.error = ""
            report.save(update_fields=["pdf", "pages", "size", "sha256", "generated_at",
                                       "state", "error"])
            # A month made again replaces the earlier reports of that month.
            older = (Report.objects.filter(workspace=workspace, month=report.month)
                     .exclude(pk=report.pk)
                     .filter(state__in=[Report.State.READY, Report.State.FAILED])
                     .filter(requested_at__lte=report.requested_at))
            old_files = [name for name in older.values_list("pdf", flat=True) if name]
            older.delete()
            workspace._billing_profile = None
            audience.sync_reports(workspace, [report])
            transaction.on_commit(lambda: [storage.delete(name) for name in old_files])
    except Exception as error:
        if saved:
            storage.delete(saved)
        return fail(error)
    return Report.State.READY
