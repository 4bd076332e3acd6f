"""Isolation cases for the billing routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_billing`: A's invoices are for contact_a only; contact_a2
is a member of A who is not a billing contact, so every billing URL is 404 for them (and they
have no Billing menu entry). Drafts are 404 for everyone: see `DRAFT_ROUTES`.
"""

from django.urls import reverse

from .cases import OBJECT, Case

ROUTES = {
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
