"""Isolation cases of the billing app's portal routes (billing and reports), found by
tests/security/test_isolation.py as `tests.<app>.isolation_cases` of an installed app.

The world is the shared `bills` layer (`tests.conftest.build_billing`): A's invoices and
reports are for contact_a only; contact_a2 is a member of A who is not a billing contact,
so every billing and reports URL is 404 for them (and they have no menu entry). report_a
is a ready report of A. Drafts are 404 for everyone: see `DRAFT_ROUTES`.
"""

from django.urls import reverse

from ..security.cases import OBJECT, Case

__all__ = ["DRAFT_ROUTES", "ROUTES"]

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
