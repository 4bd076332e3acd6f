"""What the invoice and statement views share: the billing tool's view base, which lists
the invoices the contact may see, and how a PDF is answered or its failure reported."""

import logging

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from workspaces import access
from workspaces.blobs import serving
from workspaces.shell import firm_for
from workspaces.views.portal import WorkspaceViewMixin

from ..models import Invoice

logger = logging.getLogger(__name__)


class BillingViewMixin(WorkspaceViewMixin):
    tool = "billing"

    def get_context_data(self, **kwargs):
        kwargs["workspace"] = self.workspace  # the page, not the slug from the URL
        return super().get_context_data(**kwargs)

    def visible_invoices(self):
        return access.visible(self.request.user, self.workspace, Invoice.objects.all(),
                              firm=firm_for(self.request))


def pdf_failed(request, back):
    logger.exception("Billing PDF for %s failed", request.path)
    messages.error(request, _("The PDF could not be made just now. Please try again in a "
                              "moment; if it keeps failing, tell your contact at the firm."))
    return redirect(back)


def pdf_response(content, filename):
    return serving.generated(content, filename, "application/pdf")
