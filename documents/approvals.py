"""Approval requests and decisions. (First cut: the reset on a new version.)"""

from .models import Approval


def on_new_version(file, version):
    """A new version puts every open request on the file back to pending, on that version."""
    Approval.objects.filter(file=file).exclude(status=Approval.Status.CANCELLED).update(
        version=version, status=Approval.Status.PENDING, decided_at=None)
