from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from workspaces.models import WorkspacePage


class Note(models.Model):
    """A note for some of a workspace's contacts; who sees it is a guardian grant."""

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="example_notes")
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self):
        return self.title


class NoteUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Note, on_delete=models.CASCADE)


class NoteGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Note, on_delete=models.CASCADE)
