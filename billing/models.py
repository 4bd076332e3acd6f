"""Invoices, credit notes, payments, number series and monthly reports.

Money is `Decimal` end to end; every total is computed by `billing.money` (one rounding rule).
An invoice is a draft until it is issued: issuing assigns the next number of its series inside
the transaction (`billing.numbering`) and freezes the totals; after that it is only paid,
credited or voided. Who of a workspace's contacts sees its invoices and reports is the
workspace's billing profile (`WorkspaceBilling`), turned into guardian grants on each invoice
and report, like a page's visibility.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable

from workspaces.audience import Audience

# `private_storage` is named by migration 0001 at this path too: keep it importable here.
from workspaces.blobs.storage import private_name, private_storage
from workspaces.models import WorkspacePage

from . import money

MAX_AMOUNT = Decimal("999999999.99")


@register_setting(icon="doc-full")
class BillingSettings(BaseSiteSetting):
    """Per Site: who the firm is on its invoices, and how invoices are numbered."""

    firm_name = models.CharField(_("legal name"), max_length=200, blank=True)
    firm_address = models.TextField(_("address"), blank=True)
    tax_id = models.CharField(_("tax or VAT number"), max_length=60, blank=True)
    default_currency = models.CharField(_("default currency"), max_length=3, default="EUR",
                                        validators=[money.validate_currency])
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)])
    payment_instructions = models.TextField(
        _("payment instructions"), blank=True,
        help_text=_("Printed on every invoice, e.g. the bank account to pay into."))
    invoice_prefix = models.CharField(_("invoice number prefix"), max_length=20,
                                      default="INV-")
    credit_note_prefix = models.CharField(_("credit note number prefix"), max_length=20,
                                          default="CN-")
    yearly_reset = models.BooleanField(
        _("restart numbering every year"), default=True,
        help_text=_("INV-2026-0001, INV-2026-0002, … then INV-2027-0001. Off: INV-00001, "
                    "INV-00002, … for ever."))
    number_digits = models.PositiveSmallIntegerField(
        _("digits in the number"), default=4, validators=[MinValueValidator(3),
                                                          MaxValueValidator(8)])

    class Meta:
        verbose_name = _("billing settings")


class NumberSequence(models.Model):
    """The last number used in one series (Site, kind, year). Rows are locked while a number is
    taken, so numbers are consecutive and unique under concurrent issuing."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField(help_text="0 when numbering never restarts")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "series", "year"],
                                               name="number_sequence_unique")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


class WorkspaceBilling(models.Model):
    """Who in a workspace sees its invoices and its monthly reports, and billing details."""

    Audience = Audience  # the portal's one audience vocabulary

    workspace = models.OneToOneField(WorkspacePage, on_delete=models.CASCADE,
                                     related_name="billing")
    audience = models.CharField(_("who sees invoices"), max_length=10, choices=Audience.choices,
                                default=Audience.WORKSPACE)
    contacts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name=_("contacts who see invoices"))
    report_audience = models.CharField(_("who sees monthly reports"), max_length=10,
                                       choices=Audience.choices, default=Audience.WORKSPACE)
    report_contacts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                             related_name="+",
                                             verbose_name=_("contacts who see reports"))
    bill_to = models.TextField(_("bill to"), blank=True,
                               help_text=_("The client's legal name and address on invoices."))
    client_tax_id = models.CharField(_("client's tax or VAT number"), max_length=60,
                                     blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True,
                                validators=[money.validate_currency],
                                help_text=_("Empty: the firm's default currency."))
    monthly_reports = models.BooleanField(
        _("make a report every month"), default=False,
        help_text=_("On the first day of each month, a report of the month before is made "
                    "and listed for the contacts who see reports."))

    class Meta:
        verbose_name = _("workspace billing")

    def __str__(self):
        return str(self.workspace)


class Invoice(ClusterableModel):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        VOID = "void", _("Void")

    class Status(models.TextChoices):
        """What people see: the state, the payments and the date together."""

        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        PARTLY_PAID = "partly_paid", _("Partly paid")
        PAID = "paid", _("Paid")
        OVERDUE = "overdue", _("Overdue")
        VOID = "void", _("Void")
        CREDITED = "credited", _("Credited")

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.PROTECT,
                                  related_name="invoices", verbose_name=_("workspace"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices,
                            default=Kind.INVOICE)
    credits = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="credit_notes",
                                verbose_name=_("corrects invoice"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.DRAFT, editable=False)
    number = models.CharField(_("number"), max_length=40, blank=True, editable=False)
    issue_date = models.DateField(_("issue date"), null=True, blank=True,
                                  help_text=_("Empty: the day it is issued."))
    due_date = models.DateField(_("due date"), null=True, blank=True,
                                help_text=_("Empty: the issue date plus the payment terms."))
    currency = models.CharField(_("currency"), max_length=3, default="EUR",
                                validators=[money.validate_currency])
    bill_to = models.TextField(_("bill to"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    payment_instructions = models.TextField(_("payment instructions"), blank=True)
    # Frozen at issue (computed live for drafts by billing.money).
    subtotal = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"),
                                   editable=False)
    tax_total = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"),
                                    editable=False)
    total = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"),
                                editable=False)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal("0"),
                                      editable=False)
    amount_credited = models.DecimalField(max_digits=14, decimal_places=3,
                                          default=Decimal("0"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+", editable=False)
    voided_at = models.DateTimeField(null=True, blank=True, editable=False)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True,
                                   editable=False)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""),
                                    name="invoice_number_unique"),
        ]
        indexes = [models.Index(fields=["workspace", "state", "due_date"])]

    def __str__(self):
        return self.number or _("Draft %(kind)s #%(id)s") % {
            "kind": self.get_kind_display().lower(), "id": self.pk}

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def balance(self):
        """What is still owed: total less payments and credit notes (0 when void)."""
        if self.state == self.State.VOID:
            return Decimal("0")
        return self.total - self.amount_paid - self.amount_credited

    @property
    def status(self):
        if self.state != self.State.ISSUED:
            return self.state
        if self.kind == self.Kind.CREDIT_NOTE:
            return self.Status.ISSUED
        if self.total > 0 and self.balance <= 0:
            return self.Status.CREDITED if self.amount_credited >= self.total else self.Status.PAID
        if self.due_date and self.due_date < timezone.localdate():
            return self.Status.OVERDUE
        if self.amount_paid > 0 or self.amount_credited > 0:
            return self.Status.PARTLY_PAID
        return self.Status.ISSUED

    def get_status_display(self):
        return self.Status(self.status).label

    @classmethod
    def portal_filter(cls):
        """Contacts never see drafts."""
        return ~models.Q(state=cls.State.DRAFT)

    def portal_hidden_reason(self):
        return _("Still a draft.") if self.is_draft else None


class InvoiceLine(Orderable):
    invoice = ParentalKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3,
                                   default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=3)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2,
                                   default=Decimal("0"),
                                   validators=[MinValueValidator(Decimal("0")),
                                               MaxValueValidator(Decimal("100"))])
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2,
                                   default=Decimal("0"),
                                   validators=[MinValueValidator(Decimal("0")),
                                               MaxValueValidator(Decimal("100"))])

    class Meta(Orderable.Meta):
        verbose_name = _("line")
        verbose_name_plural = _("lines")

    def __str__(self):
        return self.description


class Payment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD = "card", _("Card")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CHEQUE = "cheque", _("Cheque")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=3)
    date = models.DateField(_("date"), default=timezone.localdate)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices,
                              default=Method.BANK_TRANSFER)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.amount} {self.invoice.currency} ({self.date})"


class InvoiceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Invoice, on_delete=models.CASCADE)


class InvoiceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Invoice, on_delete=models.CASCADE)


def report_upload_to(instance, filename):
    return private_name(f"ws{instance.workspace_id}", "reports", filename="report.pdf")


class Report(models.Model):
    """A monthly workspace report: made in the background, then a PDF in private storage."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    workspace = models.ForeignKey(WorkspacePage, on_delete=models.CASCADE,
                                  related_name="reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.QUEUED)
    pdf = models.FileField(storage=private_storage, upload_to=report_upload_to, blank=True,
                           max_length=300)
    pages = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "-requested_at"]

    def __str__(self):
        return f"{self.workspace} {self.month:%Y-%m}"

    @classmethod
    def portal_filter(cls):
        return models.Q(state=cls.State.READY)

    def portal_hidden_reason(self):
        return None if self.state == self.State.READY else _("Not ready yet.")


class ReportUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)


class ReportGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Report, on_delete=models.CASCADE)
