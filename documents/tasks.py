"""Background work of the documents app (django_tasks: immediate in dev and tests)."""

from django_tasks import task


@task()
def make_thumbnail(version_id):
    """Thumbnail for an image or the first page of a PDF. (First cut: nothing yet.)"""
    return None
