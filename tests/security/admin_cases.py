"""The kinds of admin isolation case, shared by test_admin_isolation and the tools' cases.

An app with staff-admin routes gives their cases in its own test folder, as an
`ADMIN_ROUTES` dict ({URL name: Case}) in `tests/<app label>/isolation_cases.py` (the module
that holds its portal `ROUTES`, see cases.py), and may add `ADMIN_DATA`: texts of workspace
A's records that staff of another team must never be shown. test_admin_isolation.py finds
them for every installed app.

The walk's world (test_admin_isolation's `aw`): the shared world with every layer of
tests/conftest.py and each app's `build(world)`; `staff` serves workspace A, `bob` serves
workspace B only; both have the CMS library and images, no firm-wide permission.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Case:
    """`url(world)` for one admin route.

    `scoped`: the route takes the id of workspace A or of a record in it. Bob (staff of B
    only) is asked first and must get 404; then A's own team member (`staff`) must get one of
    `staff_status` (a page, or the route's normal answer: a redirect after a POST, say) with
    `staff_sees` in it, so a case cannot pass by refusing everybody.

    Not scoped (a listing, search, chooser or firm-wide screen): bob gets a 404 or an answer
    without A's data; `staff_status` None where A's team member has no permission either
    (then their answer is not checked). A route that is never walked (`url` None) says `why`.
    """

    url: Callable = None
    staff_sees: str = None
    method: str = "get"
    staff_status: tuple = (200,)
    why: str = ""
    scoped: bool = False
    # For POSTs: a callable (world) -> form data.
    data: Callable = None


def none(why):
    """A route that takes no object of a workspace and shows nothing workspace-specific."""
    return Case(why=why)


def page(name, attr="page_a_private", sees="Alpha payroll", **kwargs):
    """A route that takes the id of one of A's pages (the workspace page itself included)."""
    return Case(lambda w: reverse(name, args=[getattr(w, attr).pk]), sees, scoped=True,
                **kwargs)


def rev(name, *attrs, query="", sees=None, scoped=True, **kwargs):
    """A route that takes the ids of the world's objects `attrs` (by default A's records)."""
    return Case(lambda w: reverse(name, args=[getattr(w, a).pk for a in attrs]) + query,
                sees, scoped=scoped, **kwargs)


def url(path, sees=None, **kwargs):
    """A route at `path`, a string or a callable (world) -> string."""
    return Case(lambda w: path(w) if callable(path) else path, sees, **kwargs)
