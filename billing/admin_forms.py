"""Forms of the staff side of billing (Wagtail admin): the invoice form with its lines, the
action forms (payment, void, report month) and a workspace's billing profile."""

import datetime
import re
from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput
from wagtail.models import Site

from workspaces.access import served_workspaces
from workspaces.audience import AudienceFormMixin
from workspaces.models import WorkspacePage

from . import money
from .models import BillingSettings, Invoice, Payment, WorkspaceBilling

User = get_user_model()


# ---------------------------------------------------------------------------- who works where

def site_of(workspace):
    return workspace.get_site() or Site.objects.filter(is_default_site=True).first()


def settings_for(workspace):
    """The firm's billing settings of the workspace's Site."""
    return BillingSettings.for_site(site_of(workspace))


def profile_of(workspace):
    return (WorkspaceBilling.objects.filter(workspace=workspace).first()
            or WorkspaceBilling(workspace=workspace))


def defaults_for(workspace):
    """Currency, bill-to and payment instructions a new invoice of `workspace` starts with."""
    profile, firm = profile_of(workspace), settings_for(workspace)
    bill_to = profile.bill_to
    if profile.client_tax_id:
        bill_to = "\n".join(filter(None, [bill_to, _("Tax number: %s") % profile.client_tax_id]))
    return {
        "currency": profile.currency or firm.default_currency,
        "bill_to": bill_to,
        "payment_instructions": firm.payment_instructions,
    }


def error_text(error):
    return " ".join(str(m) for m in error.messages)


# ---------------------------------------------------------------------------- the invoice form

class PlainDecimalInput(forms.TextInput):
    """A decimal shown as typed: 1.5 rather than 1.500, 20 rather than 20.00."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal) and value.is_finite():
            return f"{value.normalize():f}"
        return super().format_value(value)


LINE_KEY = re.compile(r"^lines?[-_.\[]?(\d+)\]?(?:[-_.](\w+))?$")


class InvoiceAdminForm(WagtailAdminModelForm):
    """A draft invoice: the workspace (among those the staff member serves), dates, currency,
    bill-to, notes, payment instructions and its lines. Empty currency, bill-to and payment
    instructions are taken from the workspace's billing profile and the firm's settings.
    `billing.services.validate_invoice` has the last word; its errors are shown on the line
    they concern where it names one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "workspace" in self.fields:
            field = self.fields["workspace"]
            field.queryset = served_workspaces(user).order_by("title") if user else \
                WorkspacePage.objects.none()
            field.help_text = _("Only the workspaces you serve are listed.")
            if not self.instance.pk and not self.is_bound:
                self._initial_defaults(field.queryset)
        for name, help_text in (
            ("currency", _("ISO 4217 code (EUR, USD, GBP…). Empty: the workspace's currency, "
                           "or the firm's default.")),
            ("bill_to", _("Empty: the client's name and address from the workspace's "
                          "billing profile.")),
            ("payment_instructions", _("Empty: the firm's payment instructions "
                                       "(Settings › Billing settings).")),
        ):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = help_text

    def _initial_defaults(self, queryset):
        """A new invoice opened from a workspace (?workspace=<id>), or by someone who serves
        only one, starts with that workspace's defaults."""
        pk = self.initial.get("workspace")
        workspace = None
        if pk:
            workspace = queryset.filter(pk=pk).first()
        elif queryset.count() == 1:
            workspace = queryset.first()
        if workspace is None:
            self.initial["currency"] = ""  # the workspace's, once one is picked
            return
        self.initial["workspace"] = workspace.pk
        self.initial.update(defaults_for(workspace))

    def clean_currency(self):
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code:
            money.validate_currency(code)
        return code

    def clean(self):
        cleaned = super().clean()
        workspace = cleaned.get("workspace") or getattr(self.instance, "workspace", None)
        if workspace is not None and isinstance(workspace, WorkspacePage):
            defaults = defaults_for(workspace)
            for name in ("currency", "bill_to", "payment_instructions"):
                if name in self.fields and not cleaned.get(name):
                    cleaned[name] = defaults[name]
        return cleaned

    # -- lines and the services' verdict

    def line_forms(self):
        """The line forms that will be saved, in their order on the page."""
        formset = self.formsets.get("lines")
        if formset is None:
            return []
        kept = []
        for position, form in enumerate(formset.forms):
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if formset.can_delete and formset._should_delete_form(form):
                continue
            order = form.cleaned_data.get("ORDER")
            kept.append((order if order is not None else position, position, form))
        return [form for _order, _position, form in sorted(kept, key=lambda t: t[:2])]

    def is_valid(self):
        if not super().is_valid():
            return False
        if getattr(self, "_services_checked", None) is not None:
            return self._services_checked
        self._services_checked = self._check_with_services()
        return self._services_checked

    def _check_with_services(self):
        from . import services, validation

        forms_ = self.line_forms()
        if not forms_:
            self.add_error(None, _("An invoice needs at least one line."))
            return False
        currency = self.instance.currency
        kind = self.instance.kind or Invoice.Kind.INVOICE
        ok = True
        # Each line first, its messages on its own fields.
        for form in forms_:
            try:
                validation.clean_line(form.instance, currency, kind)
            except ValidationError as error:
                ok = False
                for field, messages_ in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages_)
        if not ok:
            self.add_error(None, _("Some lines need correcting: see the messages on them."))
            return False
        # Then the invoice as a whole (totals, credit lines, what a credit note may take).
        lines = [form.instance for form in forms_]
        for order, line in enumerate(lines):
            line.sort_order = order
        try:
            services.validate_invoice(self.instance, lines)
        except ValidationError as error:
            self._place_errors(error, forms_)
            return False
        return True

    def _place_errors(self, error, line_forms):
        """Put each error from the services where it belongs: on a field of the invoice, on
        a field of a line ("lines-2-unit_price", {"lines": {1: ...}}, "Line 2: …"), or at the
        top of the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self._place_message(message, line_forms)
            return
        for key, errors in error.error_dict.items():
            match = LINE_KEY.match(str(key))
            if key in self.fields:
                self.add_error(key, errors)
            elif match and int(match.group(1)) < len(line_forms) + 1:
                index = int(match.group(1))
                form = line_forms[min(index, len(line_forms) - 1)]
                field = match.group(2)
                form.add_error(field if field in form.fields else None, errors)
            elif key == NON_FIELD_ERRORS or key == "lines":
                for item in errors:
                    for message in ValidationError(item).messages:
                        self._place_message(message, line_forms)
            else:
                self.add_error(None, errors)

    def _place_message(self, message, line_forms):
        match = re.match(r"^\s*(?:line|ligne)\s+(\d+)\b", str(message), re.IGNORECASE)
        if match and 1 <= int(match.group(1)) <= len(line_forms):
            line_forms[int(match.group(1)) - 1].add_error(None, message)
            # Shown at the top too, so it is seen even when the line is scrolled away.
        self.add_error(None, message)


# ---------------------------------------------------------------------------- action forms

class PaymentForm(forms.Form):
    amount = forms.CharField(label=gettext_lazy("Amount"), max_length=30)
    date = forms.DateField(label=gettext_lazy("Date received"), widget=AdminDateInput)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=Payment.Method.choices)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=120,
                                required=False,
                                help_text=gettext_lazy("The bank reference, cheque number…"))

    def __init__(self, invoice, *args, **kwargs):
        self.invoice = invoice
        balance = money.round_money(invoice.balance, invoice.currency)
        kwargs.setdefault("initial", {"date": timezone.localdate(),
                                      "amount": balance if balance > 0 else ""})
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _("In %(currency)s. Still owed: %(balance)s.") % {
            "currency": invoice.currency, "balance": balance}

    def clean_amount(self):
        raw = self.cleaned_data["amount"].replace(" ", "").replace("\u00a0", "")
        amount = money.parse_amount(raw, self.invoice.currency, _("The amount"))
        if amount <= 0:
            raise ValidationError(_("The amount must be more than zero."))
        balance = self.invoice.balance
        if amount > balance:
            raise ValidationError(
                _("The amount is larger than what is still owed (%(balance)s %(currency)s).")
                % {"balance": money.round_money(balance, self.invoice.currency),
                   "currency": self.invoice.currency})
        return amount

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("A payment cannot be received in the future."))
        return date


class VoidForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=gettext_lazy("Kept in the history and on the invoice."))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the invoice is voided."))
        return reason


def last_month():
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class ReportRequestForm(forms.Form):
    month = forms.DateField(label=gettext_lazy("Month"), widget=MonthInput,
                            input_formats=["%Y-%m", "%Y-%m-%d"],
                            help_text=gettext_lazy("The month the report covers."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"month": last_month()})
        super().__init__(*args, **kwargs)

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise ValidationError(_("A report can only cover a month that has begun."))
        return month


class WorkspaceBillingForm(AudienceFormMixin, forms.ModelForm):
    """Who of the workspace's contacts sees its invoices and reports (the portal's audience
    component: only active members can be chosen), and its billing details."""

    audience_fields = {"audience": "contacts", "report_audience": "report_contacts"}

    class Meta:
        model = WorkspaceBilling
        fields = ["audience", "contacts", "report_audience", "report_contacts", "bill_to",
                  "client_tax_id", "currency", "monthly_reports"]
        widgets = {"bill_to": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, workspace, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_audience_fields(workspace)
        self.fields["contacts"].label = _("Contacts who see invoices")
        self.fields["report_contacts"].label = _("Contacts who see reports")
        self.fields["currency"].help_text = _(
            "ISO 4217 code. Empty: the firm's default currency (%s).") % (
            settings_for(workspace).default_currency)

    def clean_currency(self):
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code:
            money.validate_currency(code)
        return code
