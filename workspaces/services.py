"""Changes to workspaces, memberships and people.

Services write: each function makes one change, writes its audit entry and queues its email,
so the admin and the portal record the same action the same way. Views and admin screens
validate input and call these; they never log or send mail themselves. (Tools keep their own
services in their apps, written the same way.)
"""

import secrets

from wagtail.log_actions import log
from wagtail.models import Site

from .emails import send_magic_link
from .models import Membership


def _site_id(workspace):
    site = workspace.get_site() or Site.objects.filter(is_default_site=True).first()
    return site.pk if site else None


def add_member(workspace, user, *, by, title="", send_invite=True):
    """Make `user` an active member of `workspace` (again, if they had been removed) and,
    if asked, email them a magic link to it."""
    membership, created = Membership.objects.get_or_create(
        workspace=workspace, user=user, defaults={"title": title, "invited_by": by})
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    log(workspace, "portal.invite", user=by, data={"contact": user.email})
    if send_invite:
        send_magic_link.enqueue(user.pk, _site_id(workspace), "invite", workspace.title)
    return membership


def set_membership_active(membership, active, *, by):
    """Remove a member from the workspace (nothing is deleted), or take them back."""
    if membership.is_active == active:
        return membership
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    log(membership.workspace, "portal.invite" if active else "portal.remove", user=by,
        data={"contact": membership.user.email})
    return membership


def set_portal_access(user, on, *, by, workspace=None):
    """Switch a person's portal sign-in on or off everywhere. Off ends their sessions and
    their links (see the User model's save)."""
    user.portal_access = on
    user.save(update_fields=["portal_access"])
    log(user, "portal.access_on" if on else "portal.access_off", user=by,
        data={"workspace": workspace.title} if workspace is not None else {})
    return user


def change_login_email(user, email, *, by):
    """A new login email ends the person's sessions and earlier links."""
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    log(user, "portal.email_change", user=by, data={"old": old, "new": email})
    return user


def set_temporary_password(user, *, by):
    """A password the person must replace at their next login. Returns it, to be shown once
    to the staff member who set it."""
    password = "-".join(secrets.token_urlsafe(4) for _ in range(3))
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    log(user, "portal.temp_password", user=by)
    return password


def set_own_password(user, password):
    """A person choosing their own password (at first login or on their profile)."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    log(user, "portal.password_change", user=user)
    return user


def start_preview(session, workspace, contact, *, by, session_key):
    session[session_key] = {"contact": contact.pk, "workspace": workspace.pk}
    log(workspace, "portal.preview", user=by, data={"contact": contact.email})
