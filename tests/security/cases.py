"""The kinds of isolation case, shared by test_isolation and the cases_<app> modules."""

from collections.abc import Callable
from dataclasses import dataclass

PUBLIC = "public"  # open to anonymous visitors by design
ACCOUNT = "account"  # the logged-in person's own pages; anonymous go to the login page
OBJECT = "object"  # something inside workspace A
NOBODY = "nobody"  # exists for Wagtail features the portal does not use: 404 for everyone
PAGES = "pages"  # Wagtail's page serving, covered by PAGE_CASES


@dataclass(frozen=True)
class Case:
    kind: str
    url: Callable = None
    method: str = "get"
    # For objects every member may see (the workspace itself), "unpermitted" does not apply.
    object_grant: bool = True
    # The permitted contact's answer: a page (200), or for a POST often a redirect (302).
    ok: tuple = (200,)
    # For POSTs: a callable (world) -> form data.
    data: Callable = None
