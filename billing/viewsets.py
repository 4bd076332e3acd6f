"""The "Invoices" area of the Wagtail admin: a ModelViewSet over invoices and credit notes.

Who may do what (`billing.policies.InvoicePermissionPolicy`): a staff member works on the
invoices of the workspaces they serve (their teams'; firm admins: all), the same rule as a
workspace's Contacts and Files screens. Other workspaces' invoices are not listed and their
URLs answer 404. Only drafts are edited through the form (and only drafts deleted); an issued
or void invoice's edit URL shows it read only with its actions (`billing.admin.invoice`).
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.db.models import F, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet

from workspaces.access import served_workspaces
from workspaces.models import WorkspacePage

from . import money
from .admin.base import invoice_summary
from .admin.invoice import InvoiceDetailView, action_buttons
from .admin_forms import InvoiceAdminForm, PlainDecimalInput
from .models import Invoice
from .policies import invoice_policy

# ---------------------------------------------------------------------------- permissions

class ServedInvoicesMixin:
    """The invoices of the workspaces the staff member serves: anything else is 404."""

    def get_base_object_queryset(self):
        """For the views that load their invoice in setup() (history, usage)."""
        return invoice_policy.restrict(self.request.user,
                                       Invoice.objects.select_related("workspace"))


class ServedQuerysetMixin(ServedInvoicesMixin):
    """For Django's single-object views (edit, delete)."""

    def get_queryset(self):
        return self.get_base_object_queryset()


# ---------------------------------------------------------------------------- listing

def balance_expression():
    return F("total") - F("amount_paid") - F("amount_credited")


def status_q(status, today=None):
    """The rows whose `Invoice.status` is `status`, as one filter (mirrors the property)."""
    today = today or timezone.localdate()
    issued = Q(state=Invoice.State.ISSUED)
    invoice = Q(kind=Invoice.Kind.INVOICE)
    settled = Q(total__gt=0, _balance__lte=0)
    late = Q(due_date__lt=today)
    on_time = Q(due_date__isnull=True) | Q(due_date__gte=today)
    touched = Q(amount_paid__gt=0) | Q(amount_credited__gt=0)
    Status = Invoice.Status
    return {
        Status.DRAFT: Q(state=Invoice.State.DRAFT),
        Status.VOID: Q(state=Invoice.State.VOID),
        Status.CREDITED: issued & invoice & settled & Q(amount_credited__gte=F("total")),
        Status.PAID: issued & invoice & settled & Q(amount_credited__lt=F("total")),
        Status.OVERDUE: issued & invoice & ~settled & late,
        Status.PARTLY_PAID: issued & invoice & ~settled & on_time & touched,
        Status.ISSUED: issued & (~invoice | (~settled & on_time & ~touched)),
    }[status]


def _served_workspaces(request):
    if request is None:
        return WorkspacePage.objects.none()
    return served_workspaces(request.user).order_by("title")


class InvoiceFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Invoice.Status.choices, method="filter_status",
        empty_label=gettext_lazy("All"))
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"),
                                       choices=Invoice.Kind.choices,
                                       empty_label=gettext_lazy("All"))
    workspace = django_filters.ModelChoiceFilter(label=gettext_lazy("Workspace"),
                                                 queryset=_served_workspaces)
    issue_date = django_filters.DateFromToRangeFilter(label=gettext_lazy("Issue date"),
                                                      widget=DateRangePickerWidget)
    due_date = django_filters.DateFromToRangeFilter(label=gettext_lazy("Due date"),
                                                    widget=DateRangePickerWidget)

    class Meta:
        model = Invoice
        fields = []

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.annotate(_balance=balance_expression()).filter(status_q(value))


def shown_totals(invoice):
    """The totals people see in the list: live for a draft (from its prefetched lines),
    frozen once issued."""
    if invoice.is_draft:
        totals = money.compute(list(invoice.lines.all()), invoice.currency)
        return totals.subtotal, totals.tax_total, totals.total, totals.total
    return invoice.subtotal, invoice.tax_total, invoice.total, invoice.balance


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else "—"


def _money(value, invoice):
    return money.format_money(value, invoice.currency)


STATUS_PRIMARY = {Invoice.Status.OVERDUE, Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID}

EXPORT_FIELDS = ["number", "workspace", "kind", "status", "issue_date", "due_date",
                 "currency", "subtotal", "tax_total", "total", "amount_paid",
                 "amount_credited", "balance"]


class InvoiceIndexView(generic.IndexView):
    page_title = gettext_lazy("Invoices")

    def get_base_queryset(self):
        invoices = invoice_policy.instances_user_has_permission_for(self.request.user, "view")
        return invoices.select_related("workspace").prefetch_related("lines")

    @cached_property
    def columns(self):
        title_class = self._get_title_column_class(TitleColumn)
        return [
            title_class("number", label=_("Number"), accessor=str, sort_key="number",
                        get_url=lambda invoice: reverse(self.edit_url_name,
                                                        args=[invoice.pk])),
            Column("workspace", label=_("Workspace"), accessor="workspace.title",
                   sort_key="workspace__title"),
            Column("kind", label=_("Kind"), accessor="get_kind_display", sort_key="kind"),
            StatusTagColumn("status", label=_("Status"), accessor="get_status_display",
                            primary=lambda invoice: invoice.status in STATUS_PRIMARY),
            Column("issue_date", label=_("Issue date"), sort_key="issue_date",
                   accessor=lambda invoice: _date(invoice.issue_date)),
            Column("due_date", label=_("Due date"), sort_key="due_date",
                   accessor=lambda invoice: _date(invoice.due_date)),
            Column("total", label=_("Total"), classname="w-text-right",
                   accessor=lambda invoice: _money(shown_totals(invoice)[2], invoice)),
            Column("balance", label=_("Balance"), classname="w-text-right",
                   accessor=lambda invoice: _money(shown_totals(invoice)[3], invoice)),
        ]

    def get_heading(self, queryset, field):
        return str(EXPORT_HEADINGS.get(field, field))

    def to_row_dict(self, item):
        subtotal, tax_total, total, balance = shown_totals(item)
        currency = item.currency

        def amount(value):
            return money.round_money(value, currency)

        return {
            "number": item.number, "workspace": item.workspace.title,
            "kind": item.get_kind_display(), "status": item.get_status_display(),
            "issue_date": item.issue_date, "due_date": item.due_date, "currency": currency,
            "subtotal": amount(subtotal), "tax_total": amount(tax_total),
            "total": amount(total), "amount_paid": amount(item.amount_paid),
            "amount_credited": amount(item.amount_credited), "balance": amount(balance),
        }


EXPORT_HEADINGS = {
    "number": gettext_lazy("Number"), "workspace": gettext_lazy("Workspace"),
    "kind": gettext_lazy("Kind"), "status": gettext_lazy("Status"),
    "issue_date": gettext_lazy("Issue date"), "due_date": gettext_lazy("Due date"),
    "currency": gettext_lazy("Currency"), "subtotal": gettext_lazy("Subtotal"),
    "tax_total": gettext_lazy("Tax"), "total": gettext_lazy("Total"),
    "amount_paid": gettext_lazy("Paid"), "amount_credited": gettext_lazy("Credited"),
    "balance": gettext_lazy("Balance"),
}


# ---------------------------------------------------------------------------- create, edit

class InvoiceCreateView(generic.CreateView):
    page_title = gettext_lazy("New invoice")

    def get_initial(self):
        initial = super().get_initial()
        workspace = self.request.GET.get("workspace", "")
        if workspace.isdigit():
            initial["workspace"] = int(workspace)
        return initial

    def save_instance(self):
        self.form.instance.created_by = self.request.user
        return super().save_instance()

    def get_success_url(self):
        return reverse(self.edit_url_name, args=[self.object.pk])

    def get_success_message(self, instance):
        return _("“%(invoice)s” saved. Issue it when it is ready: that gives it its number "
                 "and emails the billing contacts.") % {"invoice": instance}


class InvoiceEditView(ServedQuerysetMixin, generic.EditView):
    """Drafts: the form. Issued and void invoices: read only, with their actions."""

    def get_object(self, queryset=None):
        if getattr(self, "_invoice", None) is None:
            self._invoice = super().get_object(queryset)
        return self._invoice

    def get(self, request, *args, **kwargs):
        invoice = self.get_object()
        if not invoice.is_draft:
            return InvoiceDetailView.as_view()(request, invoice=invoice)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        invoice = self.get_object()
        if not invoice.is_draft:
            messages.error(request, _("%s has been issued and can no longer be edited: credit "
                                      "it or void it instead.") % invoice)
            return redirect(reverse(self.edit_url_name, args=[invoice.pk]))
        return super().post(request, *args, **kwargs)

    def get_success_url(self):
        return self.get_edit_url()

    @cached_property
    def header_buttons(self):
        return action_buttons(self.object)


class InvoiceDeleteView(ServedQuerysetMixin, generic.DeleteView):
    """Only a draft is deleted: an issued invoice keeps its number for ever."""

    def dispatch(self, request, *args, **kwargs):
        if not self.object.is_draft:
            messages.error(request, _("%s has been issued: it cannot be deleted, only credited "
                                      "or voided.") % self.object)
            return redirect(reverse(self.edit_url_name, args=[self.object.pk]))
        return super().dispatch(request, *args, **kwargs)


class InvoiceHistoryView(ServedInvoicesMixin, HistoryView):
    pass


class InvoiceUsageView(ServedInvoicesMixin, UsageView):
    pass


# ---------------------------------------------------------------------------- the viewset

LINE_PANELS = [
    FieldPanel("description"),
    FieldRowPanel([FieldPanel(name, widget=PlainDecimalInput)
                   for name in ("quantity", "unit_price", "tax_rate", "discount")]),
]


class DraftTotalsPanel(Panel):
    """The totals and tax summary of the draft as saved (computed by the services)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "billing/admin/_draft_totals_panel.html"

        def is_shown(self):
            return bool(self.instance and self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            invoice = self.instance
            context.update(invoice=invoice, summary=invoice_summary(invoice))
            if invoice.credits_id:
                context["credit_cap"] = money.format_money(
                    max(invoice.credits.balance, 0), invoice.currency)
            return context


class InvoiceViewSet(ModelViewSet):
    model = Invoice
    icon = "doc-full"
    menu_label = gettext_lazy("Invoices")
    menu_order = 170
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    ordering = ["-issue_date", "-created_at"]
    filterset_class = InvoiceFilterSet
    list_export = EXPORT_FIELDS
    export_headings = EXPORT_HEADINGS
    export_filename = "invoices"
    index_view_class = InvoiceIndexView
    add_view_class = InvoiceCreateView
    edit_view_class = InvoiceEditView
    delete_view_class = InvoiceDeleteView
    history_view_class = InvoiceHistoryView
    usage_view_class = InvoiceUsageView
    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("workspace", widget=forms.Select),
            FieldRowPanel([FieldPanel("issue_date"), FieldPanel("due_date"),
                           FieldPanel("currency")]),
        ], heading=gettext_lazy("Invoice")),
        InlinePanel("lines", panels=LINE_PANELS, heading=gettext_lazy("Lines"),
                    label=gettext_lazy("Line"), min_num=1,
                    help_text=gettext_lazy(
                        "Quantity more than zero; a negative unit price makes a credit line "
                        "(allowed while the total stays above zero). Tax rate and discount "
                        "in %. Descriptions are printed as plain text.")),
        DraftTotalsPanel(heading=gettext_lazy("Totals as saved")),
        MultiFieldPanel([
            FieldPanel("bill_to"),
            FieldPanel("notes"),
            FieldPanel("payment_instructions"),
        ], heading=gettext_lazy("Printed on the invoice")),
    ], base_form_class=InvoiceAdminForm)

    def get_permissions_to_register(self):
        # The policy above decides, from the staff member's teams: the model permissions
        # would mean nothing, so none are offered in the group editor.
        return Permission.objects.none()


invoice_viewset = InvoiceViewSet("invoices")
