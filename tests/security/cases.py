"""The kinds of isolation case, shared by test_isolation and the tools' isolation cases.

An app's cases live in its own test folder, `tests/<app label>/isolation_cases.py`, with a
`ROUTES` dict ({URL name: Case}) and, unless the shared world's layers (tests/conftest.py)
hold its objects already, a `build(world)` function that adds them; test_isolation.py finds
them for every installed app. The same module may give the app's staff-admin cases
(`ADMIN_ROUTES`, see admin_cases.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

PUBLIC = "public"  # open to anonymous visitors by design
ACCOUNT = "account"  # the logged-in person's own pages; anonymous go to the login page
OBJECT = "object"  # something inside workspace A
NOBODY = "nobody"  # exists for Wagtail features the portal does not use: 404 for everyone
PAGES = "pages"  # Wagtail's page serving, covered by PAGE_CASES


def NOT_FOUND(world, url):  # noqa: N802 - a sentinel for Case.anonymous_to
    """Case.anonymous_to for routes that answer anonymous visitors 404 like any outsider."""
    raise AssertionError("a sentinel, not called")


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
    # Where an anonymous visitor is sent, a callable (world, url) -> Location; None: to the
    # login page, coming back to `url`; NOT_FOUND: nowhere, a 404.
    anonymous_to: Callable = None
    # Where the permitted person is sent when the answer is a redirect, a callable (world) ->
    # Location; None: not checked (a POST sends back to a page that depends on the data).
    redirect_to: Callable = None
