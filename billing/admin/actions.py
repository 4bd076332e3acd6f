"""An invoice's actions in the admin: issue, duplicate, record a payment, void, credit note.
Each is a confirmation page (with a form when the action needs one) and its POST, which goes
through `billing.services` and is written to the audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from .. import admin_forms, numbering, services
from .base import (
    BillingAdminView,
    billing_blocked_reason,
    billing_readers,
    edit_url,
    invoice_summary,
    served_invoice_or_404,
    show,
)


class InvoiceActionView(BillingAdminView):
    """A confirmation page (with a form when the action needs one) and its POST."""

    template_name = "billing/admin/action.html"
    form_class = None
    submit_label = ""
    destructive = False

    def dispatch(self, request, *args, **kwargs):
        self.invoice = served_invoice_or_404(request, kwargs["invoice_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.invoice)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            self.invoices_crumb(),
            {"url": edit_url(self.invoice), "label": str(self.invoice)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form(self, data=None):
        return self.form_class(self.invoice, data) if self.form_class else None

    def explanation(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = self.invoice
        context.update(
            invoice=invoice, summary=invoice_summary(invoice),
            form=kwargs.get("form", self.get_form()), errors=kwargs.get("errors", []),
            explanation=self.explanation(), submit_label=self.submit_label,
            destructive=self.destructive, cancel_url=edit_url(invoice),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form is not None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            target = self.perform(form)
        except ValidationError as error:
            errors = self.place_errors(error, form)
            return self.render_to_response(self.get_context_data(form=form, errors=errors),
                                           status=400)
        return redirect(target)

    def place_errors(self, error, form):
        """Errors on the form's fields where they name one; the rest returned for the top."""
        if hasattr(error, "error_dict"):
            rest = []
            for key, errors in error.error_dict.items():
                if form is not None and key in form.fields:
                    form.add_error(key, errors)
                else:
                    rest.extend(m for e in errors for m in ValidationError(e).messages)
            return rest
        return list(error.messages)

    def perform(self, form):
        raise NotImplementedError


class IssueView(InvoiceActionView):
    page_title = gettext_lazy("Issue")
    submit_label = gettext_lazy("Issue and email the contacts")

    def get(self, request, *args, **kwargs):
        if not self.invoice.is_draft:
            messages.info(request, _("%s has already been issued.") % self.invoice)
            return redirect(edit_url(self.invoice))
        return super().get(request, *args, **kwargs)

    def explanation(self):
        invoice = self.invoice
        site = invoice.workspace.get_site()
        number = numbering.peek(site, invoice.kind,
                                invoice.issue_date or timezone.localdate())
        readers = billing_readers(invoice.workspace)
        lines = [_("Issuing assigns the next number (%s, if nobody issues before you) and "
                   "emails the billing contacts. After that it cannot be edited: only paid, "
                   "credited or voided.") % number]
        blocked = billing_blocked_reason(invoice.workspace)
        if blocked:
            lines.append(blocked)
        elif readers:
            lines.append(_("Emailed and shown in the portal to: %s.") % ", ".join(
                user.email for user in readers))
        else:
            lines.append(_("No contact sees invoices in this workspace (see its Billing "
                           "page): nobody is emailed."))
        return lines

    def perform(self, form):
        invoice = services.issue(self.invoice, self.request.user)
        log(instance=invoice, action="billing.issue", user=self.request.user,
            data={"number": invoice.number, "total": str(invoice.total),
                  "currency": invoice.currency})
        messages.success(self.request, _("%(invoice)s issued for %(total)s. The billing "
                                         "contacts are emailed.") % {
            "invoice": invoice, "total": show(invoice.total, invoice.currency)})
        return edit_url(invoice)


class DuplicateView(InvoiceActionView):
    page_title = gettext_lazy("Duplicate")
    submit_label = gettext_lazy("Make a new draft")

    def explanation(self):
        return [_("A new draft with the same workspace, currency, notes and lines. It has no "
                  "number or dates until it is issued.")]

    def perform(self, form):
        draft = services.duplicate(self.invoice, self.request.user)
        log(instance=draft, action="billing.duplicate", user=self.request.user,
            data={"from": str(self.invoice), "from_id": self.invoice.pk})
        messages.success(self.request, _("New draft made from %s. Check it, then issue it.")
                         % self.invoice)
        return edit_url(draft)


class PaymentView(InvoiceActionView):
    page_title = gettext_lazy("Record payment")
    submit_label = gettext_lazy("Record payment")
    form_class = admin_forms.PaymentForm

    def explanation(self):
        return [_("Money received against this invoice. The balance goes down by the amount; "
                  "it cannot go below zero.")]

    def perform(self, form):
        data = form.cleaned_data
        payment = services.record_payment(self.invoice, data["amount"], data["date"],
                                          data["method"], data["reference"],
                                          self.request.user)
        log(instance=self.invoice, action="billing.payment", user=self.request.user,
            data={"amount": str(payment.amount), "currency": self.invoice.currency,
                  "date": payment.date.isoformat(), "method": payment.method,
                  "reference": payment.reference})
        messages.success(self.request, _("Payment of %(amount)s recorded. Still owed: "
                                         "%(balance)s.") % {
            "amount": show(payment.amount, self.invoice.currency),
            "balance": show(self.invoice.balance, self.invoice.currency)})
        return edit_url(self.invoice)


class VoidView(InvoiceActionView):
    page_title = gettext_lazy("Void")
    submit_label = gettext_lazy("Void it")
    destructive = True

    def get_form(self, data=None):
        return admin_forms.VoidForm(data)

    def explanation(self):
        return [_("A void invoice keeps its number (numbers are never reused) and stays in the "
                  "portal marked VOID; nothing is owed on it. This cannot be undone: to bill "
                  "again, duplicate it.")]

    def perform(self, form):
        reason = form.cleaned_data["reason"]
        invoice = services.void(self.invoice, self.request.user, reason)
        log(instance=invoice, action="billing.void", user=self.request.user,
            data={"number": invoice.number, "reason": reason})
        messages.success(self.request, _("%s is void.") % invoice)
        return edit_url(invoice)


class CreditNoteView(InvoiceActionView):
    page_title = gettext_lazy("Create credit note")
    submit_label = gettext_lazy("Create the draft credit note")

    def explanation(self):
        return [_("A draft credit note correcting %(invoice)s, with its lines copied: change "
                  "them to what you take off (at most %(balance)s, what is still owed), then "
                  "issue it. Issuing gives it a credit note number and lowers the invoice's "
                  "balance.") % {"invoice": self.invoice,
                                 "balance": show(self.invoice.balance,
                                                 self.invoice.currency)}]

    def perform(self, form):
        note = services.credit_note(self.invoice, self.request.user)
        log(instance=note, action="billing.credit_note", user=self.request.user,
            data={"credits": str(self.invoice), "credits_id": self.invoice.pk})
        log(instance=self.invoice, action="billing.credit_note", user=self.request.user,
            data={"credit_note_id": note.pk})
        messages.success(self.request, _("Draft credit note for %s made: adjust its lines, "
                                         "then issue it.") % self.invoice)
        return edit_url(note)
