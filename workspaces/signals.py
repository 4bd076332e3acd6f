from django.dispatch import receiver
from wagtail.signals import page_published

from .grants import sync_page_grants, sync_team
from .models import PageVisibilityMixin, WorkspacePage


@receiver(page_published)
def on_page_published(sender, instance, **kwargs):
    if isinstance(instance, WorkspacePage):
        sync_team(instance)
    elif isinstance(instance, PageVisibilityMixin):
        sync_page_grants(instance)
