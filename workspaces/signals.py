from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from .grants import sync_subtree_grants, sync_team
from .models import PageVisibilityMixin, WorkspacePage


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    if isinstance(instance, WorkspacePage):
        sync_team(instance)
    elif isinstance(instance, PageVisibilityMixin):
        sync_subtree_grants(instance)


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    # Nothing below an unpublished page stays visible to contacts.
    if isinstance(instance, PageVisibilityMixin):
        sync_subtree_grants(instance)


@receiver(post_page_move)
def on_page_moved(sender, instance, **kwargs):
    # Moved under another parent (or another workspace): its audience follows the new place.
    if not isinstance(instance.specific, WorkspacePage):
        sync_subtree_grants(instance)
