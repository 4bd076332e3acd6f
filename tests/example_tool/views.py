from django.views.generic import TemplateView

from workspaces import access
from workspaces.views.portal import WorkspaceViewMixin

from .models import Note


class NoteListView(WorkspaceViewMixin, TemplateView):
    tool = "notes"
    template_name = "example_tool/notes.html"

    def get_context_data(self, **kwargs):
        notes = access.visible(self.request.user, self.workspace, Note.objects.all())
        kwargs["workspace"] = self.workspace  # the page, not the slug from the URL
        return super().get_context_data(notes=list(notes), **kwargs)


class NoteView(WorkspaceViewMixin, TemplateView):
    tool = "notes"
    template_name = "example_tool/note.html"

    def get_context_data(self, **kwargs):
        note = access.get_visible_or_404(self.request.user, self.workspace, Note.objects.all(),
                                         pk=kwargs["pk"])
        kwargs["workspace"] = self.workspace
        return super().get_context_data(note=note, **kwargs)
