"""Per-request portal rules: who may stay signed in, the contact's language, first-login
password change, preview."""

from django.contrib.auth import get_user_model, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from .shell import firm_for

PREVIEW_SESSION_KEY = "portal_preview"
# How the session's user signed in on the portal (set by the portal's two login points).
LOGIN_METHOD_SESSION_KEY = "portal_login_method"
METHOD_PASSWORD = "password"  # noqa: S105 - a method name
METHOD_MAGIC_LINK = "magic link"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _is_admin_path(path):
    return path.startswith(("/admin/", "/django-admin/", "/static/", "/media/"))


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.preview = None
        if request.user.is_authenticated and not self._may_stay_signed_in(request):
            # As anonymous from here on: the view answers as it does to anybody signed out.
            logout(request)
        user = request.user
        if user.is_authenticated and not _is_admin_path(request.path):
            preview = request.session.get(PREVIEW_SESSION_KEY)
            if preview and user.is_staff:
                response = self._enter_preview(request, preview)
                if response is not None:
                    return response
            elif user.must_change_password:
                allowed = {reverse("portal:set_password"), reverse("portal:logout")}
                if request.path not in allowed:
                    return redirect("portal:set_password")
            language = request.user.language
            if language:
                request.LANGUAGE_CODE = language
                # override() puts the previous language back after the response, so one
                # contact's choice never leaks into the next request on this thread.
                with translation.override(language):
                    return self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def _may_stay_signed_in(request):
        """A contact's session holds only while the portal's rules still admit it: account
        active, signed in through the portal's own login (not the admin's, nor any other
        door), by a method the Site's firm still allows. Staff are judged by the admin.

        Switching portal access off ends the sessions through the session hash
        (User.sessions_ended_at), and the access policy answers 404 to a contact whose
        access is off, so that is not judged again here."""
        user = request.user
        if not user.is_active:
            return False
        if user.is_staff:
            return True
        method = request.session.get(LOGIN_METHOD_SESSION_KEY)
        firm = firm_for(request)
        return (method == METHOD_PASSWORD and firm.allow_password) or \
            (method == METHOD_MAGIC_LINK and firm.allow_magic_link)

    def _enter_preview(self, request, preview):
        """Browse as the contact, read-only, within the one workspace previewed from."""
        contact = get_user_model().objects.filter(
            pk=preview["contact"], memberships__workspace_id=preview["workspace"]).first()
        workspace = Page.objects.filter(pk=preview["workspace"]).first()
        # Re-checked on every request: staff taken off the team, or a contact taken out of
        # the workspace, ends the preview.
        if contact is None or workspace is None or \
                not workspace.permissions_for_user(request.user).can_edit():
            request.session.pop(PREVIEW_SESSION_KEY, None)
            return None
        contact.preview_workspace_id = preview["workspace"]
        request.preview = {"staff": request.user, "contact": contact,
                           "workspace_id": preview["workspace"]}
        request.user = contact
        exit_path = reverse("portal:preview_exit")
        if request.method not in SAFE_METHODS and request.path != exit_path:
            return render(request, "portal/preview_refused.html", status=403)
        return None
