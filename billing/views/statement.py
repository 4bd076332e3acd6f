"""A contact's statement of account for a period (?from=&to=), on screen and as a PDF."""

from datetime import date

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from workspaces.pdf import PDFError

from .. import pdf
from .. import statement as statements
from .base import BillingViewMixin, pdf_failed, pdf_response


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
            return pdf_failed(request, reverse("billing:statement", args=[self.workspace.slug])
                               + f"?from={start.isoformat()}&to={end.isoformat()}")
        filename = f"statement-{self.workspace.slug}-{start.isoformat()}-{end.isoformat()}.pdf"
        return pdf_response(content, filename)
