"""Isolation cases of the billing app's portal routes (billing and reports), found by
tests/security/test_isolation.py as `tests.<app>.isolation_cases` of an installed app.

The world is the shared `bills` layer (`tests.conftest.build_billing`): A's invoices and
reports are for contact_a only; contact_a2 is a member of A who is not a billing contact,
so every billing and reports URL is 404 for them (and they have no menu entry). report_a
is a ready report of A. Drafts are 404 for everyone: see `DRAFT_ROUTES`.
"""

from django.urls import reverse

from ..security import admin_cases as admin
from ..security.cases import OBJECT, Case

__all__ = ["ADMIN_DATA", "ADMIN_ROUTES", "DRAFT_ROUTES", "ROUTES"]

BILLING_ROUTES = {
    "billing:invoices": Case(OBJECT, lambda w: reverse("billing:invoices", args=[w.ws_a.slug])),
    "billing:invoice": Case(OBJECT, lambda w: reverse("billing:invoice",
                                                      args=[w.ws_a.slug, w.invoice_a.pk])),
    "billing:invoice_pdf": Case(OBJECT, lambda w: reverse("billing:invoice_pdf",
                                                          args=[w.ws_a.slug, w.invoice_a.pk])),
    "billing:statement": Case(OBJECT, lambda w: reverse("billing:statement",
                                                        args=[w.ws_a.slug])),
    "billing:statement_pdf": Case(
        OBJECT, lambda w: reverse("billing:statement_pdf", args=[w.ws_a.slug])
        + "?from=2000-01-01&to=2100-12-31"),
}

# The same routes on A's draft: no contact ever sees it (tests/billing/test_portal.py).
DRAFT_ROUTES = ("billing:invoice", "billing:invoice_pdf")

REPORTS_ROUTES = {
    # Reports are for A's report contacts only: contact_a2 gets 404 (no menu either).
    "reports:list": Case(OBJECT, lambda w: reverse("reports:list", args=[w.ws_a.slug])),
    # The PDF of a ready report: contact_a downloads it; the outsider, the revoked and removed
    # contacts and contact_a2 (a member outside the report audience) get 404.
    "reports:download": Case(OBJECT, lambda w: reverse("reports:download",
                                                       args=[w.ws_a.slug, w.report_a.pk])),
}

ROUTES = {**BILLING_ROUTES, **REPORTS_ROUTES}

# The staff admin's billing routes (billing/admin/, billing/viewsets.py), found by
# tests/security/test_admin_isolation.py. The world is the shared `bills` layer.
ADMIN_DATA = ["INV-T-0001"]

ADMIN_ROUTES = {
    "billing_admin:issue": admin.rev("billing_admin:issue", "draft_a"),
    "billing_admin:duplicate": admin.rev("billing_admin:duplicate", "invoice_a",
                                         method="post", staff_status=(302,)),
    "billing_admin:payment": admin.rev("billing_admin:payment", "invoice_a",
                                       sees="INV-T-0001"),
    "billing_admin:void": admin.rev("billing_admin:void", "invoice_a", sees="INV-T-0001"),
    "billing_admin:credit_note": admin.rev("billing_admin:credit_note", "invoice_a",
                                           sees="INV-T-0001"),
    "billing_admin:pdf": admin.rev("billing_admin:pdf", "invoice_a"),
    "billing_admin:workspace": admin.rev("billing_admin:workspace", "ws_a",
                                         sees="INV-T-0001"),
    # POST-only: a month's report is requested, then back to the workspace's billing page.
    "billing_admin:report": admin.rev("billing_admin:report", "ws_a", method="post",
                                      staff_status=(302,), data=lambda w: {"month": "2025-06"}),
    "billing_admin:report_download": admin.rev("billing_admin:report_download", "report_a"),
    "invoices:index": admin.url("/admin/invoices/", "INV-T-0001"),
    "invoices:index_results": admin.url("/admin/invoices/results/", "INV-T-0001"),
    "invoices:index (CSV)": admin.url("/admin/invoices/?export=csv", "INV-T-0001"),
    "invoices:index (XLSX)": admin.url("/admin/invoices/?export=xlsx"),
    "invoices:add": admin.url("/admin/invoices/new/"),
    "invoices:edit": admin.rev("invoices:edit", "invoice_a", sees="INV-T-0001"),
    "invoices:delete": admin.rev("invoices:delete", "draft_a"),
    "invoices:history": admin.rev("invoices:history", "invoice_a", sees="INV-T-0001"),
    "invoices:history_results": admin.rev("invoices:history_results", "invoice_a"),
    "invoices:usage": admin.rev("invoices:usage", "invoice_a", sees="INV-T-0001"),
}
