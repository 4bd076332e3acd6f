"""Staff screens of billing in the Wagtail admin, beside the Invoices viewset
(`billing.viewsets`): an issued invoice read only, its actions (issue, duplicate, record a
payment, void, credit note, PDF) and a workspace's Billing page (who sees invoices and
reports, billing details, its reports and "Make a report now").

Staff act only on the workspaces whose page they may edit (their teams'; superusers: all);
anything else answers 404. Every change goes through `billing.services` (or
`billing.reports`) and is written to Wagtail's audit log.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from workspaces import access
from workspaces.admin_views import WorkspaceAdminView
from workspaces.blobs import serving

from .. import admin_forms, audience, money, services
from ..models import Invoice, Report, WorkspaceBilling
from ..policies import invoice_policy, report_policy


def served_invoice_or_404(request, invoice_id):
    return invoice_policy.get_or_404(
        request.user, Invoice.objects.select_related("workspace", "credits"), pk=invoice_id)


def edit_url(invoice):
    return reverse("invoices:edit", args=[invoice.pk])


def action_url(name, invoice):
    return reverse(f"billing_admin:{name}", args=[invoice.pk])


def action_buttons(invoice):
    """The header buttons of an invoice's page, as its state allows."""
    buttons = []
    is_invoice = invoice.kind == Invoice.Kind.INVOICE
    if invoice.is_draft:
        buttons.append(HeaderButton(_("Issue"), action_url("issue", invoice),
                                    icon_name="success", priority=10))
        buttons.append(HeaderButton(_("Preview PDF"), action_url("pdf", invoice),
                                    icon_name="download", priority=40))
    elif invoice.state == Invoice.State.ISSUED:
        if is_invoice and invoice.balance > 0:
            buttons.append(HeaderButton(_("Record payment"), action_url("payment", invoice),
                                        icon_name="plus", priority=10))
            buttons.append(HeaderButton(_("Create credit note"),
                                        action_url("credit_note", invoice),
                                        icon_name="arrow-left", priority=20))
        buttons.append(HeaderButton(_("Void"), action_url("void", invoice),
                                    icon_name="cross", priority=30))
    if not invoice.is_draft:
        buttons.append(HeaderButton(_("Download PDF"), action_url("pdf", invoice),
                                    icon_name="download", priority=5))
    buttons.append(HeaderButton(_("Duplicate"), action_url("duplicate", invoice),
                                icon_name="copy", priority=50))
    return sorted(buttons)


def show(amount, currency):
    return money.format_money(amount, currency)


def plain(number):
    """1.500 -> "1.5", 20.00 -> "20" (no exponent, no trailing zeros)."""
    text = f"{number.normalize():f}"
    return text


def invoice_summary(invoice):
    """Lines with their net amounts, the totals and the tax summary, ready to show."""
    totals = services.draft_totals(invoice)
    currency = invoice.currency
    lines = list(invoice.lines.all())
    rows = [{"line": line, "quantity": plain(line.quantity),
             "unit_price": show(line.unit_price, currency).rsplit(" ", 1)[0],
             "tax_rate": plain(line.tax_rate),
             "discount": plain(line.discount) if line.discount else "",
             "net": show(amounts.net, currency)}
            for line, amounts in zip(lines, totals.lines, strict=False)]
    taxes = [{"rate": plain(rate), "base": show(base, currency), "tax": show(tax, currency)}
             for rate, base, tax in totals.taxes]
    balance = totals.total if invoice.is_draft else invoice.balance
    return {
        "rows": rows, "taxes": taxes,
        "subtotal": show(totals.subtotal, currency), "tax_total": show(totals.tax_total,
                                                                       currency),
        "total": show(totals.total, currency), "paid": show(invoice.amount_paid, currency),
        "credited": show(invoice.amount_credited, currency),
        "balance": show(balance, currency),
    }


def billing_readers(workspace):
    """The workspace's active members who would see its issued invoices, and why not when
    the billing tool or the firm's setting stops everyone."""
    members = access.active_members(workspace).filter(portal_access=True)
    workspace._billing_profile = None
    return [user for user in members if audience.sees_invoices(user, workspace)]


def billing_blocked_reason(workspace):
    firm = access.firm_settings_for(workspace)
    if not firm.switch_on("clients_see_billing"):
        return _("The firm does not let clients see billing (Settings › Firm settings): no "
                 "contact sees invoices or is emailed.")
    if not workspace.tool_enabled("billing"):
        return _("Billing is switched off in this workspace: no contact sees invoices or is "
                 "emailed until it is switched on.")
    return None


# ---------------------------------------------------------------------------- base

class BillingAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "doc-full"

    def invoices_crumb(self):
        return {"url": reverse("invoices:index"), "label": _("Invoices")}


class InvoiceDetailView(BillingAdminView):
    """An issued or void invoice, read only: lines, totals, tax summary, payments, credit
    notes, who sees it and its history. Served at the invoice's edit URL."""

    template_name = "billing/admin/invoice_detail.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invoice = kwargs["invoice"]

    def get_page_title(self):
        return str(self.invoice)

    def get_page_subtitle(self):
        return self.invoice.workspace.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [self.invoices_crumb(),
                                         {"url": "", "label": str(self.invoice)}]

    def get_header_buttons(self):
        return action_buttons(self.invoice)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invoice = self.invoice
        rows = access.who_can_see(invoice)
        context.update(
            invoice=invoice, summary=invoice_summary(invoice),
            payments=[(p, show(p.amount, invoice.currency))
                      for p in invoice.payments.select_related("recorded_by")],
            credit_notes=[(note, show(note.total if not note.is_draft else
                                      services.draft_totals(note).total, note.currency))
                          for note in invoice.credit_notes.order_by("created_at")],
            history=log_registry.get_logs_for_instance(invoice).select_related("user")
            .order_by("-timestamp")[:50],
            rows=rows, allowed_count=sum(1 for _c, e in rows if e.allowed),
            blocked=billing_blocked_reason(invoice.workspace),
        )
        return context


# ---------------------------------------------------------------------------- actions

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
        from .. import numbering

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


class PdfView(InvoiceActionView):
    """The invoice as the client gets it (a draft's PDF is a preview)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        from ..pdf import invoice_filename, invoice_pdf

        return serving.generated(invoice_pdf(self.invoice), invoice_filename(self.invoice),
                                 "application/pdf")


# ---------------------------------------------------------------------------- workspace page

class WorkspaceBillingView(WorkspaceAdminView):
    """A workspace's billing: who sees invoices and reports, billing details, its invoices
    and its monthly reports."""

    template_name = "billing/admin/workspace.html"
    page_title = gettext_lazy("Billing")
    header_icon = "doc-full"

    def get_header_buttons(self):
        return [HeaderButton(_("New invoice"),
                             reverse("invoices:add") + f"?workspace={self.workspace.pk}",
                             icon_name="plus", priority=10),
                HeaderButton(_("All invoices"),
                             reverse("invoices:index") + f"?workspace={self.workspace.pk}",
                             icon_name="list-ul", priority=20)]

    def profile(self):
        return (WorkspaceBilling.objects.filter(workspace=self.workspace).first()
                or WorkspaceBilling(workspace=self.workspace))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workspace = self.workspace
        latest = (Invoice.objects.filter(workspace=workspace, state=Invoice.State.ISSUED)
                  .order_by("-issued_at", "-pk").first())
        rows = access.who_can_see(latest) if latest else None
        invoices = list(Invoice.objects.filter(workspace=workspace)
                        .prefetch_related("lines").order_by("-created_at")[:10])
        context.update(
            workspace=workspace,
            form=kwargs.get("form") or admin_forms.WorkspaceBillingForm(
                workspace, instance=self.profile()),
            report_form=kwargs.get("report_form") or admin_forms.ReportRequestForm(),
            latest=latest, rows=rows,
            allowed_count=sum(1 for _c, e in rows if e.allowed) if rows else 0,
            readers=billing_readers(workspace), blocked=billing_blocked_reason(workspace),
            invoices=[(i, show(services.draft_totals(i).total if i.is_draft else i.total,
                               i.currency), show(i.balance, i.currency)) for i in invoices],
            reports=Report.objects.filter(workspace=workspace).select_related(
                "requested_by")[:24],
        )
        return context

    def post(self, request, *args, **kwargs):
        profile = self.profile()
        form = admin_forms.WorkspaceBillingForm(self.workspace, request.POST, instance=profile)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        profile = form.save()
        audience.sync_all(self.workspace)
        log(instance=self.workspace, action="billing.profile", user=request.user, data={
            "audience": profile.audience,
            "contacts": sorted(u.email for u in profile.contacts.all()),
            "report_audience": profile.report_audience,
            "report_contacts": sorted(u.email for u in profile.report_contacts.all()),
            "monthly_reports": profile.monthly_reports,
        })
        messages.success(request, _("Billing of “%s” saved; who sees its invoices and reports "
                                    "is updated.") % self.workspace.title)
        return redirect("billing_admin:workspace", self.workspace.pk)


class RequestReportView(WorkspaceBillingView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        from .. import reports

        form = admin_forms.ReportRequestForm(request.POST)
        if form.is_valid():
            try:
                report = reports.request_report(self.workspace, form.cleaned_data["month"],
                                                request.user)
            except ValidationError as error:
                form.add_error("month", error)
            else:
                log(instance=self.workspace, action="billing.report_request",
                    user=request.user, data={"month": report.month.strftime("%Y-%m"),
                                             "report": report.pk})
                messages.success(request, _("The report of %s is being made; it is listed "
                                            "below when ready.") % reports.month_label(
                    report.month))
                return redirect("billing_admin:workspace", self.workspace.pk)
        return self.render_to_response(self.get_context_data(report_form=form), status=400)


class ReportDownloadView(BillingAdminView):
    def get(self, request, *args, **kwargs):
        report = report_policy.get_or_404(request.user,
                                          Report.objects.select_related("workspace"),
                                          pk=kwargs["report_id"])
        if report.state != Report.State.READY or not report.pdf:
            raise Http404
        filename = f"{report.workspace.slug}-report-{report.month:%Y-%m}.pdf"
        return serving.serve_blob(request, report.pdf, filename, "application/pdf",
                                  inline=False)


urlpatterns = [
    path("invoice/<int:invoice_id>/issue/", IssueView.as_view(), name="issue"),
    path("invoice/<int:invoice_id>/duplicate/", DuplicateView.as_view(), name="duplicate"),
    path("invoice/<int:invoice_id>/payment/", PaymentView.as_view(), name="payment"),
    path("invoice/<int:invoice_id>/void/", VoidView.as_view(), name="void"),
    path("invoice/<int:invoice_id>/credit-note/", CreditNoteView.as_view(),
         name="credit_note"),
    path("invoice/<int:invoice_id>/pdf/", PdfView.as_view(), name="pdf"),
    path("workspace/<int:page_id>/", WorkspaceBillingView.as_view(), name="workspace"),
    path("workspace/<int:page_id>/report/", RequestReportView.as_view(), name="report"),
    path("report/<int:report_id>/download/", ReportDownloadView.as_view(),
         name="report_download"),
]
