from django.urls import reverse

from workspaces import access
from workspaces.shell import firm_for

from .models import Note


def latest_note_panel(request, workspace):
    """The latest note the contact may read, or nothing."""
    note = access.visible(request.user, workspace, Note.objects.all(),
                          firm=firm_for(request)).first()
    if note is None:
        return None
    return {"template": "example_tool/panel.html", "note": note,
            "url": reverse("example_tool:note", args=[workspace.slug, note.pk])}
