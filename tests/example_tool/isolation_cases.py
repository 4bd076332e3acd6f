"""Isolation cases of the example tool's routes, found by tests/security/test_isolation.py.

`build` adds to the shared world: Notes switched on in A and B; note_a is for contact_a (and
the revoked and removed contacts) only, so contact_a2, a member of A, gets 404 on it.
"""

from django.urls import reverse
from guardian.shortcuts import assign_perm

from ..factories import publish
from ..security.cases import OBJECT, Case
from .models import Note


def build(w):
    for ws in (w.ws_a, w.ws_b):
        ws.enabled_tools = sorted({*(ws.enabled_tools or []), "notes"})
        publish(ws)
    w.note_a = Note.objects.create(workspace=w.ws_a, title="Alpha board minutes",
                                   body="Dividend agreed.")
    for user in (w.contact_a, w.revoked, w.removed):
        assign_perm("example_tool.view_note", user, w.note_a)
    w.note_b = Note.objects.create(workspace=w.ws_b, title="Beta notes")
    assign_perm("example_tool.view_note", w.ws_b.client_group, w.note_b)
    return w


ROUTES = {
    # Every member of A reaches the list; its contents are filtered.
    "example_tool:notes": Case(OBJECT, lambda w: reverse("example_tool:notes",
                                                         args=[w.ws_a.slug]),
                               object_grant=False),
    "example_tool:note": Case(OBJECT, lambda w: reverse("example_tool:note",
                                                        args=[w.ws_a.slug, w.note_a.pk])),
}
