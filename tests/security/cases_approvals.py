"""Isolation cases for the approvals routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_documents`: objects in folder_a are for contact_a only.
"""

from django.urls import reverse

from .cases import OBJECT, Case

ROUTES = {
    # Every member of A reaches the tool's front page; its contents are filtered.
    "approvals:queue": Case(OBJECT,
        lambda w: reverse("approvals:queue", args=[w.ws_a.slug]), object_grant=False),
}
