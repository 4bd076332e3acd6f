"""Emails to contacts, sent as background tasks so that a slow mail server never blocks a page."""

from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task
from sesame.utils import get_token
from wagtail.models import Site

from .models import FirmSettings


def magic_link_url(user, base_url):
    return f"{base_url.rstrip('/')}{reverse('portal:magic_link')}?token={get_token(user)}"


def site_base_url(site):
    return site.root_url if site else ""


@task()
def send_magic_link(user_id, site_id, reason="login", workspace_title=""):
    """Email a one-time login link; `reason` is "login" (asked for) or "invite"."""
    user = get_user_model().objects.get(pk=user_id)
    _send_magic_link(user, site_id, reason, workspace_title)


@task()
def send_login_link(email, site_id):
    """A link asked for on the login page. The address is looked up here, in the worker, so
    that the request does the same work whether or not it belongs to a contact."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).first()
    if user is None or user.is_staff or not user.is_active or not user.portal_access:
        return
    _send_magic_link(user, site_id, "login", "")


@task()
def send_staff_password_reset(email):
    """The admin's "forgot password" email, built in the worker for the same reason. Only
    active staff with a password get one (see StaffPasswordResetForm)."""
    from .forms import StaffPasswordResetForm

    form = StaffPasswordResetForm({"email": email})
    if form.is_valid():
        # The link in the email is made from WAGTAILADMIN_BASE_URL, not from this domain.
        form.save(domain_override="portal", use_https=True,
                  subject_template_name="wagtailadmin/account/password_reset/email_subject.txt",
                  email_template_name="wagtailadmin/account/password_reset/email.txt")


def _send_magic_link(user, site_id, reason, workspace_title):
    site = Site.objects.filter(pk=site_id).first() or Site.objects.filter(
        is_default_site=True).first()
    firm = FirmSettings.for_site(site)
    context = {
        "user": user,
        "firm": firm,
        "link": magic_link_url(user, site_base_url(site)),
        "days": firm.magic_link_days,
        "workspace_title": workspace_title,
        "reason": reason,
    }
    with translation.override(user.language or None):
        subject = render_to_string("emails/magic_link_subject.txt", context).strip()
        text = render_to_string("emails/magic_link.txt", context)
        html = render_to_string("emails/magic_link.html", context)
    message = EmailMultiAlternatives(subject, text, firm.from_email, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
