"""Isolation cases for the files routes (merged into test_isolation.ROUTES).

The world is `tests.conftest.build_documents`: objects in folder_a are for contact_a only.
"""

from django.urls import reverse

from .cases import OBJECT, Case

ROUTES = {
    # Every member of A reaches the tool's front page; its contents are filtered.
    "documents:folder_root": Case(OBJECT,
        lambda w: reverse("documents:folder_root", args=[w.ws_a.slug]), object_grant=False),
}
