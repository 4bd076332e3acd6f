"""The contact's side of billing: invoices, one invoice, its PDF, the statement of account.

Every view is a `WorkspaceViewMixin` view of the "billing" tool (404 for outsiders, when the
firm or the workspace has billing off, and for members who are not billing contacts), and
every invoice comes through the access policy (`access.visible`, which never lets a draft
through): an invoice the contact may not see answers 404, never 403.
"""

import logging
from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from workspaces import access
from workspaces.blobs import serving
from workspaces.pdf import PDFError
from workspaces.shell import firm_for
from workspaces.views.portal import WorkspaceViewMixin

from .. import pdf
from .. import statement as statements
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


def _pdf_failed(request, back):
    logger.exception("Billing PDF for %s failed", request.path)
    messages.error(request, _("The PDF could not be made just now. Please try again in a "
                              "moment; if it keeps failing, tell your contact at the firm."))
    return redirect(back)


def _pdf_response(content, filename):
    return serving.generated(content, filename, "application/pdf")


class InvoiceListView(BillingViewMixin, TemplateView):
    template_name = "billing/portal/invoices.html"

    def get_context_data(self, **kwargs):
        visible = self.visible_invoices()
        invoices = list(visible.order_by("-issue_date", "-number", "-pk"))
        for invoice in invoices:
            invoice.places = statements.places(invoice.currency)
        return super().get_context_data(
            invoices=invoices,
            owed=statements.owed(visible),
            **kwargs)


class InvoiceDetailView(BillingViewMixin, TemplateView):
    template_name = "billing/portal/invoice.html"

    def get_context_data(self, **kwargs):
        visible = self.visible_invoices()
        invoice = access.get_visible_or_404(
            self.request.user, self.workspace, Invoice.objects.select_related("credits"),
            pk=self.kwargs["pk"])
        context = pdf.invoice_context(
            invoice, credit_notes=visible.filter(credits=invoice, state=Invoice.State.ISSUED))
        corrects = context["corrects"]
        if corrects is not None and not visible.filter(pk=corrects.pk).exists():
            context["corrects"] = None  # never name an invoice the contact may not see
        kwargs.update(context)
        return super().get_context_data(**kwargs)


class InvoicePDFView(BillingViewMixin, View):
    def get(self, request, *args, **kwargs):
        invoice = access.get_visible_or_404(
            request.user, self.workspace, Invoice.objects.select_related("workspace"),
            pk=kwargs["pk"])
        try:
            content = pdf.invoice_pdf(invoice)
        except PDFError:
            return _pdf_failed(request, reverse("billing:invoice",
                                                args=[self.workspace.slug, invoice.pk]))
        return _pdf_response(content, pdf.invoice_filename(invoice))


class PeriodForm(forms.Form):
    """?from=&to= (ISO dates, both included); either may be left out for its default."""

    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages={
        "invalid": gettext_lazy("The start date is not a date: use the form YYYY-MM-DD.")})
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages={
        "invalid": gettext_lazy("The end date is not a date: use the form YYYY-MM-DD.")})

    MIN_DATE = date(1900, 1, 1)

    def clean(self):
        cleaned = super().clean()
        default_start, default_end = statements.default_period()
        start = cleaned.get("start") or default_start
        end = cleaned.get("end") or default_end
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start < self.MIN_DATE or end < self.MIN_DATE:
            raise forms.ValidationError(_("Choose dates after 1900."), code="too_early")
        if start > end:
            raise forms.ValidationError(
                _("The start date (%(start)s) is after the end date (%(end)s): choose a start "
                  "on or before the end.") % {"start": start.isoformat(),
                                               "end": end.isoformat()},
                code="reversed")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


def _period_form(request):
    """The period form bound to ?from=&to= (the defaults when neither is given)."""
    return PeriodForm({"start": request.GET.get("from", "").strip(),
                       "end": request.GET.get("to", "").strip()})


class StatementMixin(BillingViewMixin):
    template_name = "billing/portal/statement.html"

    def period(self):
        """(form, start, end); start and end are None when the form has errors."""
        form = _period_form(self.request)
        if not form.is_valid():
            return form, None, None
        return form, form.cleaned_data["start"], form.cleaned_data["end"]

    def refused(self, form):
        """The statement page with the form's message, and nothing else (400)."""
        errors = [message for messages in form.errors.values() for message in messages]
        return self.render_to_response(self.get_context_data(
            errors=errors, statement=None, value_from=form.data["start"],
            value_to=form.data["end"]), status=400)


class StatementView(StatementMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        form, start, end = self.period()
        if start is None:
            return self.refused(form)
        return self.render_to_response(self.get_context_data(
            statement=statements.build(self.visible_invoices(), start, end),
            value_from=start.isoformat(), value_to=end.isoformat()))


class StatementPDFView(StatementMixin, TemplateView):
    def get(self, request, *args, **kwargs):
        form, start, end = self.period()
        if start is None:
            return self.refused(form)
        statement = statements.build(self.visible_invoices(), start, end)
        try:
            content = pdf.statement_pdf(self.workspace, statement)
        except PDFError:
            return _pdf_failed(request, reverse("billing:statement", args=[self.workspace.slug])
                               + f"?from={start.isoformat()}&to={end.isoformat()}")
        filename = f"statement-{self.workspace.slug}-{start.isoformat()}-{end.isoformat()}.pdf"
        return _pdf_response(content, filename)
