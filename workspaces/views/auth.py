"""Logging in to the portal: magic links (django-sesame) and passwords (django-axes lockout)."""

from django.contrib import messages
from django.contrib.auth import (
    authenticate,
    get_user_model,
    login,
    logout,
    update_session_auth_hash,
)
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from sesame.backends import ModelBackend as SesameBackend
from wagtail.admin.views import account as wagtail_account
from wagtail.log_actions import log
from wagtail.models import Site

from .. import ratelimit
from ..emails import send_login_link, send_staff_password_reset
from ..forms import (
    LOCKED_ACCOUNT_MESSAGE,
    MagicLinkRequestForm,
    NewPasswordForm,
    PasswordLoginForm,
)
from ..middleware import LOGIN_METHOD_SESSION_KEY, METHOD_MAGIC_LINK, METHOD_PASSWORD
from ..shell import firm_for


def _may_use_portal(user):
    return user is not None and user.is_active and (user.is_staff or user.portal_access)


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  request.is_secure()):
        return target
    return reverse("portal:switcher")


def _render_login(request, magic_form=None, password_form=None, status=200, error=None):
    firm = firm_for(request)
    return render(request, "portal/auth/login.html", {
        "magic_form": magic_form or MagicLinkRequestForm(),
        "password_form": password_form or PasswordLoginForm(),
        "allow_magic": firm.allow_magic_link,
        "allow_password": firm.allow_password,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "error": error,
    }, status=status)


@never_cache
def login_view(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_next_url(request))
    if request.method != "POST":
        return _render_login(request)
    if request.POST.get("method") == "password":
        return _password_login(request)
    return _request_magic_link(request)


def _request_magic_link(request):
    firm = firm_for(request)
    form = MagicLinkRequestForm(request.POST)
    if not firm.allow_magic_link:
        return _render_login(request, status=400,
                             error=_("Magic links are not used on this portal. "
                                     "Log in with your password."))
    if not form.is_valid():
        return _render_login(request, magic_form=form, status=400)
    email = form.cleaned_data["email"].strip().lower()
    if not (ratelimit.hit("magic-email", email) and
            ratelimit.hit("magic-ip", ratelimit.client_ip(request), limit=20)):
        return _render_login(request, magic_form=form, status=429,
                             error=_("Too many link requests. Wait a few minutes and try again."))
    # The same work and the same answer whether or not the address is known: the worker
    # looks it up and sends the link, or does nothing.
    site = Site.find_for_request(request)
    send_login_link.enqueue(email, site.pk if site else None)
    return redirect("portal:magic_sent")


def _password_login(request):
    firm = firm_for(request)
    form = PasswordLoginForm(request.POST)
    if not firm.allow_password:
        return _render_login(request, status=400,
                             error=_("Passwords are not used on this portal. "
                                     "Ask for a magic link instead."))
    if not form.is_valid():
        return _render_login(request, password_form=form, status=400)
    user = authenticate(request, username=form.cleaned_data["email"].strip().lower(),
                        password=form.cleaned_data["password"])
    if getattr(request, "axes_locked_out", False):
        return lockout_response(request, None, None)
    if not _may_use_portal(user):
        return _render_login(request, password_form=form, status=400,
                             error=_("That email and password do not match an account "
                                     "with portal access."))
    login(request, user)
    request.session[LOGIN_METHOD_SESSION_KEY] = METHOD_PASSWORD
    log(user, "portal.login", user=user, data={"method": METHOD_PASSWORD})
    if user.must_change_password:
        return redirect("portal:set_password")
    return redirect(_next_url(request))


def lockout_response(request, response, credentials):
    """Axes' answer to a locked account: the admin's own login page (its form already says
    why, see StaffLoginForm) at the admin's login, the portal's login page elsewhere."""
    if request.path == reverse("wagtailadmin_login") and response is not None:
        response.status_code = 429
        return response
    if not firm_for(request).allow_magic_link:
        return _render_login(request, status=429, error=str(LOCKED_ACCOUNT_MESSAGE))
    return _render_login(request, status=429, error=_(
        "Too many failed attempts for this account. Password login is locked for an hour; "
        "you can still ask for a magic link."))


@never_cache
def magic_sent(request):
    return render(request, "portal/auth/magic_sent.html",
                  {"days": firm_for(request).magic_link_days})


MAGIC_TOKEN_SESSION_KEY = "portal_magic_token"  # noqa: S105 - a session key name


def _no_referrer(response):
    # The token is in this request's URL: never leak it to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _user_for_token(request, token):
    firm = firm_for(request)
    if not token or not firm.allow_magic_link:
        return None
    user = SesameBackend().authenticate(request, sesame=token, max_age=firm.magic_link_seconds)
    if not _may_use_portal(user) or user.is_staff:
        return None
    # Ending a contact's sessions (access off, email change) also kills the links already
    # sent, even once access is back on: only tokens younger than that moment are accepted.
    max_age = user.link_max_age()
    if max_age is not None and max_age < firm.magic_link_seconds:
        user = SesameBackend().authenticate(request, sesame=token, max_age=max_age)
    return user


def _invalid_link(request):
    return render(request, "portal/auth/magic_invalid.html", {"form": MagicLinkRequestForm()},
                  status=400)


@never_cache
def magic_link(request):
    """The link in the email. It only checks the token and moves it out of the URL into the
    session; nothing is spent here, so mail scanners that open links log nobody in."""
    token = request.GET.get("token", "")
    if _user_for_token(request, token) is None:
        return _no_referrer(_invalid_link(request))
    request.session[MAGIC_TOKEN_SESSION_KEY] = token
    return _no_referrer(redirect("portal:magic_confirm"))


@never_cache
def magic_confirm(request):
    """GET shows a button; only the POST spends the single-use token and logs in."""
    token = request.session.get(MAGIC_TOKEN_SESSION_KEY, "")
    user = _user_for_token(request, token)
    if user is None:
        request.session.pop(MAGIC_TOKEN_SESSION_KEY, None)
        return _invalid_link(request)
    if request.method != "POST":
        return render(request, "portal/auth/magic_confirm.html", {"contact": user})
    with transaction.atomic():
        # The token is tied to last_login (SESAME_ONE_TIME): moving it on from the value the
        # token was checked against spends it. A conditional UPDATE makes that atomic: of
        # confirms racing with one link, the row lock lets one through and the others then
        # match no row.
        spent = get_user_model().objects.filter(
            pk=user.pk, last_login=user.last_login).update(last_login=timezone.now())
        if not spent:
            request.session.pop(MAGIC_TOKEN_SESSION_KEY, None)
            return _invalid_link(request)
        login(request, user, backend="sesame.backends.ModelBackend")
        request.session.pop(MAGIC_TOKEN_SESSION_KEY, None)
        request.session[LOGIN_METHOD_SESSION_KEY] = METHOD_MAGIC_LINK
        log(user, "portal.login", user=user, data={"method": METHOD_MAGIC_LINK})
    return redirect("portal:switcher")


@require_POST
def logout_view(request):
    request.session.pop("portal_preview", None)
    logout(request)
    messages.success(request, _("You are logged out."))
    return redirect("portal:login")


@never_cache
@login_required
def set_password(request):
    user = request.user
    forced = user.must_change_password
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is set."))
        return redirect("portal:switcher")
    return render(request, "portal/auth/set_password.html", {"form": form, "forced": forced},
                  status=400 if form.errors else 200)


class StaffPasswordResetView(wagtail_account.PasswordResetView):
    """The admin's "forgot password": staff only (StaffPasswordResetForm), rate limited like
    link requests, and the same work and answer whatever the address: the email is looked up
    and sent by the worker."""

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        if not (ratelimit.hit("reset-email", email) and
                ratelimit.hit("reset-ip", ratelimit.client_ip(self.request), limit=20)):
            form.add_error(None, _("Too many reset requests. Wait a few minutes and try "
                                   "again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        send_staff_password_reset.enqueue(email)
        return redirect(self.get_success_url())


class StaffPasswordResetConfirmView(wagtail_account.PasswordResetConfirmView):
    """A reset link only ever sets the password of active staff, whatever made the link."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not (user.is_active and user.is_staff):
            return None
        return user
