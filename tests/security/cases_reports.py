"""Isolation cases for the reports routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_billing`: A's invoices and reports are for contact_a only;
contact_a2 is a member of A who is not a billing contact. report_a is a ready report of A.
"""

from django.urls import reverse

from .cases import OBJECT, Case

ROUTES = {
    # Reports are for A's report contacts only: contact_a2 gets 404 (no menu either).
    "reports:list": Case(OBJECT, lambda w: reverse("reports:list", args=[w.ws_a.slug])),
    # The PDF of a ready report: contact_a downloads it; the outsider, the revoked and removed
    # contacts and contact_a2 (a member outside the report audience) get 404.
    "reports:download": Case(OBJECT, lambda w: reverse("reports:download",
                                                       args=[w.ws_a.slug, w.report_a.pk])),
}
