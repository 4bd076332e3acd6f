"""Emails about invoices, sent as background tasks once the change has committed.

When an invoice or a credit note is issued, each contact who may see it (the access policy's
four layers: the firm lets clients see billing, the workspace has the billing tool and counts
them among its billing contacts, they are active members with portal access, and the invoice
is granted to them) gets a branded email with the amount, the due date and a link to it.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django_tasks import task

from workspaces import access
from workspaces.emails import send_branded

from . import money
from .models import Invoice

logger = logging.getLogger(__name__)


def recipients(invoice):
    """The contacts who may see `invoice` in the portal and can be emailed."""
    return [contact for contact, explanation in access.who_can_see(invoice)
            if explanation.allowed and contact.email]


def invoice_url(invoice, site=None):
    """The invoice's page in the portal (its workspace's invoice list, or the portal's home,
    while there is no such page)."""
    site = site if site is not None else invoice.workspace.get_site()
    base = site.root_url if site else ""
    slug = invoice.workspace.slug
    for name, args in (("billing:invoice", [slug, invoice.pk]), ("billing:invoices", [slug])):
        try:
            return base + reverse(name, args=args)
        except NoReverseMatch:
            continue
    return base + "/"


def notify_issued_on_commit(invoice):
    """Once the current transaction commits, email the invoice's contacts (one task each)."""
    invoice_id = invoice.pk

    def enqueue():
        issued = Invoice.objects.select_related("workspace").filter(pk=invoice_id).first()
        if issued is None:
            return
        for user in recipients(issued):
            send_invoice_issued.enqueue(invoice_id, user.pk)

    transaction.on_commit(enqueue)


@task()
def send_invoice_issued(invoice_id, user_id):
    """Tell one contact about a newly issued invoice or credit note (if they may still see
    it when the task runs)."""
    invoice = Invoice.objects.select_related("workspace", "credits").filter(
        pk=invoice_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if invoice is None or user is None or invoice.state != Invoice.State.ISSUED:
        return
    if not access.may(user, "view", invoice):
        return
    workspace = invoice.workspace
    site = workspace.get_site()
    firm = access.firm_settings_for(workspace)

    def context():
        return {
            "invoice": invoice, "workspace": workspace,
            "is_credit_note": invoice.kind == Invoice.Kind.CREDIT_NOTE,
            "total": money.format_money(invoice.total, invoice.currency),
            "due_date": formats.date_format(invoice.due_date, "DATE_FORMAT")
            if invoice.due_date else "",
            "link": invoice_url(invoice, site),
        }

    send_branded(user, "emails/invoice_issued", context, firm)
    logger.info("Invoice %s: issue email sent to user %s", invoice_id, user_id)
