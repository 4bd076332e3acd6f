"""Background work of the documents app (django_tasks: immediate in dev and tests, the
database queue in production)."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def make_thumbnail(version_id):
    """Thumbnail for an image or the first page of a PDF (see documents/thumbnails.py).
    Returns whether one was made; never raises, so an upload never fails because of it."""
    from . import thumbnails
    from .models import FileVersion

    version = FileVersion.objects.select_related("file").filter(pk=version_id).first()
    if version is None:
        return False
    try:
        return thumbnails.make_for_version(version)
    except Exception:
        logger.exception("Thumbnail of file version %s failed", version_id)
        return False
