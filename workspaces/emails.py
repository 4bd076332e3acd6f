"""Branded emails, sent as background tasks so that a slow mail server never blocks a page.

Every email of the portal goes through `send_branded`: the Site's branding and sender, the
recipient's language (else the portal's default), an HTML part and a plain-text part. A tool
keeps its templates in its own app (`<app>/templates/emails/<name>{_subject.txt,.txt,.html}`,
extending `emails/base.html` and `emails/base.txt`) and calls this from its task.
"""

from django.conf import settings
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


def send_branded(user, template, context, firm):
    """Email `user` the message `template` (a path without extension, e.g.
    "emails/invoice_issued") rendered with `context` in their language, branded and sent from
    the address of `firm` (the recipient's Site's FirmSettings). `context` may be a callable
    returning the dict, for values formatted in the recipient's language (money, dates)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {**(context() if callable(context) else context), "user": user, "firm": firm}
        # A subject is one line whatever the template's whitespace.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject, text, firm.from_email, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def _send_magic_link(user, site_id, reason, workspace_title):
    site = Site.objects.filter(pk=site_id).first() or Site.objects.filter(
        is_default_site=True).first()
    firm = FirmSettings.for_site(site)
    context = {
        "link": magic_link_url(user, site_base_url(site)),
        "days": firm.magic_link_days,
        "workspace_title": workspace_title,
        "reason": reason,
    }
    send_branded(user, "emails/magic_link", context, firm)
