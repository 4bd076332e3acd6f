"""Dashboard panels the billing app registers with the spine."""

from django.urls import reverse

from workspaces import access
from workspaces.shell import firm_for

from . import statement
from .models import Invoice


def balance_panel(request, workspace):
    """"Billing": what the contact's company owes (per currency, with the overdue part) and
    the next invoice due. None when there is nothing to show: no invoice issued yet, or the
    contact does not see invoices (the policy gives them none)."""
    invoices = access.visible(request.user, workspace, Invoice.objects.all(),
                              firm=firm_for(request))
    owed = statement.owed(invoices)
    if not owed and not invoices.exists():
        return None
    next_due = min((row.next_due for row in owed if row.next_due),
                   key=lambda invoice: (invoice.due_date is None, invoice.due_date, invoice.pk),
                   default=None)
    if next_due is not None:
        next_due.places = statement.places(next_due.currency)
    return {
        "template": "billing/portal/panel_balance.html",
        "owed": owed,
        "next_due": next_due,
        "workspace": workspace,
        "invoices_url": reverse("billing:invoices", args=[workspace.slug]),
    }
