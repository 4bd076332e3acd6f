"""The shared cache behind the portal shell: what every page around a tool needs, kept per
Site, per workspace and per contact, and thrown away as soon as what it was built from changes.

Entries are stamped with generations instead of being deleted. One generation covers
everything staff edit (firm settings, menus, teams, pages, Sites, images); each user has their
own for their memberships. A change replaces the generation with a fresh random token, so an
entry built before the change no longer matches; one `get_many` reads an entry together with
the generations it must match, so a hit costs one round trip to the cache.

A change bumps twice: at once, so that the rest of its own request (and the tests, which never
commit) see it, and again after the commit, so that an entry another request rebuilt from the
not-yet-committed rows in between is thrown away too. Random tokens rather than counters: a
generation evicted and made again can never match an entry built under the old one.

The cache must be shared by every process that serves the portal (Redis in production), as the
sessions are: a per-process cache would miss the other processes' changes.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

SHELL_GENERATION = "portal:shell:generation"
# Entries expire anyway, so that the cache never holds what nobody asks for any more.
TIMEOUT = 60 * 60


def _user_generation_key(user_id):
    return f"portal:shell:user:{user_id}"


def _new_token():
    return uuid.uuid4().hex


def _current(found, key):
    token = found.get(key)
    if token is None:
        cache.add(key, _new_token(), timeout=None)
        token = cache.get(key)
    return token


def cached(key, build, user_id=None):
    """The value cached under `key`, or `build()` (then cached) when the generations it was
    built under have changed since. `user_id`: the entry also depends on that user's own rows
    (memberships, the user row)."""
    generation_keys = [SHELL_GENERATION]
    if user_id is not None:
        generation_keys.append(_user_generation_key(user_id))
    found = cache.get_many([key, *generation_keys])
    stamp = tuple(_current(found, k) for k in generation_keys)
    entry = found.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = build()
    cache.set(key, (stamp, value), timeout=TIMEOUT)
    return value


def _bump(keys):
    cache.set_many({key: _new_token() for key in keys}, timeout=None)


def invalidate(user_ids=(), staff_edit=False):
    """Throw away the entries built from the given users' rows (`user_ids`) and/or everything
    staff edit (`staff_edit`): now and once more after the commit."""
    keys = [_user_generation_key(user_id) for user_id in user_ids if user_id is not None]
    if staff_edit:
        keys.append(SHELL_GENERATION)
    if not keys:
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


# ---------------------------------------------------------------------------- invalidation

def _shell_changed(sender, **kwargs):
    invalidate(staff_edit=True)


def _page_changed(sender, instance=None, **kwargs):
    # Any page: workspaces (title, status, tools, live) are in memberships and the switcher;
    # menu links and site root paths carry page URLs. Saving a draft counts too (cheap, rare).
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate(staff_edit=True)


def _membership_changed(sender, instance, **kwargs):
    invalidate(user_ids=[instance.user_id])


def _user_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing the shell shows
    from .models import WorkspaceTeamMember

    # Staff names and emails are in the workspaces' team lists.
    on_a_team = instance.is_staff or WorkspaceTeamMember.objects.filter(
        user_id=instance.pk).exists()
    invalidate(user_ids=[instance.pk], staff_edit=on_a_team)


def _user_deleted(sender, instance, **kwargs):
    invalidate(user_ids=[instance.pk], staff_edit=instance.is_staff)


def connect_signals():
    """Called from WorkspacesConfig.ready()."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model
    from wagtail.models import Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from .models import (
        FirmMenuLink,
        FirmSettings,
        Membership,
        WorkspaceMenuLink,
        WorkspaceTeamMember,
    )

    shell_models = (FirmSettings, FirmMenuLink, WorkspaceMenuLink, WorkspaceTeamMember, Site,
                    get_image_model())
    for model in shell_models:
        for signal in (post_save, post_delete):
            signal.connect(_shell_changed, sender=model, dispatch_uid=f"shell:{model._meta}")
    for signal in (post_save, post_delete):
        # Pages are saved as their specific class: no sender filter, an isinstance test.
        signal.connect(_page_changed, dispatch_uid="shell:page")
        signal.connect(_membership_changed, sender=Membership, dispatch_uid="shell:membership")
    post_save.connect(_user_changed, sender=get_user_model(), dispatch_uid="shell:user")
    post_delete.connect(_user_deleted, sender=get_user_model(), dispatch_uid="shell:user")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_shell_changed, dispatch_uid="shell:page")
