"""Per-request portal rules: the contact's language, first-login password change, preview."""

from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

PREVIEW_SESSION_KEY = "portal_preview"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _is_admin_path(path):
    return path.startswith(("/admin/", "/django-admin/", "/static/", "/media/"))


class PortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.preview = None
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
