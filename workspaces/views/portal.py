"""The contact's own pages outside any workspace: switcher, profile, end of preview."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Site

from .. import access
from ..forms import NewPasswordForm, ProfileForm
from ..middleware import PREVIEW_SESSION_KEY
from ..shell import firm_for


@login_required
def switcher(request):
    """A contact with one workspace lands in it; several get a choice."""
    workspaces = access.workspaces_for(request.user)
    if len(workspaces) == 1 and "all" not in request.GET:
        return redirect(workspaces[0].url)
    return render(request, "portal/switcher.html", {"workspace_list": workspaces})


@login_required
def profile(request):
    user = request.user
    profile_form = ProfileForm(instance=user, prefix="profile")
    password_form = NewPasswordForm(user, prefix="password")
    status = 200
    if request.method == "POST":
        if request.POST.get("form") == "password":
            password_form = NewPasswordForm(user, request.POST, prefix="password")
            if password_form.is_valid():
                password_form.save()
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password has been changed."))
                return redirect("portal:profile")
        else:
            profile_form = ProfileForm(request.POST, instance=user, prefix="profile")
            if profile_form.is_valid():
                profile_form.save()
                translation.activate(user.language or translation.get_language())
                messages.success(request, _("Your profile has been saved."))
                return redirect("portal:profile")
        status = 400
    return render(request, "portal/profile.html", {
        "profile_form": profile_form, "password_form": password_form,
    }, status=status)


@require_POST
def preview_exit(request):
    preview = request.session.pop(PREVIEW_SESSION_KEY, None)
    if preview:
        return redirect("wagtailadmin_pages:edit", preview["workspace"])
    return redirect("portal:switcher")


class WorkspaceViewMixin:
    """The shared base of every tool view under /<workspace>/...: resolves the workspace
    through the access policy once (404 for outsiders) and puts it on the request."""

    tool = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        site = Site.find_for_request(request)
        self.workspace = access.get_workspace_or_404(request.user, kwargs["workspace"], site)
        if self.tool and not access.tool_available(
            request.user, self.workspace, firm_for(request), self.tool
        ):
            raise Http404
        request.workspace = self.workspace
        return super().dispatch(request, *args, **kwargs)
