"""Isolation cases for the billing and reports routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_billing`: A's invoices and reports are for contact_a only;
contact_a2 is a member of A who is not a billing contact.
"""

from django.urls import reverse

from .cases import OBJECT, Case

ROUTES = {
    # The lists are for billing contacts only: contact_a2 gets 404 (no menu either).
    "billing:invoices": Case(OBJECT, lambda w: reverse("billing:invoices", args=[w.ws_a.slug])),
}
