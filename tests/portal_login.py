"""Signing a test client in without going through a login page."""

from workspaces.middleware import LOGIN_METHOD_SESSION_KEY, METHOD_MAGIC_LINK


def force_portal_login(client, user, method=METHOD_MAGIC_LINK):
    """`Client.force_login`, plus the mark the portal's own login leaves in the session:
    without it PortalMiddleware ends a contact's session, as it does any session that did not
    come through the portal's login (see DESIGN.md, "Identity and login")."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if not user.is_staff:
        session = client.session
        session[LOGIN_METHOD_SESSION_KEY] = method
        session.save()
    return client
